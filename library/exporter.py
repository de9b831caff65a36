"""Write the library back out in the team's own formats, in UTF-8."""

import itertools

from django.contrib.contenttypes.models import ContentType

from .formats import papers, readinglog
from .models import ImportedText, LogEntry, Reference


def export_log(entries=None):
    """The reading-log file for entries (all of them by default), newest day first; within a
    day in the order of the file they were last imported from, then as they were added."""
    return "".join(stream_log(entries))


def stream_log(entries=None, chunk_size=2000):
    """export_log's text in pieces, read from the database a chunk at a time.

    Plain rows, and each chunk's references (and import positions) in one query of their own:
    joined, PostgreSQL would sort every row before sending the first or look each reference up
    through an index; as model instances, building 600,000 of them would be most of the time.
    """
    entries = entries if entries is not None else LogEntry.objects.all()
    rows = entries.order_by("-read_on", "id").values_list(
        "id", "read_on", "logged_title", "logged_url", "notes", "reference_id"
    )
    in_order = _in_file_order(rows.iterator(chunk_size=chunk_size), chunk_size)
    return readinglog.stream(_with_references(in_order, chunk_size))


def _in_file_order(rows, chunk_size):
    """The rows without their id, each day's in the order of the file its entries were last
    imported from (`ImportedText.position`), then the ones added on the site as they were added."""
    log_type = ContentType.objects.get_for_model(LogEntry)
    day, group = None, []
    while chunk := list(itertools.islice(rows, chunk_size)):
        positions = dict(
            ImportedText.objects.filter(
                content_type=log_type, object_id__any_of=[row[0] for row in chunk]
            ).values_list("object_id", "position")
        )
        for row in chunk:
            if row[1] != day:
                yield from _by_position(group)
                day, group = row[1], []
            group.append((positions.get(row[0]), row))
    yield from _by_position(group)


def _by_position(group):
    group.sort(key=lambda item: (item[0] is None, item[0] or 0, item[1][0]))
    for _position, row in group:
        yield row[1:]


def _with_references(rows, chunk_size):
    """(read_on, kind, title, url, notes) of each (read_on, logged title, logged url, notes, reference id)."""
    while chunk := list(itertools.islice(rows, chunk_size)):
        ids = {row[4] for row in chunk}
        reference = {pk: (kind, title, url) for pk, kind, title, url in
                     Reference.objects.filter(pk__any_of=ids).values_list("pk", "kind", "title", "url")}  # fmt: skip
        for read_on, logged_title, logged_url, notes, reference_id in chunk:
            kind, title, url = reference[reference_id]
            yield read_on, kind, logged_title or title, logged_url or url, notes


def export_papers(references=None):
    """The papers README for references (all of them by default), in the order they were added."""
    return "".join(stream_papers(references))


def stream_papers(references=None):
    """export_papers' text in pieces, read from the database a chunk at a time."""
    references = references if references is not None else Reference.objects.all()
    references = references.only("title", "authors", "affiliation", "published", "venue", "url", "summary")
    return papers.stream(references.order_by("created", "id").iterator(chunk_size=2000))
