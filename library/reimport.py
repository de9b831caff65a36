"""Importing a newer version of a file: pair its items with what earlier imports made, then
decide field by field whose version stands.

Three versions of each field meet: what the last import brought (`base`, kept as
ImportedText), what the wiki has now and what the file says now.

- the file says what the wiki has: nothing to do;
- the wiki still has what the import brought: the file changed, its version is taken;
- the wiki changed since (whether or not the file did): the wiki's version is kept and the
  disagreement listed with both texts. The wiki's edit is in the object's history, the file's
  text in the record of what this import brought: neither side is lost.

Objects that no import has recorded (made on the site, or imported before records were kept)
count as brought by an import when their history holds no edit but imports.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from wiki import bulk, history

from .models import ImportedText

IMPORT_ACTIONS = (history.Action.IMPORTED, history.Action.BASELINE)


@dataclass
class Conflict:
    """A field where the wiki and the file disagree and the wiki's version was kept."""

    where: str  # FILE:LINE
    title: str
    field: str
    ours: str
    theirs: str

    def __str__(self):
        return (
            f"{self.where}: “{self.title}” — {self.field} differs; "
            f"kept the library's “{self.ours}”, the file has “{self.theirs}”."
        )


def three_way(base, wiki, file, fields):
    """(fields to take from the file, fields in conflict) for one object.

    `base` is None when nobody knows what the import brought (the wiki was edited since).
    """
    take, conflicts = [], []
    for name in fields:
        theirs, ours = file[name], wiki[name]
        if theirs == ours:
            continue
        if base is not None and ours == base.get(name):
            take.append(name)
        else:
            conflicts.append(name)
    return take, conflicts


class Pairing:
    """Pairs a file's items with the wiki's objects, pass by pass, each pass on its own keys.

    `objects` maps each object's pk to {pass name: set of keys}. A pass pairs an item with an
    object only when the key is unambiguous both ways among what earlier passes left: one
    unpaired object has it and one waiting item asks for it.
    """

    def __init__(self, objects):
        self.objects = objects
        self.unclaimed = set(objects)
        self.index = {}
        for pk, keys in objects.items():
            for name, values in keys.items():
                for key in values:
                    self.index.setdefault((name, key), []).append(pk)

    def candidates(self, name, key):
        return [pk for pk in self.index.get((name, key), ()) if pk in self.unclaimed]

    def known(self, name, key):
        """Whether any object, paired or not, has the key (a line repeated in the file)."""
        return (name, key) in self.index

    def claim(self, name, key):
        """The first unpaired object with the key, now paired; None if there is none."""
        for pk in self.candidates(name, key):
            self.unclaimed.discard(pk)
            return pk
        return None

    def pair_unambiguous(self, waiting, name):
        """Pair the waiting items, {item id: key}, whose key one object and one item share."""
        asked = {}
        for item_id, key in waiting.items():
            asked.setdefault(key, []).append(item_id)
        paired = {}
        for key, item_ids in asked.items():
            found = self.candidates(name, key)
            if len(item_ids) == 1 and len(found) == 1:
                self.unclaimed.discard(found[0])
                paired[item_ids[0]] = found[0]
        return paired


def records_of(model, pks):
    """{pk: ImportedText} for the objects of `model` an import recorded."""
    content_type = ContentType.objects.get_for_model(model)
    records = {}
    pks = list(pks)
    for start in range(0, len(pks), 500):
        for record in ImportedText.objects.filter(
            content_type=content_type, object_id__in=pks[start : start + 500]
        ):
            records[record.object_id] = record
    return records


def edited_on_the_site(model, pks):
    """The pks among `pks` whose history holds a change that no import made."""
    return history.changed_other_than(model, pks, IMPORT_ACTIONS)


def remember(model, rows, source, created=False):
    """Record what an import brought: rows of (pk, line, position, values, text). `created`:
    the objects were made by this import, so no earlier record of them needs replacing."""
    content_type = ContentType.objects.get_for_model(model)
    rows = list(rows)
    if not created:
        ImportedText.objects.filter(
            content_type=content_type, object_id__in=[row[0] for row in rows]
        ).delete()
    bulk.insert(
        ImportedText(
            content_type=content_type,
            object_id=pk,
            source=source[:255],
            line=line,
            position=position,
            values=values,
            text=text,
        )
        for pk, line, position, values, text in rows
    )
