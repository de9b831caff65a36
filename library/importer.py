"""Bring the team's files into the library: match what is known, add what is not, lose nothing.

A reference is matched by arXiv id or normalized url, then by normalized title; what the file
knows and the library lacks is filled in, what they disagree on is reported, never overwritten.
A log entry is matched by reader, day, reference and the title as logged. Everything runs in
one transaction: a bad line anywhere leaves the database as it was.

Files are read in batches so memory stays flat however long the log: each batch looks up its
own references and entries, and writes with bulk inserts.
"""

import itertools
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction

from wiki import changes

from .formats import papers, readinglog
from .formats.encoding import DecodedFile, decode_bytes
from .formats.errors import ImportFormatError
from .formats.lines import numbered_lines
from .identity import arxiv_id, identity_key, normalize_title
from .models import KIND_ICONS, LogEntry, Reference, validate_reference_url
from .services import FILLABLE_FIELDS

BATCH_SIZE = 500
FORMATS = ("papers", "log")
# Characters a lost byte most likely belonged to, in files like the team's.
PREFERRED_CHARACTERS = "".join(KIND_ICONS.values()) + "“”‘’–—…•"


@dataclass
class ImportReport:
    references_created: int = 0
    references_matched: int = 0
    references_updated: int = 0
    entries_created: int = 0
    entries_skipped: int = 0
    conflicts: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    dry_run: bool = False
    # What a preview lists, each as (line, text): the first LISTED of each; the counts say the rest.
    added: list = field(default_factory=list)
    matched: list = field(default_factory=list)
    new_entries: list = field(default_factory=list)

    LISTED = 200

    def listed(self, which, line, text):
        items = getattr(self, which)
        if len(items) < self.LISTED:
            items.append((line, text))

    def lists(self):
        """What a preview lists beside its counts: (items, how many in all, heading)."""
        dry = self.dry_run
        return [
            (self.added, self.references_created, "References to add" if dry else "References added"),
            (self.matched, self.references_matched, "Matched in the library"),
            (self.new_entries, self.entries_created, "Log entries to add" if dry else "Log entries added"),
        ]

    def summary(self):
        new = "to add" if self.dry_run else "new"
        text = (
            f"References: {self.references_created} {new}, {self.references_matched} matched, "
            f"{self.references_updated} of them filled in. Log entries: {self.entries_created} {new}, "
            f"{self.entries_skipped} already there. Conflicts: {len(self.conflicts)}."
        )
        return f"Dry run, nothing saved. {text}" if self.dry_run else text


def read_file(data, filename):
    """Clean text from an uploaded or opened file's bytes, with notes on any repair."""
    return decode_bytes(data, filename, preferred=PREFERRED_CHARACTERS)


def detect_format(text, filename):
    if readinglog.looks_like_log(text):
        return "log"
    if papers.looks_like_papers(text):
        return "papers"
    raise ImportFormatError(
        filename, 1, "neither a papers README (### headings) nor a reading log (Legend:, MM/DD/YYYY dates)"
    )


@dataclass
class Source:
    """One file to import: its name, its format, and its clean lines (read lazily)."""

    filename: str
    format: str
    lines: Callable[[], Iterable[str]]
    line_count: int
    notes: Callable[[], list] = list

    @classmethod
    def from_bytes(cls, data, filename, format=None):
        decoded = DecodedFile(data, filename, preferred=PREFERRED_CHARACTERS)
        if format is None:
            format = detect_format("\n".join(itertools.islice(decoded.lines(), 300)), filename)
        return cls(filename, format, decoded.lines, decoded.line_count, lambda: decoded.notes)

    @classmethod
    def from_text(cls, text, filename, format=None):
        return cls(
            filename,
            format or detect_format(text, filename),
            lambda: numbered_text(text),
            text.count("\n") + 1,
        )


class LibraryImporter:
    def __init__(self, *, reader=None, dry_run=False, progress=None):
        self.reader = reader
        self.report = ImportReport(dry_run=dry_run)
        self.progress = progress or (lambda done, total: None)

    def run(self, sources):
        """Import every source in one transaction; raises ImportFormatError and changes nothing."""
        with transaction.atomic():
            for source in sources:
                if source.format == "log":
                    self._import_log(source)
                elif source.format == "papers":
                    self._import_papers(source)
                else:
                    raise ImportFormatError(source.filename, 1, f"unknown format “{source.format}”")
                self.report.notes += source.notes()
            if self.report.dry_run:
                transaction.set_rollback(True)
        return self.report

    def _recorded(self, model, filename):
        """Bulk writes with their revisions, search documents and caches; a dry run, rolled back
        at the end, writes the rows (later lines match them) but skips keeping them."""
        if self.report.dry_run:
            return nullcontext(changes.Batch())
        return changes.bulk_change(
            model, self.reader, changes.Action.IMPORTED, note=f"Imported from {filename}"
        )

    # The reading log

    def _import_log(self, source):
        if self.reader is None:
            raise ImportFormatError(source.filename, 1, "a reading log needs a reader: whose log is it?")
        for batch in _batched(readinglog.parse(source.lines(), source.filename), BATCH_SIZE):
            references = self._resolve_batch(
                source.filename,
                [
                    {
                        "title": item.title.strip(),
                        "url": item.url,
                        "kind": item.kind,
                        "line": item.line,
                        "from_log": True,
                    }
                    for item in batch
                ],
            )
            self._add_entries(batch, references, source.filename)
            self.progress(batch[-1].line, source.line_count)

    def _add_entries(self, batch, references, filename):
        days = {item.read_on for item in batch}
        existing = {
            (entry.reference_id, entry.read_on, entry.display_title)
            for entry in LogEntry.objects.filter(reader=self.reader, read_on__in=days).select_related(
                "reference"
            )
        }
        new = []
        for item, reference in zip(batch, references, strict=False):
            key = (reference.pk, item.read_on, item.title)
            if key in existing or (reference.pk, item.read_on, item.title.strip()) in existing:
                self.report.entries_skipped += 1
                continue
            existing.add(key)
            entry = LogEntry(
                reference=reference,
                reader=self.reader,
                read_on=item.read_on,
                logged_title=item.title,
                logged_url=item.url,
                notes=item.notes,
            )
            if not self.report.dry_run:  # renders the notes, which a dry run would throw away
                entry.prepare()
            new.append(entry)
            self.report.listed("new_entries", item.line, f"{item.read_on:%m/%d/%Y} {item.title}")
        imported = self._recorded(LogEntry, filename)
        with imported as batch:
            batch.add_saved(LogEntry.objects.bulk_create(new))
        self.report.entries_created += len(new)

    # The papers README

    def _import_papers(self, source):
        for batch in _batched(papers.parse(source.lines(), source.filename), BATCH_SIZE):
            records = [
                {
                    "title": item.title,
                    "url": item.url,
                    "kind": "paper",
                    "line": item.line,
                    "authors": item.authors,
                    "affiliation": item.affiliation,
                    "published": item.published,
                    "venue": item.venue,
                    "summary": item.summary,
                }
                for item in batch
            ]
            self._resolve_batch(source.filename, records)
            self.progress(batch[-1].line, source.line_count)

    # References, shared by both formats

    def _resolve_batch(self, filename, records):
        """The library's reference for each record, matched or created (in bulk)."""
        for record in records:
            check_link(filename, record["line"], record["url"])
            check_lengths(filename, record["line"], Reference, record)
        identities = {identity_key(r["url"]) for r in records} - {""}
        title_keys = {normalize_title(r["title"]) for r in records} - {""}
        # Two queries, each on its index: joined by OR, SQLite and PostgreSQL read the whole table
        # (the identity index is partial, and `identity IN (…)` does not name its condition).
        known = {
            ref.pk: ref
            for ref in (
                *Reference.objects.filter(identity__in=identities).exclude(identity="").order_by(),
                *Reference.objects.filter(title_key__in=title_keys, needs_title=False).order_by(),
            )
        }.values()
        by_identity = {ref.identity: ref for ref in known if ref.identity}
        by_title = {ref.title_key: ref for ref in known if not ref.needs_title}
        result, created = [], []
        for record in records:
            key, title_key = identity_key(record["url"]), normalize_title(record["title"])
            reference = (key and by_identity.get(key)) or by_title.get(title_key)
            if reference is None:
                reference = Reference(
                    title=record["title"],
                    url=record["url"],
                    kind=record["kind"],
                    added_by=self.reader,
                    **{name: record.get(name) or _empty(name) for name in FILLABLE_FIELDS if name != "url"},
                )
                reference.prepare()
                created.append(reference)
                self.report.references_created += 1
                self.report.listed("added", record["line"], record["title"])
            elif reference.pk is None:
                pass  # created earlier in this batch
            else:
                self.report.references_matched += 1
                matched = (
                    record["title"]
                    if record["title"] == reference.title
                    else f"{record['title']} → {reference.title}"
                )
                self.report.listed("matched", record["line"], matched)
                self._fill(reference, record, filename)
            if reference.identity:
                by_identity.setdefault(reference.identity, reference)
            if reference.title_key and not reference.needs_title:
                by_title.setdefault(reference.title_key, reference)
            result.append(reference)
        if created:
            imported = self._recorded(Reference, filename)
            with imported as batch:
                batch.add_saved(Reference.objects.bulk_create(created))
        return result

    def _fill(self, reference, record, filename):
        """Fill what the library lacks; report, never overwrite, where the file disagrees."""
        changed = []
        if reference.needs_title:
            reference.title, reference.kind, reference.needs_title = record["title"], record["kind"], False
            changed += ["title", "kind", "needs_title"]
        for name in FILLABLE_FIELDS:
            theirs, ours = record.get(name), getattr(reference, name)
            if not theirs:
                continue
            if not ours:
                setattr(reference, name, theirs)
                changed.append(name)
            elif name == "url" and ours != theirs and arxiv_id(theirs) and not arxiv_id(ours):
                # The same title, and only the file's link is a real arXiv one (the log has
                # typos such as arxiv.org/pdf/1706.0376): the entries keep their link as logged.
                reference.url = theirs
                changed.append(name)
            elif name == "url" and record.get("from_log"):
                continue  # not a conflict: the entry keeps the link as logged
            elif _differs(ours, theirs):
                self.report.conflicts.append(
                    f"{filename}:{record['line']}: “{reference.title}” — {name} differs; "
                    f"kept the library's, the file has “{_short(theirs)}”."
                )
        if record["kind"] == "paper" and "summary" in record and _differs(reference.title, record["title"]):
            # Only the papers README names a reference; the log's title is kept on its entry.
            self.report.conflicts.append(
                f"{filename}:{record['line']}: “{reference.title}” — title differs; "
                f"kept the library's, the file has “{_short(record['title'])}”."
            )
        if changed:
            with changes.change(
                reference, self.reader, changes.Action.IMPORTED, note=f"Filled in from {filename}"
            ):
                reference.save()
            self.report.references_updated += 1


def check_link(filename, line, url):
    """Links become hrefs on every page that shows them: only http(s) and relative paths."""
    if url:
        try:
            validate_reference_url(url)
        except ValidationError:
            raise ImportFormatError(
                filename, line, f"the link “{_short(url)}” is neither an http(s) link nor a relative path"
            ) from None


def check_lengths(filename, line, model, values):
    """A value longer than its field is an import error on either database (PostgreSQL would
    refuse it mid-import, SQLite would store it)."""
    for name, value in values.items():
        try:
            limit = model._meta.get_field(name).max_length
        except FieldDoesNotExist:  # not a field of the model (line, from_log)
            continue
        if limit and isinstance(value, str) and len(value) > limit:
            label = model._meta.get_field(name).verbose_name
            raise ImportFormatError(
                filename, line, f"the {label} has {len(value):,} characters; at most {limit:,} fit"
            )


def numbered_text(text):
    return (line for _, line in numbered_lines(text))


def _batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _empty(name):
    return None if name == "published" else ""


def _differs(ours, theirs):
    if isinstance(ours, str) and "://" in ours:
        return identity_key(ours) != identity_key(theirs)
    if isinstance(ours, str):
        return normalize_title(ours) != normalize_title(theirs)
    return ours != theirs


def _short(value, length=80):
    text = str(value)
    return text if len(text) <= length else text[: length - 1] + "…"
