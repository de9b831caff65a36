"""Nothing written is lost: revisions, diffs, restores, the deleted, and refused stale edits."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from ideas.models import Comment, Idea, IdeaReference, Status
from library.importer import LibraryImporter, Source
from library.models import LogEntry, Reference
from library.services import merge_references
from wiki import history
from wiki.models import Revision

from .formats_fixtures import PAPERS

Action = Revision.Action


def revisions(obj):
    return list(
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        ).order_by("id")
    )


def reference_form(reference, **changes):
    data = {
        "kind": reference.kind,
        "title": reference.title,
        "url": reference.url,
        "authors": reference.authors,
        "summary": reference.summary,
        "tags": ", ".join(t.name for t in reference.tags.all()),
        "version": history.version_of(reference),
    }
    return {**data, **changes}


def idea_form(idea, **changes):
    data = {
        "title": idea.title,
        "status": idea.status,
        "body": idea.body,
        "slug": idea.slug,
        "tags": ", ".join(t.name for t in idea.tags.all()),
        "version": history.version_of(idea),
        "reference_links-TOTAL_FORMS": 0,
        "reference_links-INITIAL_FORMS": 0,
    }
    return {**data, **changes}


@pytest.fixture
def reference(make_reference):
    ref = make_reference(title="Attention Is All You Need", summary="The transformer paper.")
    ref.tags.add("transformers")
    return ref


# Revisions


def test_each_edit_is_a_revision_with_who_when_and_what(client, member, other_member, reference):
    client.force_login(member)
    response = client.post(
        reverse("library:edit", args=[reference.pk]),
        reference_form(reference, summary="The transformer paper. Attention only.", tags="transformers, nlp"),
    )
    assert response.status_code == 302
    reference.refresh_from_db()
    client.force_login(other_member)
    client.post(reverse("library:edit", args=[reference.pk]), reference_form(reference, venue="NIPS"))

    baseline, first, second = revisions(reference)
    # Made before history was kept (by a fixture): its first change keeps how it was.
    assert baseline.action == Action.BASELINE and baseline.data["summary"] == "The transformer paper."
    assert baseline.data["tags"] == ["transformers"]
    assert (first.action, first.user, first.data["tags"]) == (Action.EDITED, member, ["nlp", "transformers"])
    assert first.data["summary"] == "The transformer paper. Attention only."
    assert (second.user, second.data["venue"]) == (other_member, "NIPS")


def test_new_things_start_their_history_when_created(client, member, make_reference):
    client.force_login(member)
    client.post(
        reverse("library:add"),
        {"kind": "paper", "title": "Titans", "url": "https://arxiv.org/abs/2501.00663"},
    )
    reference = Reference.objects.get(title="Titans")
    client.post(
        reverse("ideas:new"), {"title": "Memory at test time", "status": "proposed", "body": "Try it"}
    )
    idea = Idea.objects.get()
    client.post(reverse("ideas:comment_add", args=[idea.slug]), {"body": "Count me in"})
    client.post(
        reverse("library:log_add"), {"reference": reference.pk, "read_on": "2025-01-20", "notes": "Read"}
    )
    for obj in [reference, idea, Comment.objects.get(), LogEntry.objects.get()]:
        [created] = revisions(obj)
        assert (created.action, created.user) == (Action.CREATED, member), obj


def test_history_page_lists_revisions_and_compares_word_by_word(client, member, reference):
    client.force_login(member)
    client.post(
        reverse("library:edit", args=[reference.pk]),
        reference_form(reference, summary="The transformer paper, with attention only."),
    )
    page = client.get(reverse("wiki:history", args=["reference", reference.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "History of “Attention Is All You Need”" in html and "revision-2" in html and "member" in html

    diff = client.get(reverse("wiki:history_compare", args=["reference", reference.pk]), {"from": 1, "to": 2})
    html = diff.content.decode()
    assert "Revision 1 → 2" in html
    assert "The transformer paper<ins>, with attention only</ins>." in html
    assert '<th scope="row">Summary</th>' in html
    assert "Unchanged: Kind, Title, URL, Authors" in html  # labels as the forms write them


def test_compare_escapes_what_people_wrote(client, member, reference):
    client.force_login(member)
    client.post(
        reverse("library:edit", args=[reference.pk]),
        reference_form(reference, summary="<script>x()</script>"),
    )
    html = client.get(reverse("wiki:history_compare", args=["reference", reference.pk])).content.decode()
    assert "<ins>&lt;script&gt;x()&lt;/script&gt;</ins>" in html
    assert "<script>x()" not in html


def test_restore_is_a_new_revision_and_brings_back_fields_and_tags(client, member, reference):
    client.force_login(member)
    client.post(
        reverse("library:edit", args=[reference.pk]),
        reference_form(reference, title="Attention (vandalised)", summary="", tags="spam"),
    )
    baseline = revisions(reference)[0]
    response = client.post(reverse("wiki:history_restore", args=[baseline.pk]))
    assert response.status_code == 302 and response["Location"] == reference.get_absolute_url()
    reference.refresh_from_db()
    assert (reference.title, reference.summary) == ("Attention Is All You Need", "The transformer paper.")
    assert [t.name for t in reference.tags.all()] == ["transformers"]
    assert "transformer paper" in reference.summary_html
    restored = revisions(reference)[-1]
    assert (restored.action, restored.user, restored.note) == (Action.RESTORED, member, "Restored revision 1")


def test_restoring_an_idea_brings_back_its_references(client, member, idea_with_discussion):
    idea = idea_with_discussion["idea"]
    client.force_login(member)
    link = idea.reference_links.get()
    response = client.post(
        reverse("ideas:edit", args=[idea.slug]),
        idea_form(
            idea,
            body="Rewritten",
            status=Status.ACTIVE,
            **{
                "reference_links-TOTAL_FORMS": 1,
                "reference_links-INITIAL_FORMS": 1,
                "reference_links-0-id": link.pk,
                "reference_links-0-idea": idea.pk,
                "reference_links-0-DELETE": "on",
            },
        ),
    )
    assert response.status_code == 302
    assert not idea.reference_links.exists()
    client.post(reverse("wiki:history_restore", args=[revisions(idea)[0].pk]))
    idea.refresh_from_db()
    assert (idea.body, idea.status) == ("Memory that learns at test time", Status.PROPOSED)
    assert [(lnk.reference_id, lnk.note) for lnk in idea.reference_links.all()] == [
        (link.reference_id, "The paper")
    ]


def test_anonymous_and_strangers_cannot_restore(client, member, other_member, make_entry, reference):
    entry = make_entry(member, reference, notes="mine")
    client.force_login(member)
    client.post(
        reverse("library:log_edit", args=[entry.pk]),
        {"title": "", "read_on": "2024-09-25", "notes": "changed", "version": history.version_of(entry)},
    )
    first = revisions(entry)[0]
    client.force_login(other_member)
    assert client.post(reverse("wiki:history_restore", args=[first.pk])).status_code == 403
    client.logout()
    response = client.post(reverse("wiki:history_restore", args=[first.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    entry.refresh_from_db()
    assert entry.notes == "changed"


# The deleted


def test_curators_find_and_restore_a_deleted_reference(client, curator, member, reference, make_idea):
    idea = make_idea(title="Transformers for memory")
    IdeaReference.objects.create(idea=idea, reference=reference, note="the base")
    client.force_login(curator)
    assert client.post(reverse("library:delete", args=[reference.pk])).status_code == 302
    assert not Reference.objects.filter(pk=reference.pk).exists()

    client.force_login(member)
    assert client.get(reverse("wiki:deleted")).status_code == 403
    assert client.get(reverse("wiki:history", args=["reference", reference.pk])).status_code == 404
    [deletion] = revisions(reference)
    assert client.post(reverse("wiki:history_restore", args=[deletion.pk])).status_code == 404

    client.force_login(curator)
    listing = client.get(reverse("wiki:deleted")).content.decode()
    assert "Attention Is All You Need" in listing and "curator" in listing
    history_page = client.get(reverse("wiki:history", args=["reference", reference.pk])).content.decode()
    assert "It was deleted" in history_page and "Restore this revision" in history_page
    assert deletion.action == Action.DELETED and deletion.user == curator
    response = client.post(reverse("wiki:history_restore", args=[deletion.pk]))
    assert response.status_code == 302
    back = Reference.objects.get(pk=reference.pk)
    assert (back.title, back.summary, back.created) == (reference.title, reference.summary, reference.created)
    assert [t.name for t in back.tags.all()] == ["transformers"]
    assert list(back.idea_links.values_list("idea", "note")) == [(idea.pk, "the base")]
    assert "Nothing deleted is missing" in client.get(reverse("wiki:deleted")).content.decode()
    # Search finds it again: its index row came back with it.
    assert "Attention Is All You Need" in client.get(reverse("search"), {"q": "attention"}).content.decode()


@pytest.fixture
def idea_with_discussion(make_idea, make_reference, member, other_member):
    idea = make_idea(title="Titans memory", body="Memory that learns at test time", proposer=member)
    idea.tags.add("memory")
    idea.members.add(other_member)
    reference = make_reference(title="Titans: Learning to Memorize at Test Time")
    IdeaReference.objects.create(idea=idea, reference=reference, note="The paper")
    first = Comment.objects.create(idea=idea, author=other_member, body="Which layer?")
    second = Comment.objects.create(idea=idea, author=member, body="The *MLP* one")
    return {"idea": idea, "comments": [first, second], "reference": reference}


def test_a_deleted_idea_comes_back_with_its_discussion(client, curator, other_member, idea_with_discussion):
    idea = idea_with_discussion["idea"]
    comments = idea_with_discussion["comments"]
    client.force_login(curator)
    client.post(reverse("ideas:delete", args=[idea.slug]))
    assert not Idea.objects.exists() and not Comment.objects.exists()

    deletion = revisions(idea)[-1]
    assert deletion.action == Action.DELETED and len(deletion.data["comments"]) == 2
    listing = client.get(reverse("wiki:deleted")).content.decode()
    assert "Titans memory" in listing
    history_page = client.get(reverse("wiki:history", args=["idea", idea.pk])).content.decode()
    assert history_page.count("Restore this revision") == 1

    client.post(reverse("wiki:history_restore", args=[deletion.pk]))
    back = Idea.objects.get(pk=idea.pk)
    assert (back.title, back.slug, back.body) == (idea.title, idea.slug, idea.body)
    assert list(back.members.all()) == [other_member]
    assert [t.name for t in back.tags.all()] == ["memory"]
    assert back.reference_links.get().note == "The paper"
    assert [(c.pk, c.author, c.body, c.created) for c in back.comments.order_by("pk")] == [
        (c.pk, c.author, c.body, c.created) for c in comments
    ]
    page = client.get(back.get_absolute_url()).content.decode()
    assert "Which layer?" in page and "<em>MLP</em>" in page


def test_a_deleted_comment_can_be_restored_by_a_curator(client, curator, member, idea_with_discussion):
    comment = idea_with_discussion["comments"][1]
    client.force_login(member)
    client.post(reverse("ideas:comment_delete", args=[comment.pk]))
    assert not Comment.objects.filter(pk=comment.pk).exists()
    deletion = revisions(comment)[-1]
    assert (deletion.action, deletion.user, deletion.data["body"]) == (
        Action.DELETED,
        member,
        "The *MLP* one",
    )
    # Its author may not bring it back (what is deleted is the curators' to restore); a curator can.
    assert client.post(reverse("wiki:history_restore", args=[deletion.pk])).status_code == 404
    assert not Comment.objects.filter(pk=comment.pk).exists()
    client.force_login(curator)
    assert client.post(reverse("wiki:history_restore", args=[deletion.pk])).status_code == 302
    back = Comment.objects.get(pk=comment.pk)
    assert (back.body, back.author, back.created) == (comment.body, member, comment.created)
    assert revisions(back)[-1].action == Action.RESTORED


def test_restore_that_would_clash_is_refused_with_a_message(client, curator, make_reference):
    gone = make_reference(title="Old copy", url="https://arxiv.org/abs/1706.03762")
    client.force_login(curator)
    client.post(reverse("library:delete", args=[gone.pk]))
    make_reference(title="Attention", url="https://arxiv.org/abs/1706.03762v2")
    [deletion] = revisions(gone)
    response = client.post(reverse("wiki:history_restore", args=[deletion.pk]), follow=True)
    assert "already in the library" in response.content.decode()
    assert not Reference.objects.filter(pk=gone.pk).exists()


# Bulk writes


def test_imports_and_merges_leave_history(member, make_entry, make_reference):
    report = LibraryImporter(reader=member).run([Source.from_text(PAPERS, "papers.md")])
    assert report.references_created > 0
    imported = Revision.objects.filter(action=Action.IMPORTED, content_type__model="reference")
    assert imported.count() == report.references_created
    assert {r.note for r in imported} == {"Imported from papers.md"}
    assert all(r.user == member for r in imported)

    survivor = make_reference(title="Attention Is All You Need (survivor)", url="")
    duplicate = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.99999")
    entry = make_entry(member, duplicate)
    duplicate_pk = duplicate.pk
    merge_references(survivor, [duplicate], user=member)
    assert revisions(survivor)[-1].action == Action.MERGED
    [gone] = revisions(Reference(pk=duplicate_pk))
    assert gone.action == Action.DELETED and f"Merged into “{survivor.title}”" in gone.note
    moved = revisions(LogEntry.objects.get(pk=entry.pk))
    assert [r.action for r in moved] == [Action.BASELINE, Action.MERGED]
    assert moved[0].data["reference"][0] == duplicate_pk and moved[1].data["reference"][0] == survivor.pk


def test_admin_edits_and_deletions_leave_history(client, curator, reference):
    client.force_login(curator)
    url = reverse("admin:library_reference_change", args=[reference.pk])
    form = {
        "kind": "paper",
        "title": "Attention Is All You Need",
        "url": reference.url,
        "tags": "transformers",
        "summary": "Edited in the admin",
        "version": history.version_of(reference),
        "log_entries-TOTAL_FORMS": 0,
        "log_entries-INITIAL_FORMS": 0,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    baseline, edited = revisions(reference)
    assert (edited.action, edited.user, edited.data["summary"]) == (
        Action.EDITED,
        curator,
        "Edited in the admin",
    )
    assert baseline.data["summary"] == "The transformer paper."
    # The same form sent again is stale now: refused, nothing overwritten.
    stale = client.post(url, {**form, "summary": "Overwrite"})
    assert stale.status_code == 200 and "Someone saved this after you opened it" in stale.content.decode()
    reference.refresh_from_db()
    assert reference.summary == "Edited in the admin"
    client.post(reverse("admin:library_reference_delete", args=[reference.pk]), {"post": "yes"})
    assert revisions(reference)[-1].action == Action.DELETED


def test_every_admin_change_form_carries_its_version(
    client, curator, reference, make_entry, idea_with_discussion
):
    client.force_login(curator)
    entry = make_entry(curator, reference)
    comment = idea_with_discussion["comments"][0]
    for name, obj in [
        ("library_reference", reference),
        ("library_logentry", entry),
        ("ideas_idea", idea_with_discussion["idea"]),
        ("ideas_comment", comment),
    ]:
        page = client.get(reverse(f"admin:{name}_change", args=[obj.pk])).content.decode()
        assert f'name="version" value="{history.version_of(obj)}"' in page, name


def test_history_pages_read_a_bounded_number_of_queries(
    client, member, reference, django_assert_max_num_queries
):
    client.force_login(member)
    for n in range(30):
        reference.refresh_from_db()
        client.post(reverse("library:edit", args=[reference.pk]), reference_form(reference, venue=f"V{n}"))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("wiki:history", args=["reference", reference.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert (
            client.get(reverse("wiki:history_compare", args=["reference", reference.pk])).status_code == 200
        )


# Edit conflicts: both opened the form; the second save must not silently win.


def test_a_stale_reference_edit_is_refused_and_both_versions_are_shown(
    client, member, other_member, reference
):
    opened = history.version_of(reference)
    client.force_login(other_member)
    client.post(
        reverse("library:edit", args=[reference.pk]),
        reference_form(reference, summary="Their careful summary.", version=opened),
    )
    client.force_login(member)
    response = client.post(
        reverse("library:edit", args=[reference.pk]),
        reference_form(reference, summary="My quick summary.", version=opened),
    )
    assert response.status_code == 409
    reference.refresh_from_db()
    assert reference.summary == "Their careful summary."
    html = response.content.decode()
    assert "other saved this after you opened it" in html
    assert "Their careful summary." in html  # their version, beside…
    assert "My quick summary.</textarea>" in html  # …yours, still in the form
    # The form now carries their version: saving again (having merged) is allowed.
    form = response.context["form"]
    assert form["version"].value() == history.version_of(reference)
    again = client.post(
        reverse("library:edit", args=[reference.pk]),
        reference_form(reference, summary="Their careful summary. My quick one."),
    )
    assert again.status_code == 302
    reference.refresh_from_db()
    assert reference.summary == "Their careful summary. My quick one."


def test_stale_idea_log_entry_and_comment_edits_are_refused(
    client, member, other_member, idea_with_discussion, make_entry
):
    idea = idea_with_discussion["idea"]
    client.force_login(other_member)
    opened = history.version_of(idea)
    assert (
        client.post(reverse("ideas:edit", args=[idea.slug]), idea_form(idea, body="Theirs")).status_code
        == 302
    )
    client.force_login(member)
    stale = client.post(reverse("ideas:edit", args=[idea.slug]), idea_form(idea, body="Mine", version=opened))
    assert stale.status_code == 409 and "Mine</textarea>" in stale.content.decode()
    idea.refresh_from_db()
    assert idea.body == "Theirs"

    # One member in two tabs is two editors too.
    comment = idea_with_discussion["comments"][1]
    url = reverse("ideas:comment_edit", args=[comment.pk])
    opened = history.version_of(comment)
    assert client.post(url, {"body": "First tab", "version": opened}).status_code == 302
    assert client.post(url, {"body": "Second tab", "version": opened}).status_code == 409
    comment.refresh_from_db()
    assert comment.body == "First tab"

    entry = make_entry(member, notes="v1")
    url = reverse("library:log_edit", args=[entry.pk])
    opened = history.version_of(entry)
    form = {"title": "", "read_on": "2024-09-25", "version": opened}
    assert client.post(url, {**form, "notes": "first"}).status_code == 302
    response = client.post(url, {**form, "notes": "second"})
    assert response.status_code == 409 and "first" in response.content.decode()
    entry.refresh_from_db()
    assert entry.notes == "first"


def test_a_form_without_its_version_cannot_overwrite(client, member, reference):
    client.force_login(member)
    data = reference_form(reference, summary="blind write")
    del data["version"]
    assert client.post(reverse("library:edit", args=[reference.pk]), data).status_code == 409
    reference.refresh_from_db()
    assert reference.summary == "The transformer paper."
