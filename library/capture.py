"""Capture: a pasted link or identifier fills in a new reference, from arXiv, Crossref or the page.

The forms call `capture()` while validating, before any transaction opens, so a slow source never
holds a lock; the page's script asks the same through `/library/metadata/` as the member pastes.
"""

from dataclasses import dataclass, field

from wiki.rendering import render_ahead

from .identity import link_from
from .metadata import MetadataError, NotFound, SourceUnreachable, lookup
from .models import Reference

# What a source may fill in: only where the member left the field empty.
FILLED = ("title", "authors", "published", "venue", "summary")


@dataclass
class Capture:
    """What to save for a pasted link: `fields` for the new reference, and what to tell the member."""

    fields: dict = field(default_factory=dict)
    message: str = ""
    needs_title: bool = False
    tags: list = field(default_factory=list)


def capture(text):
    """A Capture for a link the library does not have yet; NotFound when nothing names it.

    An unreachable source is not the member's fault: the link alone is kept, marked “needs its
    title”, for an edit or `fill_metadata` to name later.
    """
    from .services import placeholder_title

    link = link_from(text)
    try:
        found = lookup(link)
    except SourceUnreachable as error:
        return Capture(
            {"url": link, "title": placeholder_title(link)},
            f"{error} It was saved with its link alone, marked “needs its title”, to be filled in later.",
            needs_title=True,
        )
    fields = {name: getattr(found, name) for name in FILLED if getattr(found, name)}
    fields["url"] = found.url or link
    if found.kind:
        fields["kind"] = found.kind
    render_ahead(Reference, fields)  # now, outside any transaction: the save reuses it
    return Capture(fields, f"Filled in from {found.source_name}: check the details.", tags=found.tags)


def as_json(found):
    """A lookup's fields as the page's script fills them in."""
    return {
        "url": found.url,
        "title": found.title,
        "authors": found.authors,
        "published": found.published.isoformat() if found.published else "",
        "venue": found.venue,
        "summary": found.summary,
        "kind": found.kind,
        "tags": found.tags,
        "source": found.source,
    }


__all__ = ["Capture", "MetadataError", "NotFound", "SourceUnreachable", "as_json", "capture", "lookup"]
