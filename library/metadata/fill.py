"""Filling saved references from their links: the fill_metadata command, the admin action and
the importers' --fetch-metadata all call `fill_references`.

Only empty fields are filled; a value a member entered is kept, and where the source says
something else the difference is listed, not applied. A reference known only from a bare link
(`needs_title`) gets the source's title and loses the flag. Each write goes through
wiki.changes.change, so history, search and caches follow.
"""

import time
from dataclasses import dataclass, field

from django.db.models import Q

from library.identity import normalize_title
from library.models import Reference
from wiki import changes

from . import NotFound, SourceUnreachable, lookup


@dataclass
class FillReport:
    filled: int = 0
    not_found: int = 0
    unreachable: int = 0
    unchanged: int = 0
    lines: list[str] = field(default_factory=list)  # one per reference that changed or failed
    differences: list[str] = field(default_factory=list)  # what the source says and was not applied

    def summary(self):
        return (
            f"{self.filled} filled, {self.not_found} not found, "
            f"{self.unreachable} unreachable, {self.unchanged} unchanged."
        )


def needing(all=False):
    """References with an http(s) link whose title, authors or date is missing (with `all`: every
    reference with a link, to list where the sources differ)."""
    linked = Reference.objects.filter(Q(url__istartswith="http://") | Q(url__istartswith="https://"))
    if not all:
        linked = linked.filter(Q(needs_title=True) | Q(authors="") | Q(published__isnull=True))
    return linked.order_by("pk")


def updates_for(reference, metadata):
    """(the fields to set, the differences not applied) for one reference."""
    updates, differences = {}, []

    def differs(name, ours, theirs):
        differences.append(
            f"{reference.pk} “{reference.title}”: {name} is “{ours}”, {metadata.source_name} says “{theirs}”"
        )

    title = metadata.title  # cleaned and cut to the field's length by lookup (metadata.fitted)
    if title:
        if reference.needs_title:
            updates["title"] = title
            updates["needs_title"] = False
        elif normalize_title(title) != normalize_title(reference.title):
            differs("the title", reference.title, title)
    for name in ("authors", "venue", "summary"):
        theirs = getattr(metadata, name)
        ours = getattr(reference, name)
        if not theirs:
            continue
        if not ours.strip():
            updates[name] = theirs
        elif name != "summary" and normalize_title(ours) != normalize_title(theirs):
            differs(name, ours, theirs)
    if metadata.published:
        if reference.published is None:
            updates["published"] = metadata.published
        elif reference.published != metadata.published:
            differs("the date", reference.published.isoformat(), metadata.published.isoformat())
    return updates, differences


def fill_references(references, *, user=None, dry_run=False, pause=0.0, progress=None):
    """Look up each reference's link and fill its empty fields; returns a FillReport."""
    report = FillReport()
    references = list(references)
    for done, reference in enumerate(references, 1):
        if pause and done > 1:
            time.sleep(pause)
        _fill_one(reference, report, user=user, dry_run=dry_run)
        if progress:
            progress(done, len(references))
    return report


def _fill_one(reference, report, *, user, dry_run):
    try:
        metadata = lookup(reference.url)
    except NotFound as error:
        report.not_found += 1
        report.lines.append(f"{reference.pk} “{reference.title}”: not found ({error})")
        return
    except SourceUnreachable as error:
        report.unreachable += 1
        report.lines.append(f"{reference.pk} “{reference.title}”: unreachable ({error})")
        return
    updates, differences = updates_for(reference, metadata)
    report.differences += differences
    if not updates:
        report.unchanged += 1
        return
    report.filled += 1
    names = ", ".join(name for name in updates if name != "needs_title")
    report.lines.append(
        f"{reference.pk} “{updates.get('title', reference.title)}”: {names} from {metadata.source_name}"
    )
    if dry_run:
        return
    with changes.change(
        reference, user, changes.Action.EDITED, note=f"Filled from {metadata.source_name}", latest=True
    ) as handle:
        # Reloaded under the lock: fill only what is still empty now.
        updates, _ = updates_for(reference, metadata)
        if not updates:
            handle.skip()
            return
        for name, value in updates.items():
            setattr(reference, name, value)
        reference.save()
