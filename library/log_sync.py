"""A reading log's entries into the library, however often a newer version is imported.

Each line of the file is paired with the entry an earlier import made of it, in passes:

1. the same reference, day and title (as the wiki has it, or as the last import brought it);
2. the same reference and day, the title as logged corrected;
3. the same day and title, the link corrected;
4. the same reference and title on another day: the entry moved.

Passes 2–4 pair only what is unambiguous. A paired entry is updated field by field
(library/reimport.py); a line paired with nothing is a new entry; an entry of the reader's
that an import brought and no line pairs is listed as no longer in the file, never deleted.

The first pass runs batch by batch as the file is read; only lines with a possible partner
for the later passes wait in memory, so a first import of a long log stays flat in memory.
"""

from django.utils import timezone

from wiki import bulk, changes

from .identity import normalize_title
from .models import LogEntry
from .reimport import Conflict, Pairing, edited_on_the_site, records_of, remember, three_way

FIELDS = ("day", "title", "url", "notes")
FIELD_NAMES = {"day": "day", "title": "title as logged", "url": "link as logged", "notes": "notes"}


def entry_values(entry):
    return {
        "day": entry.read_on.isoformat(),
        "title": entry.display_title,
        "url": entry.display_url,
        "notes": entry.notes,
    }


def _keys(reference_id, day, title):
    plain = normalize_title(title)
    return {
        "exact": {(reference_id, day, title), (reference_id, day, title.strip())},
        "reference_day": {(reference_id, day)},
        "day_title": {(day, plain)},
        "reference_title": {(reference_id, plain)},
    }


def item_keys(item, reference_id):
    return _keys(reference_id, item.read_on.isoformat(), item.title)


class LogSync:
    def __init__(self, importer, filename):
        self.importer, self.filename = importer, filename
        self.reader, self.report = importer.reader, importer.report
        self.position = 0
        self.waiting = []  # (item, reference) with a possible partner among the later passes
        self.pairing = self._existing()

    def _existing(self):
        """The pairing over the reader's entries, keyed as the wiki has them and as the last
        import brought them (a title edited on the site still pairs with the file's)."""
        rows = LogEntry.objects.filter(reader=self.reader).values_list(
            "pk", "reference_id", "read_on", "logged_title", "reference__title"
        )
        objects, references = {}, {}
        for pk, reference_id, read_on, logged_title, title in rows.iterator(chunk_size=2000):
            objects[pk] = _keys(reference_id, read_on.isoformat(), logged_title or title)
            references[pk] = reference_id
        self.records = records_of(LogEntry, objects) if objects else {}
        for pk, record in self.records.items():
            if pk in objects:
                base = _keys(references[pk], record.values["day"], record.values["title"])
                for name, keys in base.items():
                    objects[pk][name] |= keys
        return Pairing(objects)

    def batch(self, items, references):
        """The first pass over one batch: pair, update, create."""
        paired, new = [], []
        made = self._made({item.read_on for item in items})
        for item, reference in zip(items, references, strict=True):
            item.position, self.position = self.position, self.position + 1
            keys = item_keys(item, reference.pk)
            pk = next((pk for key in keys["exact"] if (pk := self.pairing.claim("exact", key))), None)
            if pk is not None:
                paired.append((item, reference, pk))
            elif (reference.pk, item.read_on, item.title) in made or any(
                self.pairing.known("exact", key) for key in keys["exact"]
            ):
                self.report.entries_skipped += 1  # the same line twice in the file
            elif any(
                self.pairing.candidates(name, key)
                for name in ("reference_day", "day_title", "reference_title")
                for key in keys[name]
            ):
                self.waiting.append((item, reference))
            else:
                new.append((item, reference))
        self._create(new, made)  # nothing was written since `made` was read
        self._update(paired)

    def finish(self):
        """The later passes over the lines that waited, then what no line paired."""
        rest = dict(enumerate(self.waiting))
        paired = []
        for name in ("reference_day", "day_title", "reference_title"):
            found = self.pairing.pair_unambiguous(
                {i: next(iter(item_keys(item, ref.pk)[name])) for i, (item, ref) in rest.items()}, name
            )
            paired += [(*rest.pop(i), pk) for i, pk in found.items()]
        self._update(sorted(paired, key=lambda row: row[0].position))
        self._create(sorted(rest.values(), key=lambda row: row[0].position))
        gone = [pk for pk in self.pairing.unclaimed if pk in self.records]
        self.report.entries_gone += len(gone)
        for record in sorted((self.records[pk] for pk in gone), key=lambda r: (r.values["day"], r.position)):
            self.report.listed("gone", record.line, f"{_day(record.values['day'])} {record.values['title']}")

    def _create(self, rows, made=None):
        if not rows:
            return
        new = []
        if made is None:
            made = self._made({item.read_on for item, _ in rows})
        for item, reference in rows:
            key = (reference.pk, item.read_on, item.title)
            if key in made:
                self.report.entries_skipped += 1
                continue
            made.add(key)
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
            new.append((item, entry))
            self.report.listed("new_entries", item.line, f"{item.read_on:%m/%d/%Y} {item.title}")
        with self.importer._recorded(LogEntry, self.filename) as batch:
            batch.add_saved(bulk.insert(entry for _, entry in new), untagged=True)
        self.report.entries_created += len(new)
        self._remember(((item, entry.pk) for item, entry in new), created=True)

    def _made(self, days):
        """(reference, day, title) of the reader's entries on these days, this import's too: a
        line written twice in the file is one entry. Asked per batch, so memory stays flat."""
        return {
            (entry.reference_id, entry.read_on, entry.display_title)
            for entry in LogEntry.objects.filter(reader=self.reader, read_on__in=days).select_related(
                "reference"
            )
        }

    def _update(self, rows):
        if not rows:
            return
        entries = LogEntry.objects.select_related("reference").in_bulk([pk for _, _, pk in rows])
        unknown = [pk for pk in entries if pk not in self.records]
        edited = edited_on_the_site(LogEntry, unknown) if unknown else set()
        changed = []
        for item, reference, pk in rows:
            entry = entries[pk]
            wiki = entry_values(entry)
            record = self.records.get(pk)
            base = record.values if record else (None if pk in edited else wiki)
            take, conflicts = three_way(base, wiki, item.values, FIELDS)
            if take and not self._apply(entry, item, reference, take):
                conflicts, take = conflicts + take, []
            for name in conflicts:
                self.report.conflicts.append(
                    Conflict(
                        f"{self.filename}:{item.line}",
                        wiki["title"],
                        FIELD_NAMES[name],
                        wiki[name],
                        item.values[name],
                    )
                )
            if take:
                changed.append(entry)
                self.report.listed(
                    "updated", item.line, f"{item.read_on:%m/%d/%Y} {item.title}: {_names(take)}"
                )
            else:
                self.report.entries_skipped += 1
        self.report.entries_updated += len(changed)
        if changed and not self.report.dry_run:
            now = timezone.now()
            note = f"Updated from {self.filename}"
            with changes.bulk_change(
                LogEntry, self.reader, changes.Action.IMPORTED, note=note, pks=[e.pk for e in changed]
            ):
                for entry in changed:
                    entry.prepare()
                    entry.updated = now
                LogEntry.objects.bulk_update(
                    changed,
                    ["reference", "read_on", "logged_title", "logged_url", "notes", "notes_html", "updated"],
                )
        self._remember((item, pk) for item, _, pk in rows)

    def _apply(self, entry, item, reference, take):
        """Set the taken fields on entry; False if that would duplicate another entry."""
        if "url" in take:
            entry.reference, entry.logged_url = reference, item.url
        if "title" in take:
            entry.logged_title = item.title
        if "day" in take:
            entry.read_on = item.read_on
        if "notes" in take:
            entry.notes = item.notes
        if entry.logged_title == entry.reference.title:
            entry.logged_title = ""
        clash = (
            LogEntry.objects.filter(
                reader=self.reader,
                reference=entry.reference,
                read_on=entry.read_on,
                logged_title=entry.logged_title,
            )
            .exclude(pk=entry.pk)
            .exists()
        )
        if clash:
            entry.refresh_from_db()
        return not clash

    def _remember(self, rows, created=False):
        if self.report.dry_run:
            return
        remember(
            LogEntry,
            ((pk, item.line, item.position, item.values, item.text) for item, pk in rows),
            self.filename,
            created=created,
        )


def _names(fields):
    return ", ".join(FIELD_NAMES[name] for name in fields) + " updated"


def _day(iso):
    year, month, day = iso.split("-")
    return f"{month}/{day}/{year}"
