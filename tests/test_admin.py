import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from ideas.models import Comment, IdeaReference
from library.models import LogEntry, Reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(member, make_reference, make_entry, make_idea, make_comment):
    reference = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    reference.tags.add("transformers")
    entry = make_entry(member, reference)
    entry.tags.add("transformers")
    idea = make_idea("Titans memory", proposer=member)
    IdeaReference.objects.create(idea=idea, reference=reference, note="Paper")
    idea.status_changes.create(new_status="proposed", changed_by=member)
    make_comment(idea, member, body="Count me in")
    return reference, entry


def test_every_changelist_and_form_opens(curator_client, data):
    """Catches misspelled admin options, which Django would otherwise ignore silently."""
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = curator_client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, info
        if model_admin.has_add_permission(changelist.wsgi_request):
            assert curator_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, info
        obj = model._default_manager.first()
        if obj is not None:
            assert (
                curator_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code
                == 200
            )


def test_changelists_search_filter_and_date_hierarchy(curator_client, data):
    url = reverse("admin:library_reference_changelist")
    assert "Attention" in curator_client.get(url, {"q": "attention"}).content.decode()
    assert curator_client.get(url, {"kind__exact": "paper", "created__year": "2026"}).status_code == 200
    entries = reverse("admin:library_logentry_changelist")
    assert curator_client.get(entries, {"q": "attention", "read_on__year": "2024"}).status_code == 200


def test_log_entry_admin_autocompletes_references(curator_client, data):
    response = curator_client.get(
        reverse("admin:autocomplete"),
        {"term": "attention", "app_label": "library", "model_name": "logentry", "field_name": "reference"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Attention Is All You Need"]


def test_admin_is_for_staff_only(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:library_reference_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_merge_action_asks_which_to_keep_then_merges(
    curator_client, data, other_member, make_entry, make_reference
):
    original, _ = data
    duplicate = make_reference(title="Attention is all you need", url="https://arxiv.org/pdf/1706.0376")
    moved = make_entry(other_member, duplicate, read_on="2024-06-01", notes="from the pdf")
    url = reverse("admin:library_reference_changelist")
    selection = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [original.pk, duplicate.pk]}

    confirm = curator_client.post(url, selection)
    assert confirm.status_code == 200
    assert "Choose the reference to keep" in confirm.content.decode()
    assert Reference.objects.count() == 2

    done = curator_client.post(url, {**selection, "confirm": "yes", "survivor": original.pk}, follow=True)
    assert "Merged 1 reference(s)" in done.content.decode()
    assert list(Reference.objects.all()) == [original]
    moved.refresh_from_db()
    assert moved.reference == original and moved.notes == "from the pdf"
    assert LogEntry.objects.count() == 2


def test_merge_needs_two_and_a_valid_survivor(curator_client, data, make_reference):
    original, _ = data
    other = make_reference()
    url = reverse("admin:library_reference_changelist")
    one = curator_client.post(
        url, {"action": "merge_selected", ACTION_CHECKBOX_NAME: [original.pk]}, follow=True
    )
    assert "at least two" in one.content.decode()
    bad = curator_client.post(
        url,
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [original.pk, other.pk],
            "confirm": "yes",
            "survivor": 999999,
        },
        follow=True,
    )
    assert "Choose one of the selected" in bad.content.decode()
    assert Reference.objects.count() == 2


def test_admin_stamps_the_curator_on_new_references(curator_client, curator):
    response = curator_client.post(
        reverse("admin:library_reference_add"),
        {
            "kind": "paper",
            "title": "Added in admin",
            "url": "",
            "tags": "",
            "log_entries-TOTAL_FORMS": 0,
            "log_entries-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Reference.objects.get(title="Added in admin").added_by == curator


def test_curators_hide_and_unhide_comments_in_bulk(curator_client, data):
    url = reverse("admin:ideas_comment_changelist")
    ids = list(Comment.objects.values_list("pk", flat=True))
    curator_client.post(url, {"action": "hide", ACTION_CHECKBOX_NAME: ids})
    assert not Comment.objects.visible().exists() and Comment.objects.count() == 1
    filtered = curator_client.get(url, {"is_hidden__exact": "1", "q": "count me"})
    assert "Count me in" in filtered.content.decode()
    curator_client.post(url, {"action": "unhide", ACTION_CHECKBOX_NAME: ids})
    assert Comment.objects.visible().count() == 1


def test_idea_admin_shows_counts_and_inline_links(curator_client, data):
    changelist = curator_client.get(reverse("admin:ideas_idea_changelist")).content.decode()
    assert "Titans memory" in changelist
    idea = IdeaReference.objects.get().idea
    change = curator_client.get(reverse("admin:ideas_idea_change", args=[idea.pk])).content.decode()
    assert 'name="reference_links-0-note"' in change and 'value="Paper"' in change
