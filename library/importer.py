"""Bring the team's files into the library: match what is known, add what is not, lose nothing.

A reference is matched by arXiv id or normalized url, then by normalized title; what the file
knows and the library lacks is filled in, what they disagree on is reported, never overwritten.
A log entry is matched by reader, day, reference and the title as logged. Everything runs in
one transaction: a bad line anywhere leaves the database as it was.

Files are read in batches so memory stays flat however long the log: each batch looks up its
own references and entries, and writes with bulk inserts.
"""

import gc
import itertools
import re
from collections.abc import Callable, Iterable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from taggit.models import Tag, TaggedItem

from wiki import bulk, changes

from .formats import links, papers, readinglog
from .formats.encoding import DecodedFile, decode_bytes
from .formats.errors import ImportFormatError
from .formats.lines import numbered_lines
from .identity import arxiv_id, identity_key, is_web_link, normalize_title
from .log_sync import LogSync
from .models import KIND_ICONS, Reference, validate_reference_url
from .reimport import Conflict
from .services import FILLABLE_FIELDS, guess_kind, placeholder_title
from .tags import TAG_NAME_LIMIT, clean_tag_name, same_tags, tag_key

BATCH_SIZE = 500
FORMATS = ("papers", "log", "links")
# Characters a lost byte most likely belonged to, in files like the team's.
PREFERRED_CHARACTERS = "".join(KIND_ICONS.values()) + "“”‘’–—…•"


@dataclass
class ImportReport:
    references_created: int = 0
    references_matched: int = 0
    references_updated: int = 0
    entries_created: int = 0
    entries_updated: int = 0
    entries_skipped: int = 0
    entries_gone: int = 0
    conflicts: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    dry_run: bool = False
    # What a preview lists, each as (line, text): the first LISTED of each; the counts say the rest.
    added: list = field(default_factory=list)
    matched: list = field(default_factory=list)
    new_entries: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    gone: list = field(default_factory=list)
    read_as_links: list = field(default_factory=list)  # files of none of the team's formats

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
            (self.updated, self.entries_updated, "Log entries to update" if dry else "Log entries updated"),
            (self.gone, self.entries_gone, "In the wiki, no longer in the file"),
        ]

    def summary(self):
        new = "to add" if self.dry_run else "new"
        text = (
            f"References: {self.references_created} {new}, {self.references_matched} matched, "
            f"{self.references_updated} of them filled in. Log entries: {self.entries_created} {new}, "
            f"{self.entries_updated} {'to update' if self.dry_run else 'updated'}, "
            f"{self.entries_skipped} already there, {self.entries_gone} no longer in the file. "
            f"Conflicts: {len(self.conflicts)}."
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
    if links.has_links(text):
        return "links"
    raise ImportFormatError(
        filename,
        1,
        "neither a papers README (### headings) nor a reading log (Legend:, MM/DD/YYYY dates), "
        "and no links to import as a link list",
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
        with transaction.atomic(), _collecting_only_new():
            for source in sources:
                if source.format == "log":
                    self._import_log(source)
                elif source.format == "papers":
                    self._import_papers(source)
                elif source.format == "links":
                    self._import_links(source)
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
        sync = LogSync(self, source.filename)
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
            sync.batch(batch, references)
            self.progress(batch[-1].line, source.line_count)
        sync.finish()

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

    # Any markdown: every link

    def _import_links(self, source):
        self.report.read_as_links.append(source.filename)
        skipped = 0
        for batch in _batched(links.parse(source.lines(), source.filename), BATCH_SIZE):
            records = []
            for item in batch:
                url = reference_link(item.url)
                if url is None:
                    skipped += 1
                    continue
                records.append(
                    {
                        "title": item.title or placeholder_title(url),
                        "url": url,
                        "kind": guess_kind(url),
                        "line": item.line,
                        "summary": item.summary,
                        "tags": item.tags,
                        "needs_title": item.needs_title,
                        "borrowed": item.borrowed,
                        "from_links": True,
                    }
                )
            self._resolve_batch(source.filename, records)
            self.progress(batch[-1].line, source.line_count)
        if skipped:
            self.report.notes.append(
                f"{source.filename}: {skipped} links are neither http(s) links nor relative paths "
                "(mailto:, javascript: …): left out."
            )

    # References, shared by every format

    def _resolve_batch(self, filename, records):
        """The library's reference for each record, matched or created (in bulk)."""
        for record in records:
            check_link(filename, record["line"], record["url"])
            check_lengths(filename, record["line"], Reference, record)
        keys = [(identity_key(r["url"]), _title_key(r)) for r in records]
        identities = {key for key, _ in keys} - {""}
        title_keys = {title_key for _, title_key in keys} - {""}
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
        for record, (key, title_key) in zip(records, keys, strict=True):
            reference = (key and by_identity.get(key)) or by_title.get(title_key)
            if reference is None:
                reference = Reference(
                    title=record["title"],
                    url=record["url"],
                    kind=record["kind"],
                    added_by=self.reader,
                    needs_title=record.get("needs_title", False),
                    **{name: record.get(name) or _empty(name) for name in FILLABLE_FIELDS if name != "url"},
                )
                reference.prepare()
                reference.new_tags = record.get("tags", ())
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
            if reference.title_key and not reference.needs_title and not record.get("borrowed"):
                by_title.setdefault(reference.title_key, reference)
            result.append(reference)
        if created:
            imported = self._recorded(Reference, filename)
            with imported as batch:
                batch.add_saved(bulk.insert(created))
                tag_in_bulk(created)
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
            elif record.get("from_links"):
                continue  # a link list's words around a link are no claim about the work
            elif _differs(ours, theirs):
                self.report.conflicts.append(
                    Conflict(f"{filename}:{record['line']}", reference.title, name, ours, theirs)
                )
        if record.get("authors") is not None and _differs(reference.title, record["title"]):
            # Only the papers README names a reference; the log's title is kept on its entry.
            self.report.conflicts.append(
                Conflict(
                    f"{filename}:{record['line']}", reference.title, "title", reference.title, record["title"]
                )
            )
        if changed:
            with changes.change(
                reference, self.reader, changes.Action.IMPORTED, note=f"Filled in from {filename}"
            ):
                reference.save()
            self.report.references_updated += 1


@contextmanager
def _collecting_only_new():
    """An import makes hundreds of thousands of short-lived objects, and each of the garbage
    collector's full passes walked every object the process already had (Django, the apps) as
    well: a twentieth of a long log's import. Those are set aside (gc.freeze) while it runs."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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


def reference_link(url):
    """The link a reference can keep for a link in any markdown: http(s) as it is, a path in
    the repository (`docs/x.md`) as `./docs/x.md`; None for other schemes and addresses."""
    if is_web_link(url) or url.startswith(("./", "../")):
        return url
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith(("//", "#")):
        return None
    return url if url.startswith("/") else f"./{url}"


def tag_in_bulk(references):
    """Tag new references with the names each carries in `new_tags`, in a few queries."""
    names = {}
    for reference in references:
        cleaned = (
            clean_tag_name(name)[:TAG_NAME_LIMIT].strip() for name in getattr(reference, "new_tags", ())
        )
        names[reference.pk] = [name for name in dict.fromkeys(cleaned) if name]
    wanted = sorted({name for found in names.values() for name in found})
    if not wanted:
        return
    by_key = {}
    for name, tag in zip(wanted, same_tags(wanted), strict=True):
        if isinstance(tag, str):  # one tag per slug, whatever the case of the name
            tag = by_key.get(tag_key(name)) or Tag.objects.create(name=name)
        by_key[tag_key(name)] = tag
    content_type = ContentType.objects.get_for_model(Reference)
    TaggedItem.objects.bulk_create(
        [
            TaggedItem(content_type=content_type, object_id=pk, tag=by_key[tag_key(name)])
            for pk, found in names.items()
            for name in found
        ],
        ignore_conflicts=True,
    )


def _title_key(record):
    # A stand-in title ("arxiv.org/abs/…") or one borrowed from the words around a link
    # ("Week 1", a table row) names no work: such a record matches by its link alone.
    if record.get("needs_title") or record.get("borrowed"):
        return ""
    return normalize_title(record["title"])


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
