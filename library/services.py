"""Operations that touch several rows; called by views, admin actions and commands alike."""

import re

from django.db import transaction

from wiki import changes

from .identity import arxiv_id, identity_key
from .models import Kind, LogEntry, Reference

# Fields a merge copies from a duplicate when the survivor has them empty.
FILLABLE_FIELDS = ("url", "authors", "affiliation", "published", "venue", "summary")


def find_reference(url="", title=""):
    """The reference that (url, title) names, if the library has it: identity first, then title."""
    candidates = list(Reference.objects.matching(url, title)[:10])
    key = identity_key(url)
    for reference in candidates:
        if key and reference.identity == key:
            return reference
    return candidates[0] if candidates else None


@transaction.atomic
def resolve_reference(*, url="", title="", kind, added_by, details=None, needs_title=False):
    """The library's reference for (url, title), created when it has none. Returns (ref, created).

    `details`: more of a new reference's fields (authors, published…), as a source gave them.
    """
    existing = find_reference(url, title)
    if existing:
        return existing, False
    details = {name: value for name, value in (details or {}).items() if name not in ("url", "title", "kind")}
    reference = Reference(
        url=url, title=title, kind=kind, added_by=added_by, needs_title=needs_title, **details
    )
    with changes.change(reference, added_by):
        reference.save()
    return reference, True


@transaction.atomic
def merge_references(survivor, duplicates, *, user=None):
    """Fold duplicates into survivor: their log entries, tags and any field survivor lacks.

    Nothing is lost: a log entry that would collide with one the survivor already has keeps
    the duplicate's title as its logged title, and its notes are appended to the survivor's.
    """
    survivor = Reference.objects.get(pk=survivor.pk)
    duplicates = [d for d in duplicates if d.pk != survivor.pk]
    merged = ", ".join(f"#{d.pk}" for d in duplicates)
    with changes.change(survivor, user, changes.Action.MERGED, note=f"Merged {merged} into it"):
        for duplicate in duplicates:
            for field in FILLABLE_FIELDS:
                if not getattr(survivor, field) and getattr(duplicate, field):
                    setattr(survivor, field, getattr(duplicate, field))
            survivor.tags.add(*duplicate.tags.all())
            changes.fold(duplicate, survivor)  # what other apps keep of it (ideas: citations)
            for entry in duplicate.log_entries.select_related("reference", "reader"):
                _move_log_entry(entry, survivor, duplicate, user)
            # Deleted before the survivor saves, so a url it inherits no longer clashes.
            changes.delete(
                duplicate,
                user=user,
                note=f"Merged into “{survivor.title}” (#{survivor.pk})",
                merged_into=survivor,
            )
        survivor.save()
    return survivor


def _move_log_entry(entry, survivor, duplicate, user):
    logged_title = entry.logged_title or (duplicate.title if duplicate.title != survivor.title else "")
    twin = LogEntry.objects.filter(
        reader=entry.reader_id, reference=survivor, read_on=entry.read_on, logged_title=logged_title
    ).first()
    note = f"Moved from #{duplicate.pk}, merged into #{survivor.pk}"
    if twin is None:
        with changes.change(entry, user, changes.Action.MERGED, note=note):
            entry.reference = survivor
            entry.logged_title = logged_title
            entry.save()
        return
    with changes.change(twin, user, changes.Action.MERGED, note=f"Took in entry #{entry.pk}"):
        if entry.notes and entry.notes not in twin.notes:
            twin.notes = f"{twin.notes}\n\n{entry.notes}".strip()
        twin.tags.add(*entry.tags.all())
        twin.save()
    changes.delete(entry, user=user, note=f"{note}: the same reading as entry #{twin.pk}")


KIND_BY_HOST = [
    (re.compile(r"arxiv\.org|openreview\.net|aclanthology\.org|\.pdf$", re.I), Kind.PAPER),
    (re.compile(r"github\.com|gitlab\.com|huggingface\.co/spaces", re.I), Kind.CODE),
    (re.compile(r"youtube\.com|youtu\.be|vimeo\.com", re.I), Kind.VIDEO),
]


def guess_kind(url):
    """The kind a link most likely is, from its host (a paper, code, a video, else a post)."""
    for pattern, kind in KIND_BY_HOST:
        if pattern.search(url):
            return kind
    return Kind.POST


def placeholder_title(url):
    """A stand-in title for a reference known only from a link (“Paper”, “Github”)."""
    if found := arxiv_id(url):
        return f"arXiv:{found}"
    shown = re.sub(r"^[a-z][a-z0-9+.-]*://(www\.)?", "", url.strip(), flags=re.I).rstrip("/")
    return shown[:200] or url


@transaction.atomic
def resolve_link(*, url, kind, added_by):
    """The library's reference for a bare link, created as still needing its title. Returns (ref, created)."""
    reference = Reference.objects.filter(identity=identity_key(url)).first() if identity_key(url) else None
    if reference:
        return reference, False
    reference = Reference(
        url=url, title=placeholder_title(url), kind=kind, added_by=added_by, needs_title=True
    )
    with changes.change(reference, added_by):
        reference.save()
    return reference, True
