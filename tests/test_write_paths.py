"""Every tracked model through every write path: history, search and caches stay in step.

Each step writes the way a member or curator does (the site's forms and the admin's, scraped
from the real pages and posted back; the importers; a merge; a restore) and then checks, for
the object written: its newest revision, every search document in the index against what a
rebuild would make, and that the caches holding it were dropped.
"""

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse

from ideas.importer import import_ideas
from ideas.models import Comment, Idea, IdeaReference
from library.importer import LibraryImporter, Source
from library.models import LogEntry, Reference
from library.services import merge_references
from tests.formats_fixtures import IDEAS, PAPERS, READING_LOG
from wiki import history, pagecache, tracking
from wiki.models import SearchDocument

STALE = "stale"


class _Forms(HTMLParser):
    """The fields of every form on a page, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {}
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file") or (kind == "checkbox" and "checked" not in attrs):
                return
            self.current[attrs["name"]] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.current[self.textarea] = ""
        elif tag == "select" and attrs.get("name"):
            self.select = attrs["name"]
        elif tag == "option" and self.select and (self.select not in self.current or "selected" in attrs):
            self.current[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.current = None

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.current[self.textarea] += data


def form_on(client, url, field):
    """The fields of the form on the page at `url` that has `field`."""
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Forms()
    parser.feed(response.content.decode())
    fields = next(form for form in parser.forms if field in form)
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def post_form(client, page, field, /, _to=None, **changes):
    """Fill in the form on `page` as it is, change some fields, and send it (to `_to` or back)."""
    data = {**form_on(client, page, field), **changes}
    response = client.post(_to or page, data)
    assert response.status_code == 302, (page, response.content.decode()[:3000])
    return response


def index_in_step():
    """The search index holds exactly what a rebuild from the objects would."""
    expected = set()
    for tracked in tracking.searched():
        for obj in tracked.search_queryset():
            if document := tracked.document(obj):
                expected.add((tracked.slug, obj.pk, document["title"], document["body"], document["heading"]))
    actual = set(SearchDocument.objects.values_list("doc_type", "object_id", "title", "body", "heading"))
    assert actual == expected


class Walk:
    """Marks an object's caches stale before a write and checks everything after it."""

    def __init__(self, obj):
        self.model, self.pk = type(obj), obj.pk
        self.tracked = tracking.tracked_for(obj)
        # Its own caches, and the version every cached page body is stored under.
        self.keys = [*self.tracked.cache_keys([obj]), pagecache.VERSION_KEY]

    def before(self):
        for key in self.keys:
            cache.set(key, STALE)

    def check(self, action, *, pk=None):
        pk = pk or self.pk
        revision = history.revisions_of(self.model, pk).last()
        assert revision is not None and revision.action == action
        obj = self.model.objects.filter(pk=pk).first()
        if action == "deleted":
            assert obj is None
        else:
            assert revision.data == self.tracked.snapshot(obj)
        index_in_step()
        assert [cache.get(key) for key in self.keys] == [None] * len(self.keys), "caches left stale"
        return obj


@pytest.fixture
def people(make_user, client):
    return make_user("mem"), make_user("cur", is_staff=True, is_superuser=True)


def as_user(client, user):
    client.force_login(user)
    return client


def test_a_reference_through_the_site_the_admin_an_import_and_a_merge(client, people):
    mem, cur = people
    as_user(client, mem)
    post_form(
        client,
        reverse("library:add"),
        "title",
        title="Sparse autoencoders",
        url="https://arxiv.org/abs/2309.08600",
    )
    reference = Reference.objects.get(title="Sparse autoencoders")
    walk = Walk(reference)
    walk.check("created")
    # A reading that shows the reference's title: its document follows the reference's edits.
    post_form(client, reverse("library:log_add") + f"?reference={reference.pk}", "read_on", notes="Read it.")
    walk.before()
    post_form(
        client, reverse("library:edit", args=[reference.pk]), "title", title="Sparse dictionary features"
    )
    walk.check("edited")
    assert "Sparse dictionary features" in SearchDocument.objects.get(doc_type="log").heading

    first = history.revisions_of(Reference, reference.pk).first()
    walk.before()
    assert client.post(reverse("wiki:history_restore", args=[first.pk])).status_code == 302
    assert walk.check("restored").title == "Sparse autoencoders"

    as_user(client, cur)
    admin_change = reverse("admin:library_reference_change", args=[reference.pk])
    walk.before()
    post_form(client, admin_change, "title", title="Sparse autoencoders, in the admin")
    walk.check("edited")

    post_form(client, reverse("admin:library_reference_add"), "title", title="Added in the admin", url="")
    added = Reference.objects.get(title="Added in the admin")
    added_walk = Walk(added)
    added_walk.check("created")
    added_walk.before()
    response = client.post(reverse("admin:library_reference_delete", args=[added.pk]), {"post": "yes"})
    assert response.status_code == 302
    added_walk.check("deleted")
    deletion = history.revisions_of(Reference, added.pk).last()
    added_walk.before()
    assert client.post(reverse("wiki:history_restore", args=[deletion.pk])).status_code == 302
    added_walk.check("restored")
    added_walk.before()
    assert client.post(reverse("library:delete", args=[added.pk])).status_code == 302
    added_walk.check("deleted")

    # An import creates references and fills in what the library lacks.
    walk.before()
    LibraryImporter(reader=mem).run([Source.from_text(PAPERS, "papers.md")])
    imported = Reference.objects.exclude(pk=reference.pk).order_by("pk").first()
    Walk(imported).check("imported")
    assert [cache.get(key) for key in walk.keys] == [None], "an import drops the BibTeX cache"

    # A merge: the survivor takes the duplicate's readings and citations; the duplicate is gone.
    idea = Idea.objects.create(title="Dictionary learning at scale")
    IdeaReference.objects.create(idea=idea, reference=imported, note="the scaling paper")
    walk.before()
    duplicate = imported.pk  # a deleted instance forgets its pk
    merge_references(reference, [reference, imported], user=cur)
    walk.check("merged")
    Walk(reference).check("deleted", pk=duplicate)
    assert list(idea.reference_links.values_list("reference", flat=True)) == [reference.pk]
    deletion = history.revisions_of(Reference, duplicate).last()
    assert client.post(reverse("wiki:history_restore", args=[deletion.pk])).status_code == 302
    Walk(reference).check("restored", pk=duplicate)


def test_a_log_entry_through_the_site_the_admin_an_import_and_a_merge(client, people, make_reference):
    mem, cur = people
    as_user(client, mem)
    post_form(
        client,
        reverse("library:log_add"),
        "read_on",
        title="A new paper",
        url="https://arxiv.org/abs/2401.00001",
    )
    entry = LogEntry.objects.get()
    walk = Walk(entry)
    walk.check("created")
    walk.before()
    post_form(client, reverse("library:log_edit", args=[entry.pk]), "read_on", notes="Notes added later.")
    walk.check("edited")
    first = history.revisions_of(LogEntry, entry.pk).first()
    walk.before()
    assert client.post(reverse("wiki:history_restore", args=[first.pk])).status_code == 302
    assert walk.check("restored").notes == ""

    as_user(client, cur)
    walk.before()
    post_form(client, reverse("admin:library_logentry_change", args=[entry.pk]), "read_on", notes="Curated.")
    walk.check("edited")
    walk.before()
    assert client.post(reverse("library:log_delete", args=[entry.pk])).status_code == 302
    walk.check("deleted")
    deletion = history.revisions_of(LogEntry, entry.pk).last()
    walk.before()
    assert client.post(reverse("wiki:history_restore", args=[deletion.pk])).status_code == 302
    walk.check("restored")
    walk.before()
    response = client.post(reverse("admin:library_logentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 302
    walk.check("deleted")

    LibraryImporter(reader=mem).run([Source.from_text(READING_LOG, "log.md")])
    imported = LogEntry.objects.order_by("pk").first()
    imported_walk = Walk(imported)
    imported_walk.check("imported")

    survivor = make_reference(title="The survivor", url="https://example.org/survivor")
    imported_walk.before()
    merge_references(survivor, [survivor, imported.reference], user=cur)
    imported_walk.check("merged")
    assert LogEntry.objects.get(pk=imported.pk).reference == survivor


def test_an_idea_through_the_site_the_admin_and_an_import(client, people):
    mem, cur = people
    as_user(client, mem)
    post_form(client, reverse("ideas:new"), "title", title="Titans memory probes", body="Probe the memory.")
    idea = Idea.objects.get(title="Titans memory probes")
    walk = Walk(idea)
    walk.check("created")
    post_form(
        client,
        idea.get_absolute_url(),
        "body",
        _to=reverse("ideas:comment_add", args=[idea.slug]),
        body="Count me in",
    )
    comment = Comment.objects.get()
    walk.before()
    post_form(client, reverse("ideas:edit", args=[idea.slug]), "title", title="Titans memory, probed")
    walk.check("edited")
    assert "Titans memory, probed" in SearchDocument.objects.get(doc_type="comment").heading
    first = history.revisions_of(Idea, idea.pk).first()
    assert client.post(reverse("wiki:history_restore", args=[first.pk])).status_code == 302
    walk.check("restored")

    as_user(client, cur)
    idea.refresh_from_db()
    post_form(
        client, reverse("admin:ideas_idea_change", args=[idea.pk]), "title", title="Edited by a curator"
    )
    walk.check("edited")
    assert client.post(reverse("ideas:delete", args=[idea.slug])).status_code == 302
    walk.check("deleted")
    assert not Comment.objects.filter(pk=comment.pk).exists()
    deletion = history.revisions_of(Idea, idea.pk).last()
    assert client.post(reverse("wiki:history_restore", args=[deletion.pk])).status_code == 302
    walk.check("restored")
    assert Comment.objects.filter(pk=comment.pk).exists(), "the discussion comes back, searchable"
    response = client.post(reverse("admin:ideas_idea_delete", args=[idea.pk]), {"post": "yes"})
    assert response.status_code == 302
    walk.check("deleted")

    post_form(client, reverse("admin:ideas_idea_add"), "title", title="Added in the admin", slug="")
    Walk(Idea.objects.get(title="Added in the admin")).check("created")

    import_ideas(IDEAS, "ideas.md", proposer=cur)
    imported = Idea.objects.exclude(title="Added in the admin").order_by("pk").first()
    Walk(imported).check("imported")


def test_a_comment_through_the_site_and_the_admin(client, people, make_idea):
    mem, cur = people
    idea = make_idea(title="DeepSeek routing")
    as_user(client, mem)
    post_form(
        client,
        idea.get_absolute_url(),
        "body",
        _to=reverse("ideas:comment_add", args=[idea.slug]),
        body="First thoughts",
    )
    comment = Comment.objects.get()
    walk = Walk(comment)
    walk.check("created")
    post_form(client, reverse("ideas:comment_edit", args=[comment.pk]), "body", body="Second thoughts")
    walk.check("edited")
    first = history.revisions_of(Comment, comment.pk).first()
    assert client.post(reverse("wiki:history_restore", args=[first.pk])).status_code == 302
    assert walk.check("restored").body == "First thoughts"

    as_user(client, cur)
    assert client.post(reverse("ideas:comment_hide", args=[comment.pk])).status_code == 302
    walk.check("edited")
    assert not SearchDocument.objects.filter(doc_type="comment").exists(), "hidden: not found"
    changelist = reverse("admin:ideas_comment_changelist")
    response = client.post(changelist, {"action": "unhide", "_selected_action": [comment.pk]})
    assert response.status_code == 302
    walk.check("edited")
    post_form(client, reverse("admin:ideas_comment_change", args=[comment.pk]), "body", body="Curated")
    walk.check("edited")

    as_user(client, mem)
    assert client.post(reverse("ideas:comment_delete", args=[comment.pk])).status_code == 302
    walk.check("deleted")
    as_user(client, cur)
    deletion = history.revisions_of(Comment, comment.pk).last()
    assert client.post(reverse("wiki:history_restore", args=[deletion.pk])).status_code == 302
    walk.check("restored")
    response = client.post(reverse("admin:ideas_comment_delete", args=[comment.pk]), {"post": "yes"})
    assert response.status_code == 302
    walk.check("deleted")


def test_every_tracked_model_is_walked_here():
    walked = {"reference", "log", "idea", "comment"}
    assert {tracked.slug for tracked in tracking.all_tracked()} == walked
