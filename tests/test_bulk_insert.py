"""wiki.bulk.insert: what bulk_create does (ids, values, errors), by COPY on PostgreSQL and
executemany on SQLite, on the real database."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from library.models import ImportedText, LogEntry
from wiki import bulk
from wiki.models import Revision, SearchDocument

pytestmark = pytest.mark.django_db

# What a text column must carry through COPY's text format and SQLite unchanged: its field and
# row separators, backslashes (COPY's escape), quotes, NUL's neighbours, emoji, right-to-left.
AWKWARD = [
    "tab\there",
    "new\nline\r\nand\rreturn",
    "back\\slash \\N \\. \\\\",
    "quotes \" ' “”",
    "\x01\x1f\x7f control",
    "😀👩‍🔬 emoji",
    "\u202eevil bidi",
    "",
    "x" * 100_000,
]


def documents(count, start=0):
    stamp = timezone.now().replace(microsecond=123456)
    return [
        SearchDocument(
            doc_type="paper",
            object_id=start + n,
            title=AWKWARD[n % len(AWKWARD)],
            body=f"body {n} {AWKWARD[(n + 1) % len(AWKWARD)]}",
            heading=f"Heading {n}",
            url=f"/library/{n}/",
            stamp=stamp - datetime.timedelta(days=n),
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [1, bulk.FEW - 1, bulk.FEW, 3 * bulk.FEW])
def test_rows_come_back_as_they_went_in_with_their_ids_on_the_objects(count):
    written = bulk.insert(documents(count))
    assert len(written) == count
    assert len({doc.pk for doc in written}) == count and all(doc.pk for doc in written)
    assert all(not doc._state.adding and doc._state.db == "default" for doc in written)
    stored = SearchDocument.objects.in_bulk([doc.pk for doc in written])
    for doc in written:
        row = stored[doc.pk]
        assert (row.doc_type, row.object_id, row.title, row.body, row.heading, row.url, row.stamp) == (
            doc.doc_type,
            doc.object_id,
            doc.title,
            doc.body,
            doc.heading,
            doc.url,
            doc.stamp,
        )


def test_json_nulls_foreign_keys_and_defaults_are_written_as_bulk_create_writes_them(member):
    content_type = ContentType.objects.get_for_model(LogEntry)
    data = {"title": 'a "quoted"\ttitle\\', "tags": ["a", "ü"], "nested": {"n": [1, 2.5, None, True]}}
    revisions = [
        Revision(
            content_type=content_type,
            object_id=n,
            action=Revision.Action.IMPORTED,
            user=member if n % 2 else None,
            title=f"Entry {n}",
            data={**data, "n": n},
        )
        for n in range(2 * bulk.FEW)
    ]
    bulk.insert(revisions)
    back = {
        r.object_id: r for r in Revision.objects.filter(object_id__lt=2 * bulk.FEW, content_type=content_type)
    }
    assert len(back) == 2 * bulk.FEW
    for n, revision in back.items():
        assert revision.data == {**data, "n": n}
        assert revision.user_id == (member.pk if n % 2 else None)
        assert revision.note == ""  # the field's default
        assert abs(revision.created - timezone.now()) < datetime.timedelta(minutes=1)


def test_auto_now_is_set_as_on_save():
    content_type = ContentType.objects.get_for_model(LogEntry)
    before = timezone.now()
    texts = bulk.insert(
        ImportedText(
            content_type=content_type, object_id=n, source="log.md", line=n, position=n, values={}, text=""
        )
        for n in range(bulk.FEW)
    )
    assert all(text.imported_at >= before for text in texts)
    assert ImportedText.objects.filter(imported_at__gte=before).count() == bulk.FEW


def test_ids_of_deleted_rows_are_never_handed_out_again():
    first = bulk.insert(documents(bulk.FEW))
    highest = max(doc.pk for doc in first)
    SearchDocument.objects.filter(pk__gt=highest - 10).delete()  # the newest rows go
    again = bulk.insert(documents(bulk.FEW, start=10_000))
    assert min(doc.pk for doc in again) > highest


def test_ids_already_set_are_kept():
    chosen = documents(bulk.FEW)
    chosen[0].pk = 10**9
    written = bulk.insert(chosen)
    assert SearchDocument.objects.get(pk=10**9).object_id == 0
    assert len({doc.pk for doc in written}) == bulk.FEW


def test_saving_an_inserted_object_updates_it():
    doc = bulk.insert(documents(bulk.FEW))[5]
    doc.heading = "Changed"
    doc.save()
    assert SearchDocument.objects.count() == bulk.FEW
    assert SearchDocument.objects.get(pk=doc.pk).heading == "Changed"


def test_a_clash_is_django_s_integrity_error_and_writes_none_of_the_rows():
    bulk.insert(documents(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert(documents(bulk.FEW))  # object 0 is there already
    assert SearchDocument.objects.count() == 1


def test_many_rows_cost_two_statements():
    with CaptureQueriesContext(connection) as queries:
        bulk.insert(documents(3 * bulk.FEW))
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 2, statements
    assert ("COPY" if connection.vendor == "postgresql" else "INSERT") in statements[1]
