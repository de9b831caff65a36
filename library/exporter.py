"""Write the library back out in the team's own formats, in UTF-8."""

from django.db.models import F

from .formats import papers, readinglog
from .models import LogEntry, Reference


def export_log(entries=None):
    """The reading-log file for entries (all of them by default), newest day first; within a
    day in the order of the file they were last imported from, then as they were added."""
    entries = (entries if entries is not None else LogEntry.objects.all()).select_related("reference")
    rows = (
        (entry.read_on, entry.reference.kind, entry.display_title, entry.display_url, entry.notes)
        for entry in entries.order_by(
            "-read_on", F("imported__position").asc(nulls_last=True), "id"
        ).iterator(chunk_size=2000)
    )
    return readinglog.write(rows)


def export_papers(references=None):
    """The papers README for references (all of them by default), in the order they were added."""
    references = references if references is not None else Reference.objects.all()
    return papers.write(references.order_by("created", "id").iterator(chunk_size=2000))
