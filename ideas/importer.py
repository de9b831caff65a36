"""Bring the team's ideas file in: areas, ideas, and their links as library references.

An idea is paired with the one an earlier import made (library/reimport.py), in passes: the
same title, the same body (as the wiki has them or as the last import brought them), then, in
the same area, the one idea whose body is mostly the same. A paired idea is updated field by
field as a reading-log entry is: the file's change is taken where the wiki still has what the
import brought, the wiki's edit is kept and listed otherwise. Links the file adds are attached.
A link the library knows is attached as it is; one it does not know becomes a reference still
needing its title, with the link's text kept as the note. One transaction: a bad line changes
nothing.
"""

import difflib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from library.identity import normalize_title
from library.importer import ImportReport, check_lengths, check_link
from library.models import Reference
from library.reimport import Conflict, Pairing, edited_on_the_site, records_of, remember, three_way
from wiki import changes

from .formats import parse_file
from .models import Area, Idea, IdeaReference, Status
from .services import ReferenceSpec, link_references, record_status

FIELDS = ("title", "label", "body", "area")
SIMILAR = 0.6  # how much of a reworded idea's body must stay for it to be the same idea


@dataclass
class IdeasReport(ImportReport):
    ideas_created: int = 0
    ideas_matched: int = 0
    ideas_updated: int = 0
    ideas_gone: int = 0
    links_created: int = 0

    def lists(self):
        dry = self.dry_run
        return [
            (self.added, self.ideas_created, "Ideas to add" if dry else "Ideas added"),
            (self.updated, self.ideas_updated, "Ideas to update" if dry else "Ideas updated"),
            (self.gone, self.ideas_gone, "In the wiki, no longer in the file"),
        ]

    def summary(self):
        new = "to add" if self.dry_run else "new"
        updated = "to update" if self.dry_run else "updated"
        text = (
            f"Ideas: {self.ideas_created} {new}, {self.ideas_updated} {updated}, "
            f"{self.ideas_matched - self.ideas_updated} already there, {self.ideas_gone} no longer in the file. "
            f"Reference links: {self.links_created} {new}; references: {self.references_created} {new}. "
            f"Conflicts: {len(self.conflicts)}."
        )
        return f"Dry run, nothing saved. {text}" if self.dry_run else text


def import_ideas(text, filename, *, proposer=None, dry_run=False):
    """Import an ideas file's text; raises ImportFormatError (and changes nothing) on a bad line."""
    parsed = parse_file(text, filename)
    items = parsed.items
    for item in items:
        check_lengths(
            filename, item.line, Idea, {"title": item.title, "label": item.label, "body": item.body}
        )
        check_lengths(filename, item.line, Area, {"name": item.area})
        for (link_text, url), line in zip(item.links, item.link_lines, strict=True):
            check_link(filename, line, url)
            check_lengths(filename, line, IdeaReference, {"note": link_text})
            check_lengths(filename, line, Reference, {"url": url})
    for name, description, line in parsed.areas:
        check_lengths(filename, line, Area, {"name": name, "description": description})
    report = IdeasReport(dry_run=dry_run)
    if parsed.introduction:
        first, last = parsed.introduction
        report.notes.append(
            f"{filename}:{first}-{last}: the text before the first area (the file's introduction) "
            "is not imported."
        )
    with transaction.atomic():
        areas = _areas(parsed.areas)
        pairing, records = _pairing()
        paired = _pair(items, pairing)
        existing = Idea.objects.select_related("area").in_bulk([pk for pk in paired.values() if pk])
        edited = edited_on_the_site(Idea, [pk for pk in existing if pk not in records])
        for item in items:
            pk = paired.get(item.position)
            if item.position in paired and pk is None:
                continue  # the same idea twice in the file
            if pk is None:
                _create(item, areas, proposer, filename, report)
            else:
                base = records[pk].values if pk in records else None
                if base is None and pk not in edited:
                    base = _values(existing[pk])
                _update(existing[pk], item, base, areas, proposer, filename, report)
        for pk in sorted(pairing.unclaimed & set(records), key=lambda pk: records[pk].position):
            record = records[pk]
            report.ideas_gone += 1
            report.listed("gone", record.line, record.values["title"])
        if not dry_run:
            remember(
                Idea,
                (
                    (item.pk, item.line, item.position, item.values, item.text)
                    for item in items
                    if item.pk is not None
                ),
                filename,
            )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _values(idea):
    return {
        "title": idea.title,
        "label": idea.label,
        "body": idea.body,
        "area": idea.area.name if idea.area else "",
    }


def _keys(values):
    return {"title": {normalize_title(values["title"])}, "body": {normalize_title(values["body"])}}


def _pairing():
    records = records_of(Idea, Idea.objects.values_list("pk", flat=True))
    objects = {}
    for idea in Idea.objects.select_related("area").only("pk", "title", "body", "label", "area__name"):
        objects[idea.pk] = _keys(_values(idea))
        objects[idea.pk]["area"] = {idea.area.name if idea.area else ""}
        objects[idea.pk]["bodies"] = {idea.body}
        if idea.pk in records:
            base = records[idea.pk].values
            for name, keys in _keys(base).items():
                objects[idea.pk][name] |= keys
            objects[idea.pk]["area"].add(base["area"])
            objects[idea.pk]["bodies"].add(base["body"])
    return Pairing(objects), records


def _pair(items, pairing):
    """{item position: idea pk} for the file's ideas that an earlier import (or the site) made;
    None for an idea written twice in the file."""
    paired = {}
    for item in items:  # the same title first, in file order: a title written twice is one idea
        key = normalize_title(item.title)
        if pk := pairing.claim("title", key):
            paired[item.position] = pk
        elif pairing.known("title", key):
            paired[item.position] = None  # the same idea twice in the file
    waiting = {item.position: item for item in items if item.position not in paired}
    found = pairing.pair_unambiguous({p: normalize_title(i.body) for p, i in waiting.items()}, "body")
    paired.update(found)
    for position in found:
        waiting.pop(position)
    wanted = {}
    for position, item in waiting.items():
        similar = [
            pk
            for pk in pairing.unclaimed
            if item.area in pairing.objects[pk]["area"]
            and max(_similarity(item.body, body) for body in pairing.objects[pk]["bodies"]) >= SIMILAR
        ]
        if len(similar) == 1:
            wanted.setdefault(similar[0], []).append(position)
    for pk, positions in wanted.items():
        if len(positions) == 1:
            pairing.unclaimed.discard(pk)
            paired[positions[0]] = pk
    return paired


def _similarity(a, b):
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _create(item, areas, proposer, filename, report):
    idea = Idea(title=item.title, label=item.label, body=item.body, status=Status.PROPOSED)
    with changes.change(idea, proposer, changes.Action.IMPORTED, note=f"Imported from {filename}"):
        idea.area = areas.get(item.area)
        idea.proposer = proposer
        idea.save()
        if item.label:
            idea.tags.add(item.label)
        record_status(idea, "", proposer)
        _link(idea, item, proposer, report)
    item.pk = idea.pk
    report.ideas_created += 1
    report.listed("added", item.line, item.title)


def _update(idea, item, base, areas, proposer, filename, report):
    item.pk = idea.pk
    report.ideas_matched += 1
    wiki = _values(idea)
    take, conflicts = three_way(base, wiki, item.values, FIELDS)
    for name in conflicts:
        report.conflicts.append(
            Conflict(f"{filename}:{item.line}", idea.title, name, wiki[name], item.values[name])
        )
    with changes.change(idea, proposer, changes.Action.IMPORTED, note=f"Updated from {filename}") as change:
        if take:
            if "label" in take:
                idea.tags.remove(idea.label)
                if item.label:
                    idea.tags.add(item.label)
            for name in take:
                setattr(idea, name, areas.get(item.area) if name == "area" else item.values[name])
            idea.save()
        links = _link(idea, item, proposer, report)
        if take:
            report.ideas_updated += 1
            report.listed("updated", item.line, f"{item.title}: {', '.join(take)} updated")
        elif links:
            change.note = f"Links added from {filename}"
        else:
            change.skip()  # already there, links and all


def _link(idea, item, proposer, report):
    specs = [ReferenceSpec(None, url, text) for text, url in item.links]
    links, references = link_references(idea, specs, proposer)
    report.links_created += links
    report.references_created += references
    return links


def _areas(found):
    """{name: Area} for the file's areas, made as needed, ordered as the file orders them."""
    areas = {}
    last = Area.objects.aggregate(n=Max("position"))["n"] or 0
    for name, description, _ in found:
        area, created = Area.objects.get_or_create(
            name=name, defaults={"description": description, "position": last + 1}
        )
        last += created
        if not created and description and not area.description:
            area.description = description
            area.save(update_fields=["description"])
        areas[name] = area
    _follow_file_order(list(areas.values()))
    areas[""] = None
    return areas


def _follow_file_order(in_file):
    """The file's areas keep the file's order among the places they hold, so an area inserted
    between two others exports between them."""
    places = sorted(area.position for area in in_file)
    moved = []
    for area, place in zip(in_file, places, strict=True):
        if area.position != place:
            area.position = place
            moved.append(area)
    Area.objects.bulk_update(moved, ["position"])
