"""Idea operations that touch several rows: linking references, status history, membership."""

import re
from dataclasses import dataclass

from django.db import transaction

from library.capture import NotFound, capture
from library.identity import is_web_link, link_from
from library.models import Reference
from library.services import find_reference, guess_kind, resolve_link, resolve_reference
from wiki.toggles import toggle

from .models import IdeaReference, IdeaVote, StatusChange

NOTE_LIMIT = IdeaReference._meta.get_field("note").max_length
URL_LIMIT = Reference._meta.get_field("url").max_length

URL_RE = re.compile(r"^(https?://\S+|\.{1,2}/\S+)$", re.IGNORECASE)
ID_RE = re.compile(r"^#(\d+)\b")


@dataclass
class ReferenceSpec:
    """One line of an idea's "add references" box, understood."""

    reference: Reference | None
    url: str
    note: str
    details: dict | None = None  # a new reference's fields, as its source gave them


LOOKUPS_PER_SAVE = 10  # more new links than this wait, named, for fill_metadata


def fill_in(specs):
    """Ask each new link's source for its title and the rest (the first LOOKUPS_PER_SAVE)."""
    new = [spec for spec in specs if spec.reference is None and is_web_link(spec.url)]
    for spec in new[:LOOKUPS_PER_SAVE]:
        try:
            captured = capture(spec.url)
        except NotFound:
            continue  # stays “needs its title”
        if not captured.needs_title:
            spec.details = captured.fields


def parse_reference_lines(text):
    """Lines of `#id`, a link (or an arXiv id or DOI) or a library title, each optionally
    followed by `| note`.

    Returns (specs, errors); a line naming nothing the library has (an unknown id or title)
    is an error, a url the library lacks becomes a new reference when saved.
    """
    specs, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        target, _, note = (part.strip() for part in line.partition("|"))
        if not target:
            continue
        if len(note) > NOTE_LIMIT:
            errors.append(f"Line {number}: the note has {len(note):,} characters; at most {NOTE_LIMIT:,}.")
            continue
        if match := ID_RE.match(target):
            reference = Reference.objects.filter(pk=int(match.group(1))).first()
            if reference is None:
                errors.append(f"Line {number}: there is no reference #{match.group(1)} in the library.")
            specs.append(ReferenceSpec(reference, "", note))
        elif URL_RE.match(link := link_from(target)):
            target = link  # an arXiv id, a DOI or a link without https:// is its link
            if len(target) > URL_LIMIT:
                errors.append(
                    f"Line {number}: the link has {len(target):,} characters; at most {URL_LIMIT:,}."
                )
                continue
            specs.append(ReferenceSpec(find_reference(target, ""), target, note))
        elif reference := find_reference("", target):
            specs.append(ReferenceSpec(reference, "", note))
        else:
            errors.append(
                f"Line {number}: no reference titled “{target}” in the library; paste its link instead."
            )
    return specs, errors


@transaction.atomic
def link_references(idea, specs, user):
    """Attach the references the specs name, creating those known only by url.

    Returns (links added, references created).
    """
    position = idea.reference_links.count()
    links_added = references_created = 0
    for spec in specs:
        reference = spec.reference
        if reference is None and spec.details:
            details = spec.details
            reference, new = resolve_reference(
                url=details["url"],
                title=details["title"],
                kind=details.get("kind") or guess_kind(spec.url),
                added_by=user,
                details=details,
            )
            references_created += new
        elif reference is None:
            # A link's text ("Paper", "Github") is a note, not a title: the title stays to be filled.
            reference, new = resolve_link(url=spec.url, kind=guess_kind(spec.url), added_by=user)
            references_created += new
        link, created = IdeaReference.objects.get_or_create(
            idea=idea, reference=reference, defaults={"note": spec.note, "position": position}
        )
        if created:
            position += 1
            links_added += 1
        elif spec.note and spec.note not in link.note:
            # The same reference linked twice: keep both texts.
            note = f"{link.note}; {spec.note}" if link.note else spec.note
            link.note = note if len(note) <= NOTE_LIMIT else note[: NOTE_LIMIT - 1] + "…"
            link.save(update_fields=["note"])
    return links_added, references_created


def record_status(idea, old_status, user):
    """Keep who moved an idea to its current status, and when."""
    if old_status != idea.status:
        StatusChange.objects.create(
            idea=idea, old_status=old_status or "", new_status=idea.status, changed_by=user
        )


def toggle_membership(idea, user):
    """Join an idea, or leave it if already in; returns True when the user is now a member."""
    if idea.members.filter(pk=user.pk).exists():
        idea.members.remove(user)
        return False
    idea.members.add(user)
    return True


def toggle_vote(idea, user):
    """Give an idea your 👍, or take it back; returns True when your vote now stands."""
    return toggle(IdeaVote, idea=idea, member=user)
