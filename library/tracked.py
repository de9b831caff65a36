"""How the core keeps references and log entries: revisions, search documents, caches."""

import datetime
import functools

from django.utils import timezone

from wiki import tracking
from wiki.rendering import plain_text
from wiki.search import url_maker

from .activity import heatmap_cache_keys
from .models import LogEntry, Reference
from .queue import Plans


def _reference_url(pk):
    return url_maker("library:detail")(pk)


class ReferenceTracked(tracking.Tracked):
    slug = "reference"
    model = Reference
    label = "References"
    fields = (
        "kind",
        "title",
        "url",
        "authors",
        "affiliation",
        "published",
        "venue",
        "summary",
        "needs_title",
    )
    kept_fields = ("created", "added_by")

    def search_queryset(self):
        return Reference.objects.only("title", "authors", "affiliation", "venue", "summary_html", "created")

    def document(self, reference):
        facts = " ".join(filter(None, [reference.authors, reference.affiliation, reference.venue]))
        return {
            "title": reference.title,
            "body": f"{facts}\n{plain_text(reference.summary_html)}".strip(),
            "heading": reference.title,
            "url": _reference_url(reference.pk),
            "stamp": reference.created,
        }

    def dependents(self, ids):
        # A log entry shows its reference's title unless it logged its own.
        entries = LogEntry.objects.filter(reference__in=ids, logged_title="").values_list("pk", flat=True)
        return {"log": entries}


class LogEntryTracked(tracking.Tracked):
    slug = "log"
    model = LogEntry
    label = "Reading log"
    owner_field = "reader"
    fields = ("reference", "read_on", "logged_title", "logged_url", "notes")
    kept_fields = ("created", "reader")

    def search_queryset(self):
        # Only what a document needs: 300,000 entries each joined to a whole reference add up.
        return LogEntry.objects.select_related("reference", "reader").only(
            "logged_title", "notes_html", "read_on", "reference__title", "reader__username"
        )

    def document(self, entry):
        stamp, day = _reading_day(entry.read_on)
        # What was read is in the body: a reading names its reference, and a search for the
        # title should find the reference first, then the readings of it.
        return {
            "title": "",
            "body": f"{entry.display_title}\n{plain_text(entry.notes_html)}".strip(),
            "heading": f"{entry.reader.get_username()} read “{entry.display_title}” on {day}",
            "url": f"{_reference_url(entry.reference_id)}#log-{entry.pk}",
            "stamp": stamp,
        }

    def cache_keys(self, entries):
        # read_on may still be the text a form or a test set (a date once read back).
        years = {int(str(entry.read_on)[:4]) for entry in entries if entry.read_on}
        return heatmap_cache_keys({entry.reader_id for entry in entries}, years)


@functools.lru_cache(maxsize=4096)
def _reading_day(read_on):
    """Noon of a reading day and its label; a rebuild meets the same few thousand days again and again."""
    return timezone.make_aware(datetime.datetime.combine(read_on, datetime.time(12))), f"{read_on:%b %-d, %Y}"


REFERENCE = tracking.register(ReferenceTracked())
LOG_ENTRY = tracking.register(LogEntryTracked())
tracking.extend(Reference, Plans())
