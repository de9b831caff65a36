"""What the team means to read: each member's queue, the votes for "up next" and the sessions' picks.

These are plans, not the wiki's record, so they keep no revisions; but a reference's plans go
where it goes: merged into another, its queue places, votes and picks move to that one; deleted
and brought back, they come back with it (`Plans`, registered with the core in library/tracked.py).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from wiki import tracking
from wiki.toggles import toggle

from .models import Pick, QueueItem, Reference, UpNextVote

QUEUE_LIMIT = 500  # a list nobody could read; also keeps a reorder's renumbering small


class QueueFull(Exception):
    pass


# A member's queue


def queue_of(member):
    return (
        QueueItem.objects.filter(member=member)
        .select_related("reference")
        .defer("reference__summary", "reference__summary_html")
        .order_by("position", "id")
    )


@transaction.atomic
def add_to_queue(member, reference):
    """Put a reference at the end of the member's queue; returns False when it was already there."""
    items = list(_locked_queue(member))
    if any(item.reference_id == reference.pk for item in items):
        return False
    if len(items) >= QUEUE_LIMIT:
        raise QueueFull(f"Your reading queue holds {QUEUE_LIMIT} items already: read or remove some first.")
    try:
        with transaction.atomic():  # a double click racing this one on PostgreSQL
            QueueItem.objects.create(
                member=member, reference=reference, position=(items[-1].position + 1 if items else 0)
            )
    except IntegrityError:
        return False
    return True


@transaction.atomic
def move_in_queue(member, item_id, step):
    """Move one of the member's items `step` places (-1: up, 1: down); False if it cannot go further."""
    items = list(_locked_queue(member))
    index = next((n for n, item in enumerate(items) if item.pk == item_id), None)
    target = None if index is None else index + step
    if target is None or not 0 <= target < len(items):
        return False
    items.insert(target, items.pop(index))
    _renumber(items)
    return True


def queued_among(member, reference_ids):
    """Which of these references the member has queued."""
    return QueueItem.objects.filter(member=member, reference__in=reference_ids).values_list(
        "reference_id", flat=True
    )


def remove_from_queue(member, reference_ids):
    """Take references off the member's queue (read, or changed their mind); returns how many."""
    deleted, _ = QueueItem.objects.filter(member=member, reference__in=reference_ids).delete()
    return deleted


def _locked_queue(member):
    """The member's items in order, locked: two reorders at once cannot interleave."""
    return QueueItem.objects.select_for_update().filter(member=member).order_by("position", "id")


def _renumber(items):
    changed = []
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            changed.append(item)
    QueueItem.objects.bulk_update(changed, ["position"])


# The team's "up next"


def toggle_vote(member, reference):
    """Vote for reading a reference together, or take the vote back; True when the vote now stands."""
    return toggle(UpNextVote, member=member, reference=reference)


def with_plans(references, member):
    """Annotate each reference with its votes, the next or last session it was picked for and,
    for a member, whether they voted for it and queued it: in the reference's own query."""
    votes = UpNextVote.objects.filter(reference=OuterRef("pk")).order_by().values("reference")
    latest_pick = Pick.objects.filter(reference=OuterRef("pk")).order_by("-session").values("session")[:1]
    references = references.annotate(
        n_votes=Coalesce(Subquery(votes.annotate(n=Count("pk")).values("n")), 0),
        picked_for=Subquery(latest_pick),
    )
    if not member.is_authenticated:
        return references.annotate(voted=Value(False), queued=Value(False))
    return references.annotate(
        voted=Exists(UpNextVote.objects.filter(reference=OuterRef("pk"), member=member)),
        queued=Exists(QueueItem.objects.filter(reference=OuterRef("pk"), member=member)),
    )


def up_next(member, limit=100):
    """The references members voted for and no session has picked yet: most votes first, then
    the one whose first vote is oldest (it has waited longest)."""
    first_vote = UpNextVote.objects.filter(reference=OuterRef("pk")).order_by("created").values("created")[:1]
    candidates = (
        Reference.objects.filter(
            Exists(UpNextVote.objects.filter(reference=OuterRef("pk"))),
            ~Exists(Pick.objects.filter(reference=OuterRef("pk"))),
        )
        .defer("summary", "summary_html")
        .annotate(first_vote=Subquery(first_vote))
    )
    candidates = with_plans(candidates, member).order_by("-n_votes", "first_vote", "pk")
    return candidates[:limit]


def voters_of(references):
    """{reference id: [usernames]} of who voted for each, in the order they voted (one query)."""
    voters = {}
    rows = (
        UpNextVote.objects.filter(reference__in=[r.pk for r in references])
        .order_by("created", "id")
        .values_list("reference_id", "member__username")
    )
    for reference_id, username in rows:
        voters.setdefault(reference_id, []).append(username)
    return voters


def picks():
    """(upcoming, past) sessions' picks: the next session first, then the latest past one first."""
    today = timezone.localdate()
    rows = Pick.objects.select_related("reference", "picked_by").defer(
        "reference__summary", "reference__summary_html"
    )
    rows = rows.annotate(
        n_votes=Coalesce(
            Subquery(
                UpNextVote.objects.filter(reference=OuterRef("reference"))
                .order_by()
                .values("reference")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
    )
    everything = list(rows.order_by("session"))
    upcoming = [pick for pick in everything if pick.session >= today]
    past = [pick for pick in reversed(everything) if pick.session < today]
    return upcoming, past


# A reference's plans follow it through merges, deletions and restores


class Plans(tracking.Extension):
    def deletion_data(self, reference):
        return {
            "queued_by": list(reference.queue_items.values_list("member_id", "position")),
            "voted_by": list(reference.up_next_votes.values_list("member_id", flat=True)),
            "picked": [[pick.session.isoformat(), pick.picked_by_id] for pick in reference.picks.all()],
        }

    def after_restore(self, reference, data, created):
        if not created:
            return
        named = [row[0] for row in data.get("queued_by", [])] + data.get("voted_by", [])
        named += [row[1] for row in data.get("picked", []) if row[1] is not None]
        alive = set(get_user_model().objects.filter(pk__in=named).values_list("pk", flat=True))
        QueueItem.objects.bulk_create(
            [
                QueueItem(member_id=member_id, reference=reference, position=position)
                for member_id, position in data.get("queued_by", [])
                if member_id in alive
            ],
            ignore_conflicts=True,
        )
        UpNextVote.objects.bulk_create(
            [
                UpNextVote(member_id=member_id, reference=reference)
                for member_id in data.get("voted_by", [])
                if member_id in alive
            ],
            ignore_conflicts=True,
        )
        taken = set(Pick.objects.values_list("session", flat=True))
        for session, picked_by in data.get("picked", []):
            day = datetime.date.fromisoformat(session)
            if day not in taken:  # another reference took that session meanwhile: it keeps it
                Pick.objects.create(
                    reference=reference,
                    session=day,
                    picked_by_id=picked_by if picked_by in alive else None,
                )

    def merge(self, duplicate, survivor):
        # The survivor keeps its own place in a queue and its own votes; the duplicate's join them.
        queued = set(survivor.queue_items.values_list("member_id", flat=True))
        duplicate.queue_items.exclude(member__in=queued).update(reference=survivor)
        voted = set(survivor.up_next_votes.values_list("member_id", flat=True))
        duplicate.up_next_votes.exclude(member__in=voted).update(reference=survivor)
        duplicate.picks.update(reference=survivor)
