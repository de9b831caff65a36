"""An import's queries grow with its batches, never with its rows; its history is whole all the same."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from library.models import LogEntry, Reference
from wiki.history import revisions_of
from wiki.models import Revision

pytestmark = pytest.mark.django_db


def log_file(tmp_path, entries, start=0):
    """A reading log in the team's format: one entry a day, each on its own reference."""
    lines = ["Legend:", "- 📜: papers", ""]
    day = datetime.date(2024, 9, 25)
    for n in range(start, start + entries):
        lines += [f"{day - datetime.timedelta(days=n):%m/%d/%Y}"]
        lines += [f"- 📜[Paper {n} on sparse features](https://arxiv.org/abs/2401.{n:05d})"]
        lines += [f"    - note {n} with $x^{n % 7}$"]
    path = tmp_path / f"log-{start}-{entries}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def import_counting(path, reader):
    with CaptureQueriesContext(connection) as queries:
        call_command("import_library", path, "--reader", reader.username, stdout=io.StringIO())
    return len(queries)


def test_an_import_costs_queries_per_batch_not_per_row(tmp_path, member, make_reference):
    small = import_counting(log_file(tmp_path, 40), member)
    big = import_counting(log_file(tmp_path, 400, start=1000), member)
    assert LogEntry.objects.count() == 440
    # 360 more rows: a few more multi-row INSERTs (SQLite caps an INSERT's parameters), never
    # a query or more per row as fetching each entry's reference and reader one by one was.
    assert big - small <= 360 // 15, (small, big)
    assert big < 60, big


def test_reimporting_over_tagged_references_still_costs_per_batch(tmp_path, member):
    path = log_file(tmp_path, 300)
    import_counting(path, member)
    for reference in Reference.objects.all()[:100]:
        reference.tags.add("sae")  # the revisions of a later bulk change must hold these
    other = type(member).objects.create_user("other-reader")
    queries = import_counting(path, other)
    assert queries < 60, queries
    assert LogEntry.objects.filter(reader=other).count() == 300


def test_every_imported_row_has_its_revision_with_what_it_points_to(tmp_path, member):
    import_counting(log_file(tmp_path, 30), member)
    entry = LogEntry.objects.select_related("reference").order_by("pk").first()
    (revision,) = revisions_of(LogEntry, entry.pk)
    assert revision.action == Revision.Action.IMPORTED
    assert revision.user == member
    assert revision.data["reference"] == [entry.reference_id, str(entry.reference)]
    assert revision.data["notes"] == "- note 0 with $x^0$"
    assert revision.data["tags"] == []
    assert Revision.objects.filter(content_type__model="reference", action="imported").count() == 30


def test_a_bulk_change_records_each_objects_tags_and_a_baseline_once(member, make_reference):
    from wiki import changes

    references = [make_reference() for _ in range(3)]
    references[0].tags.add("b-tag", "a-tag")
    Revision.objects.all().delete()  # made before history was kept
    with changes.bulk_change(Reference, member, changes.Action.EDITED, pks=[r.pk for r in references]):
        Reference.objects.filter(pk__in=[r.pk for r in references]).update(venue="NeurIPS")
    first = list(revisions_of(Reference, references[0].pk))
    assert [r.action for r in first] == ["baseline", "edited"]
    assert first[0].data["tags"] == first[1].data["tags"] == ["a-tag", "b-tag"]
    assert first[0].data["venue"] == "" and first[1].data["venue"] == "NeurIPS"
    assert [r.action for r in revisions_of(Reference, references[2].pk)] == ["baseline", "edited"]


def test_a_bulk_change_over_objects_without_history_keeps_baselines_in_a_few_queries(member, make_reference):
    from wiki import changes

    pks = [make_reference().pk for _ in range(60)]
    Revision.objects.all().delete()
    with (
        CaptureQueriesContext(connection) as queries,
        changes.bulk_change(Reference, member, changes.Action.EDITED, pks=pks),
    ):
        Reference.objects.filter(pk__in=pks).update(venue="ICML")
    assert len(queries) < 20, len(queries)
    assert Revision.objects.filter(action="baseline").count() == 60
    assert Revision.objects.filter(action="edited").count() == 60


def test_each_further_batch_costs_a_bounded_number_of_queries(tmp_path, member):
    from library.importer import BATCH_SIZE

    one = import_counting(log_file(tmp_path, BATCH_SIZE), member)
    three = import_counting(log_file(tmp_path, 3 * BATCH_SIZE, start=10_000), member)
    assert LogEntry.objects.count() == 4 * BATCH_SIZE
    # A batch looks up its references and its days' entries once and writes each table in one
    # statement (wiki.bulk: COPY, or executemany) after asking for its ids; the entries it
    # creates are not read back, nor asked for tags they cannot have yet.
    per_batch = (three - one) / 2
    assert per_batch <= 30, (one, three)


def test_a_batch_of_awkward_text_goes_in_whole_by_the_bulk_path(tmp_path, member):
    """Control characters, tabs, backslashes, quotes and emoji in a batch large enough for COPY
    (PostgreSQL) and executemany (SQLite): every entry is imported, none garbled. (A NUL makes
    the file binary: refused whole, tests/test_import_library.py.)"""
    awkward = [
        "vertical\x0btab",
        "tab\there",
        "back\\slash \\N",
        'quote " and “”',
        "bell\x07",
        "😀 emoji",
        "\u202ebidi",
    ]
    lines = ["Legend:", "- 📜: papers", "", "01/02/2024"]
    for n in range(150):
        text = awkward[n % len(awkward)]
        lines += [f"- 📜[Paper {n} {text}](https://arxiv.org/abs/2402.{n:05d})", f"    - note {n}: {text}"]
    path = tmp_path / "awkward.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_library", str(path), "--reader", member.username, stdout=io.StringIO())
    entries = LogEntry.objects.select_related("reference").order_by("pk")
    assert entries.count() == 150
    for n, entry in enumerate(entries):
        assert entry.reference.title.startswith(f"Paper {n} ")
        assert f"note {n}:" in entry.notes
    assert "😀 emoji" in entries[5].notes and "back\\slash \\N" in entries[2].notes
    assert Revision.objects.filter(content_type__model="logentry").count() == 150
