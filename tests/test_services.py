import pytest

from library.models import Kind, LogEntry, Reference
from library.services import find_reference, merge_references, resolve_reference

pytestmark = pytest.mark.django_db


def test_resolve_reference_matches_then_creates(member, make_reference):
    attention = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    found, created = resolve_reference(
        url="https://arxiv.org/pdf/1706.0376",
        title="Attention is all you need",
        kind=Kind.PAPER,
        added_by=member,
    )
    assert (found, created) == (attention, False)
    new, created = resolve_reference(
        url="./projects/fnn", title="My first FNN", kind=Kind.CODE, added_by=member
    )
    assert created and new.kind == Kind.CODE and new.added_by == member


def test_identity_match_wins_over_title_match(make_reference):
    by_title = make_reference(title="Scaling Monosemanticity", url="https://example.org/other")
    by_url = make_reference(
        title="Scaling Monosemanticity: Extracting Interpretable Features",
        url="https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html",
    )
    assert (
        find_reference(
            "https://transformer-circuits.pub/2024/scaling-monosemanticity/", "Scaling Monosemanticity"
        )
        == by_url
    )
    assert find_reference("", "scaling monosemanticity") == by_title


def test_merge_moves_log_entries_tags_and_fills_empty_fields(
    member, other_member, make_reference, make_entry
):
    survivor = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    duplicate = make_reference(
        title="Attention is all you need (pdf)",
        url="https://arxiv.org/pdf/1706.0376",
        authors="Ashish Vaswani*, Noam Shazeer*",
        venue="NIPS 2017",
    )
    duplicate.tags.add("transformers")
    entry = make_entry(member, duplicate, notes="read it", read_on="2024-04-01")
    other = make_entry(other_member, duplicate, read_on="2024-04-02")

    merged = merge_references(survivor, [survivor, duplicate])

    assert not Reference.objects.filter(pk=duplicate.pk).exists()
    assert merged.authors == "Ashish Vaswani*, Noam Shazeer*" and merged.venue == "NIPS 2017"
    assert merged.url == "https://arxiv.org/abs/1706.03762"
    assert [t.name for t in merged.tags.all()] == ["transformers"]
    entry.refresh_from_db()
    other.refresh_from_db()
    assert entry.reference == other.reference == merged
    # The title it was logged under differs from the survivor's, so it is kept.
    assert entry.logged_title == "Attention is all you need (pdf)"


def test_merge_of_colliding_entries_keeps_both_notes(member, make_reference, make_entry):
    survivor = make_reference(title="Same paper")
    duplicate = make_reference(title="Same paper (v2)", url="https://example.org/same")
    make_entry(member, survivor, read_on="2024-04-01", logged_title="Same paper (v2)", notes="first")
    make_entry(member, duplicate, read_on="2024-04-01", notes="second")

    merge_references(survivor, [duplicate])

    entries = LogEntry.objects.filter(reference=survivor)
    assert entries.count() == 1
    assert entries.get().notes == "first\n\nsecond"


def test_merge_into_a_survivor_without_url_takes_the_duplicates(make_reference):
    survivor = make_reference(title="Deep Learning", url="")
    duplicate = make_reference(title="Deep Learning book", url="https://www.deeplearningbook.org/")
    merged = merge_references(survivor, [duplicate])
    assert merged.url == "https://www.deeplearningbook.org/"
    assert merged.identity == "deeplearningbook.org"
