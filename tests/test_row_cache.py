"""List rows kept by `{% rowcache %}` under the values they show: after any change a list shows
exactly what a fresh render shows, a viewer's own links never reach another, and an unchanged
row is not rendered again."""

import pytest
from django.core.cache import caches
from django.template.loader import render_to_string
from taggit.models import Tag

from ideas.models import Comment, Idea
from idlproject.views import idea_rows
from library.models import LogEntry, Reference
from wiki.templatetags import rowcache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_rows():
    caches["rows"].clear()
    yield
    caches["rows"].clear()


def log_rows(user):
    entries = LogEntry.objects.with_list_data().order_by("pk")
    return render_to_string(
        "library/_log_entries.html", {"entries": entries, "user": user, "show_date": True}
    )


def reference_rows():
    references = Reference.objects.with_list_data().with_times_read().order_by("pk")
    return render_to_string("library/_reference_rows.html", {"references": references})


def idea_list_rows():
    return render_to_string("ideas/_idea_rows.html", {"ideas": idea_rows().order_by("pk")})


def cached_and_fresh(render):
    """The rows as the cache gives them, and as rendered from scratch."""
    cached = render()
    caches["rows"].clear()
    return cached, render()


@pytest.fixture
def library(member, other_member, make_reference, make_entry):
    first = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    second = make_reference(title="Scaling Monosemanticity", authors="Templeton et al.")
    first.tags.add("transformers")
    entry = make_entry(member, first, notes="first *notes*")
    make_entry(other_member, second, notes="other notes")
    return first, second, entry


def change_reference(first, second, entry):
    first.title = "Attention, Revisited"
    first.save()


def change_kind_and_link(first, second, entry):
    first.kind = "blog"
    first.url = "https://example.org/post"
    first.save()


def change_authors_and_year(first, second, entry):
    import datetime

    second.authors = "Someone Else"
    second.published = datetime.date(2024, 5, 1)
    second.save()


def add_a_tag(first, second, entry):
    second.tags.add("interpretability")


def rename_a_tag(first, second, entry):
    tag = Tag.objects.get(name="transformers")
    tag.name = "Transformers!"
    tag.save()


def edit_the_notes_and_day(first, second, entry):
    import datetime

    entry.notes = "changed **notes**"
    entry.read_on = datetime.date(2020, 2, 2)
    entry.logged_title = "My own title"
    entry.save()


def rename_the_reader(first, second, entry):
    entry.reader.username = "renamed"
    entry.reader.save()


def read_it_again(first, second, entry):
    LogEntry.objects.create(reference=second, reader=entry.reader, read_on="2021-01-01")


CHANGES = [
    change_reference,
    change_kind_and_link,
    change_authors_and_year,
    add_a_tag,
    rename_a_tag,
    edit_the_notes_and_day,
    rename_the_reader,
    read_it_again,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_after_any_change_the_cached_rows_are_what_a_fresh_render_gives(change, library, member):
    before_log, before_refs = log_rows(member), reference_rows()
    change(*library)
    log, fresh_log = cached_and_fresh(lambda: log_rows(member))
    refs, fresh_refs = cached_and_fresh(reference_rows)
    assert log == fresh_log
    assert refs == fresh_refs
    assert (log, refs) != (before_log, before_refs)  # the change shows


def test_a_viewers_edit_link_is_theirs_alone(library, member, other_member):
    *_, entry = library
    own = log_rows(member)
    theirs = log_rows(other_member)
    edit_link = f"/log/{entry.pk}/edit/"
    assert edit_link in own
    assert edit_link not in theirs
    assert theirs == cached_and_fresh(lambda: log_rows(other_member))[1]


def test_unchanged_rows_are_not_rendered_again(library, member, monkeypatch):
    rendered = []
    original = rowcache.RowCacheNode._rows

    def counting(self, context, rows):
        rendered.extend(rows)
        return original(self, context, rows)

    monkeypatch.setattr(rowcache.RowCacheNode, "_rows", counting)
    log_rows(member)
    assert len(rendered) == 2
    rendered.clear()
    *_, entry = library
    entry.notes = "only this one changed"
    entry.save()
    html = log_rows(member)
    assert [row.pk for row in rendered] == [entry.pk]
    assert "only this one changed" in html and "other notes" in html


def test_idea_rows_follow_their_counts_and_the_clock(member, make_user):
    idea = Idea.objects.create(title="Sparse autoencoders at scale", proposer=member)
    cached, fresh = cached_and_fresh(idea_list_rows)
    assert cached == fresh and "0 comments" in cached
    Comment.objects.create(idea=idea, author=member, body="A first thought")
    idea.title = "SAEs at scale"
    idea.save()
    cached, fresh = cached_and_fresh(idea_list_rows)
    assert cached == fresh
    assert "1 comment " in cached and "SAEs at scale" in cached
    Idea.objects.filter(pk=idea.pk).update(last_activity="2020-01-01T00:00:00Z")
    cached, fresh = cached_and_fresh(idea_list_rows)
    assert cached == fresh and "Jan 1, 2020" in cached


def test_rows_with_vote_buttons_are_never_cached(member_client, member):
    Idea.objects.create(title="Titans memory", proposer=member)
    response = member_client.get("/ideas/")
    assert response.status_code == 200 and b"Titans memory" in response.content
    assert not any("row:idea" in key for key in caches["rows"]._cache)


def test_a_very_long_row_is_shown_but_not_kept(member, make_entry, make_reference):
    make_entry(member, make_reference(title="Long read"), notes="word " * 5000)
    html = log_rows(member)
    assert html.count("word") >= 5000
    assert not caches["rows"]._cache  # over rowcache.LARGEST
    assert log_rows(member) == html
