"""Write the library back out in the team's own formats, in UTF-8."""

import itertools

from .formats import papers, readinglog
from .models import LogEntry, Reference


def export_log(entries=None):
    """The reading-log file for entries (all of them by default), newest day first."""
    return "".join(stream_log(entries))


def stream_log(entries=None, chunk_size=2000):
    """export_log's text in pieces, read from the database a chunk at a time.

    Plain rows, and each chunk's references in one query of their own: joined, PostgreSQL would
    sort every row before sending the first or look each reference up through an index; as model
    instances, building 600,000 of them would be most of the time.
    """
    entries = entries if entries is not None else LogEntry.objects.all()
    rows = entries.order_by("-read_on", "id").values_list(
        "read_on", "logged_title", "logged_url", "notes", "reference_id"
    )
    return readinglog.stream(_with_references(rows.iterator(chunk_size=chunk_size), chunk_size))


def _with_references(rows, chunk_size):
    """(read_on, kind, title, url, notes) of each (read_on, logged title, logged url, notes, reference id)."""
    while chunk := list(itertools.islice(rows, chunk_size)):
        ids = {row[4] for row in chunk}
        reference = {pk: (kind, title, url) for pk, kind, title, url in
                     Reference.objects.filter(pk__in=ids).values_list("pk", "kind", "title", "url")}  # fmt: skip
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
