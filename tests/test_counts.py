"""The counts the database keeps (library/counts.py) equal a fresh count after every way of writing.

Readings per member and day, per day, and uses per tag are kept by triggers; each test writes one
way and compares the summary tables with a GROUP BY over the rows themselves.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from library.models import LogEntry, ReadingDay, TagUses, TeamReadingDay
from library.services import merge_references
from library.tags import merge_tags, tag_counts, tag_with_uses, uses_up_to
from wiki import bulk, changes
from wiki.history import revisions_of

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 9, 25)


def assert_exact():
    """Every summary row equals a fresh count, and no count is missing or zero."""
    by_reader = LogEntry.objects.values_list("reader_id", "read_on").annotate(n=Count("id")).order_by()
    assert set(ReadingDay.objects.values_list("reader_id", "day", "readings")) == set(by_reader)
    by_day = LogEntry.objects.values_list("read_on").annotate(n=Count("id")).order_by()
    assert set(TeamReadingDay.objects.values_list("day", "readings")) == set(by_day)
    by_tag = TaggedItem.objects.values_list("tag_id").annotate(n=Count("id")).order_by()
    assert set(TagUses.objects.values_list("tag_id", "uses")) == set(by_tag)


def day_count(day, reader=None):
    rows = ReadingDay.objects.filter(reader=reader) if reader else TeamReadingDay.objects
    return rows.filter(day=day).values_list("readings", flat=True).first() or 0


def test_saving_editing_and_deleting_a_reading(member, other_member, make_entry):
    first = make_entry(member, read_on=DAY)
    second = make_entry(member, read_on=DAY)
    make_entry(other_member, read_on=DAY)
    assert (day_count(DAY, member), day_count(DAY)) == (2, 3)
    assert_exact()

    first.read_on = DAY + datetime.timedelta(days=1)  # edit the day
    first.save()
    assert (day_count(DAY, member), day_count(DAY + datetime.timedelta(days=1), member)) == (1, 1)
    assert_exact()

    second.reader = other_member  # edit the reader
    second.save()
    assert (day_count(DAY, member), day_count(DAY, other_member), day_count(DAY)) == (0, 2, 2)
    assert_exact()

    second.notes = "only the notes"  # an edit of what is not counted changes nothing
    second.save()
    assert_exact()

    LogEntry.objects.filter(pk=first.pk).update(read_on=DAY)  # a queryset update
    assert_exact()

    first.delete()
    second.delete()
    assert (day_count(DAY, member), day_count(DAY)) == (0, 1)
    assert not ReadingDay.objects.filter(reader=member).exists()  # a count of 0 has no row
    assert_exact()


def test_a_failed_write_leaves_the_counts_as_they_were(member, make_entry, make_reference):
    entry = make_entry(member, read_on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_entry(member, read_on=DAY + datetime.timedelta(days=3))
        make_entry(member, entry.reference, read_on=DAY)  # the same reading twice
    assert day_count(DAY + datetime.timedelta(days=3)) == 0
    assert_exact()


def test_an_import_counts_every_reading(tmp_path, member):
    lines = ["Legend:", "- 📜: papers", ""]
    for n in range(30):
        lines += [f"{DAY - datetime.timedelta(days=n // 3):%m/%d/%Y}"]
        lines += [f"- 📜[Paper {n}](https://arxiv.org/abs/2401.{n:05d})"]
    path = tmp_path / "log.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_library", str(path), "--reader", member.username, stdout=io.StringIO())
    assert LogEntry.objects.count() == 30
    assert day_count(DAY, member) == 3 and ReadingDay.objects.filter(reader=member).count() == 10
    assert_exact()


def test_a_bulk_insert_counts_every_row(member, other_member, make_reference):
    references = [make_reference() for _ in range(60)]
    entries = [
        LogEntry(
            reader=(member, other_member)[n % 2],
            reference=references[n % 60],
            read_on=DAY - datetime.timedelta(days=n // 60),
        )
        for n in range(180)
    ]
    bulk.insert(entries)
    assert (day_count(DAY), day_count(DAY, member)) == (60, 30)
    assert_exact()
    items = [
        TaggedItem(tag=Tag.objects.create(name=f"t{n}"), content_object=e) for n, e in enumerate(entries)
    ]
    bulk.insert(items)
    assert_exact()
    LogEntry.objects.filter(reader=member).delete()  # many rows in one statement, with their tags
    assert day_count(DAY) == 30
    assert_exact()


def test_deletes_that_cascade(member, curator, make_reference, make_entry, make_idea):
    reference = make_reference()
    reference.tags.add("kept", "gone")
    idea = make_idea("An idea")
    idea.tags.add("gone")
    read = make_entry(member, read_on=DAY)
    read.tags.add("gone")
    assert uses_up_to(Tag.objects.get(name="gone"), 10) == 3

    changes.delete(reference, user=curator)  # its taggit rows go with it
    idea.delete()
    assert uses_up_to(Tag.objects.get(name="gone"), 10) == 1
    assert_exact()

    # What has been read cannot be deleted, only merged (the log entries PROTECT it and their
    # reader): the counts stay as they were.
    with pytest.raises(ProtectedError):
        read.reference.delete()
    with pytest.raises(ProtectedError):
        member.delete()
    assert day_count(DAY, member) == 1
    Tag.objects.get(name="gone").delete()  # a tag's rows go with the tag
    assert not TagUses.objects.filter(tag__name="gone").exists()
    assert_exact()


def test_merging_references_moves_readings_without_changing_counts(member, make_reference, make_entry):
    survivor, duplicate = make_reference(), make_reference()
    make_entry(member, duplicate, read_on=DAY).tags.add("x")
    make_entry(member, survivor, read_on=DAY)
    merge_references(survivor, [duplicate])
    assert day_count(DAY, member) == 2
    assert_exact()


def test_tags_added_removed_and_merged(member, make_reference, make_entry):
    one, two = make_reference(), make_reference()
    one.tags.add("Scaling", "ml")
    two.tags.add("scaling-laws-2", "ml")
    make_entry(member, one).tags.add("Scaling", "scaling-laws-2")
    assert uses_up_to(Tag.objects.get(name="ml"), 10) == 2
    assert_exact()

    one.tags.remove("ml")
    assert uses_up_to(Tag.objects.get(name="ml"), 10) == 1
    assert_exact()

    survivor = Tag.objects.get(name="Scaling")
    merge_tags(survivor, [Tag.objects.get(name="scaling-laws-2")], member)  # moves rows by .update()
    assert tag_with_uses(survivor.slug).uses == 3  # one object had both: one row left
    assert {row.name: row.uses for row in tag_counts()} == {"Scaling": 3, "ml": 1}
    assert_exact()

    one.tags.clear()
    assert tag_with_uses(survivor.slug).uses == 2
    assert_exact()


def test_restoring_a_deleted_reading_counts_it_again(member, curator, make_entry):
    entry = make_entry(member, read_on=DAY)
    with changes.change(entry, member):
        entry.tags.add("restored")
    pk = entry.pk
    changes.delete(entry, user=curator)
    assert day_count(DAY) == 0 and not TagUses.objects.exists()
    changes.restore(revisions_of(LogEntry, pk).last(), user=curator)
    assert day_count(DAY, member) == 1
    assert uses_up_to(Tag.objects.get(name="restored"), 10) == 1
    assert_exact()


def test_the_dashboard_shows_a_new_reading_at_once(member_client, member, make_reference):
    today = timezone.localdate()
    cell = f"on {today:%a %b} {today.day}, {today.year}</title>"
    assert f"0 {cell}" in member_client.get("/").content.decode()
    entry = LogEntry(reader=member, reference=make_reference(), read_on=today)
    with changes.change(entry, member):
        entry.save()
    assert f"1 {cell}" in member_client.get("/").content.decode()
    assert f"1 {cell}" in member_client.get(f"/members/{member.username}/").content.decode()
    changes.delete(entry, user=member)
    assert f"0 {cell}" in member_client.get("/").content.decode()


def test_the_migration_counts_what_was_already_there(member, make_entry):
    from django.db import connection

    from library import counts

    for n in range(5):
        make_entry(member, read_on=DAY - datetime.timedelta(days=n % 2)).tags.add("a", f"b{n}")
    ReadingDay.objects.all().delete()
    TeamReadingDay.objects.all().delete()
    TagUses.objects.all().delete()
    with connection.cursor() as cursor:
        counts.backfill(cursor.execute)
    assert_exact()


def test_the_dashboard_shows_a_newly_used_tag_at_once(member_client, member, make_reference):
    paper = make_reference()
    paper.tags.add("older")
    assert "older" in member_client.get("/").content.decode()
    with changes.change(paper, member):
        paper.tags.add("brand-new-tag")
    assert "brand-new-tag" in member_client.get("/").content.decode()
    assert [tag.name for tag in tag_counts()] == ["brand-new-tag", "older"]
