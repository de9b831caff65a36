"""Bring the team's ideas file in: areas, ideas, and their links as library references.

An idea already on the site (same title, or the same text) is left as it is; a link the
library knows is attached to it, one it does not know becomes a reference still needing its
title, with the link's text kept as the note. One transaction: a bad line changes nothing.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from library.identity import normalize_title
from library.importer import ImportReport, check_lengths, check_link
from library.models import Reference
from wiki import changes

from .formats import parse
from .models import Area, Idea, IdeaReference, Status
from .services import ReferenceSpec, link_references, record_status


@dataclass
class IdeasReport(ImportReport):
    ideas_created: int = 0
    ideas_matched: int = 0
    links_created: int = 0

    def summary(self):
        new = "to add" if self.dry_run else "new"
        text = (
            f"Ideas: {self.ideas_created} {new}, {self.ideas_matched} already there. "
            f"Reference links: {self.links_created} {new}; references: {self.references_created} {new}."
        )
        return f"Dry run, nothing saved. {text}" if self.dry_run else text


def import_ideas(text, filename, *, proposer=None, dry_run=False):
    """Import an ideas file's text; raises ImportFormatError (and changes nothing) on a bad line."""
    items = parse(text, filename)
    for item in items:
        check_lengths(
            filename, item.line, Idea, {"title": item.title, "label": item.label, "body": item.body}
        )
        check_lengths(filename, item.line, Area, {"name": item.area})
        for text, url in item.links:
            check_link(filename, item.line, url)
            check_lengths(filename, item.line, IdeaReference, {"note": text})
            check_lengths(filename, item.line, Reference, {"url": url})
    report = IdeasReport(dry_run=dry_run)
    with transaction.atomic():
        known = {}
        for idea in Idea.objects.only("pk", "title", "body"):
            known[("title", normalize_title(idea.title))] = idea
            known[("body", normalize_title(idea.body))] = idea
        for item in items:
            idea = known.get(("title", normalize_title(item.title))) or known.get(
                ("body", normalize_title(item.body))
            )
            new = idea is None
            if new:
                idea = _new_idea(item)
                report.ideas_created += 1
                known[("title", normalize_title(item.title))] = idea
            else:
                report.ideas_matched += 1
            note = f"Imported from {filename}" if new else f"Links added from {filename}"
            with changes.change(idea, proposer, changes.Action.IMPORTED, note=note) as change:
                if new:
                    _save_new_idea(idea, item, proposer)
                specs = [ReferenceSpec(None, url, text) for text, url in item.links]
                links, references = link_references(idea, specs, proposer)
                if not (new or links):
                    change.skip()  # already there, links and all
            report.links_created += links
            report.references_created += references
        if dry_run:
            transaction.set_rollback(True)
    return report


def _new_idea(item):
    return Idea(title=item.title, label=item.label, body=item.body, status=Status.PROPOSED)


def _save_new_idea(idea, item, proposer):
    idea.area = _area(item.area, item.area_description)
    idea.proposer = proposer
    idea.save()
    if item.label:
        idea.tags.add(item.label)
    record_status(idea, "", proposer)
    return idea


def _area(name, description):
    if not name:
        return None
    area, created = Area.objects.get_or_create(
        name=name,
        defaults={
            "description": description,
            "position": (Area.objects.aggregate(n=Max("position"))["n"] or 0) + 1,
        },
    )
    if not created and description and not area.description:
        area.description = description
        area.save(update_fields=["description"])
    return area
