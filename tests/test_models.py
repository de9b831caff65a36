from datetime import date

import pytest
from django.db import IntegrityError, transaction

from library.models import Kind, LogEntry, Reference

pytestmark = pytest.mark.django_db


def test_identity_and_title_key_are_derived_on_save(make_reference):
    ref = make_reference(title="  Attention Is All You Need ", url="https://arxiv.org/pdf/1706.03762v5")
    assert ref.identity == "arxiv:1706.03762"
    assert ref.title == "Attention Is All You Need"
    assert ref.title_key == "attention is all you need"
    assert str(ref) == "Attention Is All You Need"
    assert ref.get_absolute_url() == f"/library/{ref.pk}/"


def test_one_reference_per_identity(make_reference):
    make_reference(url="https://arxiv.org/abs/1706.03762")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_reference(url="http://arxiv.org/pdf/1706.03762v2")


def test_references_without_a_link_do_not_clash(make_reference):
    make_reference(title="Notes one", url="")
    make_reference(title="Notes two", url="")
    assert Reference.objects.filter(identity="").count() == 2


def test_title_may_not_be_empty_even_outside_forms(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Reference.objects.create(title="  ", url="https://example.org/x")


def test_matching_finds_by_identity_and_by_title(make_reference):
    attention = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    make_reference(title="Something else")
    assert list(Reference.objects.matching("https://arxiv.org/pdf/1706.03762v1", "")) == [attention]
    assert list(
        Reference.objects.matching("https://arxiv.org/pdf/1706.0376", "attention is all you need")
    ) == [attention]
    assert not Reference.objects.matching("https://example.org/none", "No such title").exists()


def test_summary_is_rendered_and_sanitized_once_on_save(make_reference):
    ref = make_reference(summary="We study $x^2$ <script>alert(1)</script>")
    assert "<math" in ref.summary_html
    assert "<script>" not in ref.summary_html
    ref.summary = "changed **now**"
    ref.save()
    assert ref.summary_html == "<p>changed <strong>now</strong></p>"


def test_icon_follows_kind(make_reference):
    assert make_reference(kind=Kind.VIDEO).icon == "📺"
    assert make_reference(kind=Kind.CODE, url="./projects/fnn").is_external is False


def test_logged_title_is_kept_only_when_it_differs(member, make_reference):
    course = make_reference(title="EECS 498-007 Deep Learning for Computer Vision", kind=Kind.RESOURCE)
    same = LogEntry.objects.create(
        reader=member, reference=course, read_on=date(2024, 4, 20), logged_title=course.title
    )
    part = LogEntry.objects.create(
        reader=member,
        reference=course,
        read_on=date(2024, 4, 20),
        logged_title="EECS 498-007 Deep Learning for Computer Vision (Lectures 1-8)",
    )
    assert same.logged_title == "" and same.display_title == course.title
    assert part.display_title.endswith("(Lectures 1-8)")
    assert str(part) == "04/20/2024 member: EECS 498-007 Deep Learning for Computer Vision (Lectures 1-8)"
    assert part.get_absolute_url() == f"/library/{course.pk}/#log-{part.pk}"


def test_one_entry_per_reader_reference_day_and_title(member, make_reference):
    ref = make_reference()
    LogEntry.objects.create(reader=member, reference=ref, read_on=date(2024, 9, 25))
    with pytest.raises(IntegrityError), transaction.atomic():
        LogEntry.objects.create(reader=member, reference=ref, read_on=date(2024, 9, 25))


def test_a_reference_that_was_read_cannot_be_deleted(member, make_entry):
    entry = make_entry(member)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        entry.reference.delete()


def test_log_is_ordered_newest_day_first_then_as_written(member, make_entry):
    first = make_entry(member, read_on="2024-09-20")
    newer_a = make_entry(member, read_on="2024-09-25")
    newer_b = make_entry(member, read_on="2024-09-25")
    assert list(LogEntry.objects.all()) == [newer_a, newer_b, first]
