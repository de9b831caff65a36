"""The everyday flows a new member tried: pasting links and identifiers, history, merges, dates."""

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from library.activity import year_cache_key
from library.identity import link_from
from library.models import LogEntry, Reference
from library.services import merge_references
from wiki import changes, history

pytestmark = pytest.mark.django_db

ATTENTION = "https://arxiv.org/abs/1706.03762"


@pytest.fixture
def attention(make_reference):
    return make_reference(title="Attention Is All You Need", url=ATTENTION)


# Links and identifiers as members paste them


@pytest.mark.parametrize(
    ("pasted", "link"),
    [
        ("1706.03762", ATTENTION),
        ("arXiv:1706.03762", ATTENTION),
        ("  arxiv:1706.03762v7 ", "https://arxiv.org/abs/1706.03762v7"),
        ("arxiv.org/abs/1706.03762", ATTENTION),
        ("hep-th/9901001", "https://arxiv.org/abs/hep-th/9901001"),
        ("10.1038/nature14539", "https://doi.org/10.1038/nature14539"),
        ("doi:10.1038/nature14539", "https://doi.org/10.1038/nature14539"),
        ("github.com/karpathy/nanoGPT", "https://github.com/karpathy/nanoGPT"),
        # Already links, paths and plain words stay as they are.
        ("https://arxiv.org/pdf/1706.03762", "https://arxiv.org/pdf/1706.03762"),
        ("./projects/fnn", "./projects/fnn"),
        ("Attention Is All You Need", "Attention Is All You Need"),
        ("", ""),
    ],
)
def test_pasted_identifiers_become_links(pasted, link):
    assert link_from(pasted) == link


@pytest.mark.parametrize("pasted", ["1706.03762", "arXiv:1706.03762", "arxiv.org/abs/1706.03762v7"])
def test_a_pasted_arxiv_id_is_recognised_everywhere(member_client, attention, pasted):
    # The live hint while typing.
    found = member_client.get(reverse("library:lookup"), {"url": pasted}).json()["results"]
    assert [match["id"] for match in found] == [attention.pk]
    # Adding it takes the member to the reference the library has.
    response = member_client.post(reverse("library:add"), {"kind": "paper", "url": pasted})
    assert response.status_code == 302 and response["Location"] == attention.get_absolute_url()
    assert Reference.objects.count() == 1
    # Search finds it by its number.
    page = member_client.get(reverse("search"), {"q": pasted}).content.decode()
    assert f'In the library: <a href="{attention.get_absolute_url()}">' in page
    assert "Nothing matches" not in page


def test_a_new_reference_from_a_pasted_id_keeps_its_link(member_client):
    response = member_client.post(
        reverse("library:add"), {"kind": "paper", "title": "Deep learning", "url": "doi:10.1038/nature14539"}
    )
    reference = Reference.objects.get()
    assert response.status_code == 302 and reference.url == "https://doi.org/10.1038/nature14539"


def test_a_new_link_alone_whose_source_is_unreachable_is_kept_needing_its_title(member_client):
    response = member_client.post(
        reverse("library:add"), {"kind": "paper", "url": "https://example.org/new"}, follow=True
    )
    reference = Reference.objects.get()
    assert (reference.url, reference.title, reference.needs_title) == (
        "https://example.org/new",
        "example.org/new",
        True,
    )
    assert "marked “needs its title”" in response.content.decode()


def test_a_relative_path_alone_asks_for_a_title(member_client):
    response = member_client.post(reverse("library:add"), {"kind": "paper", "url": "./projects/fnn"})
    assert response.context["form"].errors["title"] == [
        "Give it a title: the library does not have this link yet."
    ]
    assert 'value="./projects/fnn"' in response.content.decode(), "what was typed is kept"
    assert not Reference.objects.exists()


def test_logging_a_known_link_alone_joins_its_reference(member_client, member, attention):
    today = timezone.localdate().isoformat()
    response = member_client.post(
        reverse("library:log_add"), {"url": "arxiv.org/abs/1706.03762", "kind": "paper", "read_on": today}
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get()
    assert (entry.reference, entry.reader, entry.logged_title) == (attention, member, "")
    assert Reference.objects.count() == 1


def test_logging_an_unreachable_new_link_alone_keeps_it_needing_its_title(member_client, member):
    today = timezone.localdate().isoformat()
    response = member_client.post(
        reverse("library:log_add"), {"url": "https://example.org/x", "kind": "paper", "read_on": today}
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get()
    assert (entry.reader, entry.reference.needs_title, entry.reference.title) == (
        member,
        True,
        "example.org/x",
    )


def test_logging_a_relative_path_alone_asks_for_its_title(member_client):
    today = timezone.localdate().isoformat()
    response = member_client.post(
        reverse("library:log_add"), {"url": "./notes/x", "kind": "paper", "read_on": today}
    )
    assert "give it a title too" in response.context["form"].errors["title"][0]
    assert not LogEntry.objects.exists()


# History


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth, self.nested, self.forms, self.radios = 0, False, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.nested |= self.depth > 0
            self.depth += 1
            self.forms.append(attrs)
        elif tag == "input" and attrs.get("type") == "radio":
            self.radios.append(attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


def test_history_list_restore_forms_are_not_nested_in_the_compare_form(member_client, attention, member):
    for title in ("Attention", "Attention Is All You Need (v2)"):
        with changes.change(attention, member):
            attention.title = title
            attention.save()
    page = member_client.get(reverse("wiki:history", args=["reference", attention.pk])).content.decode()
    forms = _Forms()
    forms.feed(page)
    assert not forms.nested, "a browser drops a nested form's tag, and its button submits the outer form"
    restores = [f for f in forms.forms if f.get("method") == "post" and "/restore/" in f.get("action", "")]
    assert len(restores) == 2, "every revision but the newest can be restored"
    assert forms.radios and all(radio.get("form") == "compare" for radio in forms.radios)


# Merges, deletions, dates


def test_a_merged_away_reference_redirects_permanently_to_where_it_went(
    member_client, curator, make_reference, attention
):
    duplicate = make_reference(
        title="Attention is all you need (pdf)", url="https://example.org/attention.pdf"
    )
    again = make_reference(title="Transformers", url="https://example.org/transformers")
    old_address = reverse("library:detail", args=[duplicate.pk])
    duplicate_pk, again_address = duplicate.pk, again.get_absolute_url()
    merge_references(again, [again, duplicate], user=curator)
    response = member_client.get(old_address)
    assert response.status_code == 301 and response["Location"] == again_address
    # Merged again later: the old address follows to the last one.
    merge_references(attention, [attention, again], user=curator)
    assert member_client.get(old_address)["Location"] == attention.get_absolute_url()
    # Deleted without a merge, or never there: not found.
    lonely = make_reference(title="Nobody read it")
    lonely_address = lonely.get_absolute_url()
    changes.delete(lonely, user=curator)
    assert member_client.get(lonely_address).status_code == 404
    assert member_client.get(reverse("library:detail", args=[999_999])).status_code == 404
    # Brought back by a curator, it is itself again.
    deletion = history.revisions_of(Reference, duplicate_pk).last()
    changes.restore(deletion, user=curator)
    assert member_client.get(old_address).status_code == 200


def test_delete_confirmation_says_a_curator_can_bring_it_back(curator_client, make_reference):
    reference = make_reference()
    page = curator_client.get(reverse("library:delete", args=[reference.pk])).content.decode()
    assert "cannot be undone" not in page and "curators can bring it back" in page


def test_a_reading_cannot_be_dated_in_the_future(member_client, attention):
    url = reverse("library:log_add") + f"?reference={attention.pk}"
    later = timezone.localdate() + timedelta(days=2)
    response = member_client.post(url, {"reference": attention.pk, "read_on": later.isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors["read_on"] == [
        "That day has not come yet: log what you have read."
    ]
    assert not LogEntry.objects.exists()
    today = timezone.localdate().isoformat()
    assert member_client.post(url, {"reference": attention.pk, "read_on": today}).status_code == 302


def test_a_reversed_date_range_is_pointed_out_with_the_swap(member_client, member, make_entry):
    make_entry(member, read_on="2026-06-01")
    response = member_client.get(reverse("library:log"), {"after": "2026-12-31", "before": "2026-01-01"})
    page = response.content.decode()
    assert "“From” is later than “To”" in page and "Nothing logged here yet" not in page
    swapped = member_client.get(reverse("library:log") + "?" + response.context["swapped_range"])
    assert [entry.read_on for entry in swapped.context["page"]] == [date(2026, 6, 1)]


# The member page and the heatmap


def test_member_page_renders_comments_as_markdown(member_client, member, make_idea, make_comment):
    make_comment(make_idea("AlexNet"), member, body="**AlexNet conv2** and $x^2$")
    page = member_client.get(reverse("member", args=[member.username])).content.decode()
    assert "<strong>AlexNet conv2</strong>" in page and "<math" in page
    assert "**AlexNet" not in page


def test_the_heatmap_shows_past_years(member_client, member, make_entry):
    this_year = timezone.localdate().year
    old_year = this_year - 2
    for day in (1, 2, 3):
        make_entry(member, read_on=date(old_year, 3, day))
    page = member_client.get(reverse("member", args=[member.username])).content.decode()
    assert "0 readings in the last year" in page
    assert f'href="?year={old_year}#activity"' in page

    page = member_client.get(reverse("member", args=[member.username]), {"year": old_year}).content.decode()
    assert f"3 readings in {old_year}" in page and "Last 12 months</a>" in page
    # Every year since the first reading has its link; a quiet one among them shows its zero.
    assert f'href="?year={old_year + 1}#activity"' in page
    quiet = member_client.get(
        reverse("member", args=[member.username]), {"year": old_year + 1}
    ).content.decode()
    assert f"0 readings in {old_year + 1}" in quiet
    # A year before the first reading, after this one, or no year at all: the last twelve months.
    for year in (str(old_year - 1), str(this_year + 1), "-1", "99999", "abc"):
        page = member_client.get(reverse("member", args=[member.username]), {"year": year}).content.decode()
        assert "in the last year" in page, year


def test_a_reading_in_a_past_year_drops_that_years_cached_counts(member_client, member, make_entry):
    old_year = timezone.localdate().year - 2
    make_entry(member, read_on=date(old_year, 3, 1))
    url = reverse("member", args=[member.username])
    assert f"1 reading in {old_year}" in member_client.get(url, {"year": old_year}).content.decode()
    assert cache.get(year_cache_key(member.pk, old_year)) is not None
    make_entry(member, read_on=date(old_year, 3, 2))
    assert cache.get(year_cache_key(member.pk, old_year)) is None
    assert f"2 readings in {old_year}" in member_client.get(url, {"year": old_year}).content.decode()


# Tags


def test_tags_differing_in_case_or_punctuation_are_one_tag(make_reference, make_idea):
    first = make_reference()
    first.tags.add("Scaling Laws")
    second = make_reference()
    second.tags.add("scaling-laws")
    idea = make_idea("LLM areas")
    idea.tags.add("NLP / LLMs")
    idea.tags.add("nlp-llms", "NLP LLMs")
    assert Tag.objects.filter(slug__startswith="scaling").count() == 1
    assert list(second.tags.names()) == ["Scaling Laws"], "the first name stands"
    assert list(idea.tags.names()) == ["NLP / LLMs"] and Tag.objects.count() == 2


def test_a_migration_merges_the_duplicate_tags_already_there(transactional_db, make_reference):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    references = [make_reference() for _ in range(3)]
    # As taggit made them before: “NLP / LLMs” beside “nlp-llms”, and a reference carrying both.
    plain = Tag.objects.create(name="nlp-llms", slug="nlp-llms")
    twin = Tag.objects.create(name="NLP / LLMs", slug="nlp-llms_1")
    for reference in references:
        TaggedItem.objects.create(content_object=reference, tag=twin)
    TaggedItem.objects.create(content_object=references[0], tag=plain)
    executor = MigrationExecutor(connection)
    executor.migrate([("library", "0011_tag_slugs")])
    MigrationExecutor(connection).migrate([("library", "0012_one_tag_per_name")])
    kept = Tag.objects.get()
    assert (kept.name, kept.slug) == ("NLP / LLMs", "nlp-llms"), "the most used name, the plain slug"
    assert sorted(TaggedItem.objects.values_list("object_id", flat=True)) == sorted(r.pk for r in references)
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_curators_merge_tags_in_the_admin_keeping_history(curator_client, curator, make_reference):
    reference = make_reference()
    with changes.change(reference, curator):
        reference.save()
        reference.tags.add("memory")
    other = make_reference()
    other.tags.add("memory")
    # Made as an old database might hold it, before names were merged on the way in.
    stray = Tag.objects.create(name="Memory modules", slug="memory-modules")
    TaggedItem.objects.create(content_object=reference, tag=stray)
    response = curator_client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "merge", "_selected_action": [stray.pk, Tag.objects.get(name="memory").pk]},
        follow=True,
    )
    assert "Merged “Memory modules” into “memory”" in response.content.decode()
    assert list(Tag.objects.values_list("name", flat=True)) == ["memory"]
    assert list(reference.tags.names()) == ["memory"]
    last = history.revisions_of(Reference, reference.pk).last()
    assert last.note.startswith("Tags merged into “memory”") and last.data["tags"] == ["memory"]


def test_the_tag_filter_takes_a_name_as_typed(member_client, make_reference):
    sae = make_reference(title="Towards Monosemanticity")
    sae.tags.add("sparse autoencoders", "Interpretability")
    make_reference(title="Untagged")
    for typed in ("sparse autoencoders", "Sparse Autoencoders", "sparse-autoencoders", "interpretability"):
        page = member_client.get(reverse("library:list"), {"tag": typed})
        assert [r.title for r in page.context["page"]] == ["Towards Monosemanticity"], typed
    assert not member_client.get(reverse("library:list"), {"tag": "no such tag"}).context["page"].object_list


def test_the_tags_index_lists_every_tag_with_its_uses(member_client, make_reference):
    make_reference().tags.add("memory", "zeta")
    make_reference().tags.add("memory")
    page = member_client.get(reverse("tags"))
    assert [(tag.name, tag.uses) for tag in page.context["tags"]] == [("memory", 2), ("zeta", 1)]
    assert f'href="{reverse("tag", args=["memory"])}"' in page.content.decode()
    by_name = member_client.get(reverse("tags"), {"sort": "name"}).context["tags"]
    assert [tag.name for tag in by_name] == ["memory", "zeta"]


# Search


def test_a_reference_outranks_the_readings_that_name_it(member_client, member, make_entry, attention):
    for day in range(1, 15):
        make_entry(member, attention, read_on=date(2025, 1, day), notes=f"Read it again, day {day}")
    hits = member_client.get(reverse("search"), {"q": "attention"}).context["results"].hits
    assert hits[0].document.doc_type == "reference" and len(hits) == 15


def test_snippets_keep_formulas_together_and_readings_show_their_day(member_client, member, make_entry):
    make_entry(member, read_on=timezone.localdate(), notes="Uses $\\mathrm{softmax}(QK^T)$ everywhere")
    page = member_client.get(reverse("search"), {"q": "everywhere"}).content.decode()
    assert "softmax(QKT)" in page and "s o f t" not in page
    assert f'read on <time datetime="{timezone.localdate():%Y-%m-%d}">' in page and "hours ago" not in page


# Friction


def test_a_member_moves_a_reading_to_the_reference_they_really_read(
    member_client, member, make_entry, attention
):
    wrong = Reference.objects.create(title="Attention (a blog post)", url="https://example.org/attention")
    entry = make_entry(member, wrong, notes="Great read")
    url = reverse("library:log_edit", args=[entry.pk])
    form = {
        "title": entry.display_title,
        "read_on": "2024-09-25",
        "notes": "Great read",
        "version": history.version_of(entry),
    }
    refused = member_client.post(url, {**form, "move_to": "https://example.org/not-in-the-library"})
    assert "add it first" in refused.context["form"].errors["move_to"][0]
    response = member_client.post(url, {**form, "move_to": "arXiv:1706.03762"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.reference, entry.logged_title) == (attention, "")
    assert history.revisions_of(LogEntry, entry.pk).last().data["reference"] == [
        attention.pk,
        attention.title,
    ]
    # By number too, and a reading of it on that day already there is a clash, not a duplicate.
    back = {**form, "title": "", "version": history.version_of(entry), "move_to": f"#{wrong.pk}"}
    assert member_client.post(url, back).status_code == 302
    entry.refresh_from_db()
    assert entry.reference == wrong


def test_a_member_deletes_their_own_reading(member_client, member, make_entry):
    entry = make_entry(member)
    response = member_client.post(reverse("library:log_delete", args=[entry.pk]), follow=True)
    assert not LogEntry.objects.exists() and "Curators can bring it back" in response.content.decode()


def test_lists_offer_page_sizes(member_client, make_reference):
    for _ in range(30):
        make_reference()
    page = member_client.get(reverse("library:list"))
    assert len(page.context["page"].object_list) == 25
    assert 'href="?per_page=50"' in page.content.decode()
    assert len(member_client.get(reverse("library:list"), {"per_page": 50}).context["page"].object_list) == 30
    for odd in ("7", "100000", "-1", "x"):
        assert (
            len(member_client.get(reverse("library:list"), {"per_page": odd}).context["page"].object_list)
            == 25
        )


def test_library_rows_link_straight_to_the_paper(member_client, attention):
    page = member_client.get(reverse("library:list")).content.decode()
    assert f'<a class="external" href="{ATTENTION}"' in page


def test_the_idea_members_box_shows_usernames(member_client, make_user, make_idea):
    ada = make_user("ada", first_name="Ada", last_name="Lovelace")
    idea = make_idea("Titans memory")
    idea.members.add(ada)
    page = member_client.get(idea.get_absolute_url()).content.decode()
    assert '">ada</a></li>' in page and "Ada Lovelace" not in page


def test_a_link_no_browser_could_open_is_an_answer_not_a_crash(member_client):
    assert member_client.get(reverse("search"), {"q": "http://["}).status_code == 200
    assert member_client.get(reverse("library:lookup"), {"url": "http://["}).json() == {"results": []}
    response = member_client.post(
        reverse("library:add"), {"kind": "paper", "title": "Odd", "url": "http://["}
    )
    assert response.status_code in (200, 302)


def test_a_migration_moves_readings_titles_into_their_bodies(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from wiki.models import SearchDocument
    from wiki.search import search

    executor = MigrationExecutor(connection)
    executor.migrate([("library", "0012_one_tag_per_name")])
    stamp = timezone.now()
    fields = {"heading": "bob read it", "url": "/library/1/#log-7", "stamp": stamp}
    SearchDocument.objects.create(
        doc_type="log", object_id=7, title="Attention Is All You Need", body="notes", **fields
    )
    SearchDocument.objects.create(
        doc_type="reference", object_id=1, title="Attention Is All You Need", body="", **fields
    )
    MigrationExecutor(connection).migrate([("library", "0013_readings_found_below_their_reference")])
    reading = SearchDocument.objects.get(doc_type="log")
    assert (reading.title, reading.body) == ("", "Attention Is All You Need\nnotes")
    # The search of today's code, on today's schema (a later migration adds a title index).
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    hits, _ = search("attention")
    assert [hit.document.doc_type for hit in hits] == ["reference", "log"], "the full-text index followed"
