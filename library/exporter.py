"""Write the library back out in the team's own formats, in UTF-8."""

from .formats import papers, readinglog
from .models import LogEntry, Reference


def export_log(entries=None):
    """The reading-log file for entries (all of them by default), newest day first."""
    return "".join(stream_log(entries))


def stream_log(entries=None):
    """export_log's text in pieces, read from the database a chunk at a time."""
    entries = (entries if entries is not None else LogEntry.objects.all()).select_related("reference")
    entries = entries.only(
        "read_on",
        "logged_title",
        "logged_url",
        "notes",
        "reference__kind",
        "reference__title",
        "reference__url",
    )
    rows = (
        (entry.read_on, entry.reference.kind, entry.display_title, entry.display_url, entry.notes)
        for entry in entries.order_by("-read_on", "id").iterator(chunk_size=2000)
    )
    return readinglog.stream(rows)


def export_papers(references=None):
    """The papers README for references (all of them by default), in the order they were added."""
    return "".join(stream_papers(references))


def stream_papers(references=None):
    """export_papers' text in pieces, read from the database a chunk at a time."""
    references = references if references is not None else Reference.objects.all()
    references = references.only("title", "authors", "affiliation", "published", "venue", "url", "summary")
    return papers.stream(references.order_by("created", "id").iterator(chunk_size=2000))
