"""History pages: the revisions of an object, a diff of any two, restore, and the deleted."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from . import changes, history, tracking
from .access import public_read, staff_required
from .models import Revision

REVISIONS_PER_PAGE = 50


def _tracked(slug, object_id, user, *, with_data=True):
    """(tracked model, the object or None if deleted, its revisions oldest first, numbered from 1).

    404 for what the user may not read. An object from before history was kept has one
    revision: how it is now. Without `with_data` the revisions' JSON is left unread.
    """
    tracked = tracking.by_slug(slug)
    if tracked is None:
        raise Http404("No such history.")
    obj = tracked.model.objects.filter(pk=object_id).first()
    if not tracked.can_read(user, obj):
        raise Http404("No such history.")
    revisions = history.revisions_of(tracked.model, object_id)
    revisions = list(revisions if with_data else revisions.defer("data"))
    if not revisions:
        if obj is None:
            raise Http404("No such history.")
        revisions = [history.baseline(obj)]
    for number, revision in enumerate(revisions, start=1):
        revision.number = number
    return tracked, obj, revisions


@public_read
def history_list(request, slug, object_id):
    tracked, obj, revisions = _tracked(slug, object_id, request.user, with_data=False)
    page = Paginator(revisions[::-1], REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    can_restore = tracked.can_restore(request.user, obj)
    for revision in page:
        revision.restorable = _restorable(revision, len(revisions), obj, can_restore)
    return render(
        request,
        "history/history_list.html",
        {
            "tracked": tracked,
            "object": obj,
            "object_id": object_id,
            "title": tracked.title_of(obj) if obj else revisions[-1].title,
            "page": page,
            "latest": len(revisions),
        },
    )


def _restorable(revision, latest, obj, can_restore):
    """Any revision but the one a live object is in now (a deletion keeps the state it was deleted in)."""
    return can_restore and revision.pk is not None and (obj is None or revision.number != latest)


@public_read
def history_compare(request, slug, object_id):
    """Two revisions field by field (?from=2&to=5, by number); `to` alone compares with the one before."""
    tracked, obj, ordered = _tracked(slug, object_id, request.user)
    latest = len(ordered)
    to_number = max(1, _number(request.GET.get("to"), latest, default=latest))
    from_number = _number(request.GET.get("from"), latest, default=to_number - 1)
    if from_number > to_number:
        from_number, to_number = to_number, from_number
    old = ordered[from_number - 1] if from_number >= 1 else None
    new = ordered[to_number - 1]
    rows = history.compare(tracked, old.data if old else {}, new.data)
    new.restorable = _restorable(new, latest, obj, tracked.can_restore(request.user, obj))
    return render(
        request,
        "history/history_compare.html",
        {
            "tracked": tracked,
            "object": obj,
            "object_id": object_id,
            "title": tracked.title_of(obj) if obj else new.title,
            "old": old,
            "new": new,
            "from_number": from_number,
            "to_number": to_number,
            "latest": latest,
            "changed": [row for row in rows if row[2]],
            "unchanged": [row for row in rows if not row[2]],
        },
    )


def _number(value, latest, default):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = default
    return max(0, min(number, latest)) if latest else 0


@require_POST
def history_restore(request, pk):
    revision = get_object_or_404(Revision.objects.select_related("content_type"), pk=pk)
    tracked = tracking.tracked_for(revision.content_type.model_class())
    obj = tracked.model.objects.filter(pk=revision.object_id).first()
    if not tracked.can_read(request.user, obj):
        raise Http404("No such revision.")
    if not tracked.can_restore(request.user, obj):
        raise PermissionDenied(
            "Only curators bring back what was deleted." if obj is None else "Not yours to restore."
        )
    history_url = reverse("wiki:history", args=[tracked.slug, revision.object_id])
    try:
        restored = changes.restore(revision, user=request.user)
    except changes.RestoreRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(history_url)
    messages.success(request, f"Restored “{tracked.title_of(restored)}” as it was in that revision.")
    return redirect(restored)


@staff_required
@require_safe
def deleted_list(request):
    """What was deleted and is still gone, newest first, for curators to bring back."""
    gone = []
    for tracked in tracking.all_tracked():
        deletions = Revision.objects.filter(
            content_type=history.content_type_of(tracked.model), action=Revision.Action.DELETED
        ).exclude(object_id__in=tracked.model.objects.values("pk"))
        latest = {}
        for revision in deletions.select_related("user").defer("data").order_by("id"):
            latest[revision.object_id] = revision  # a thing deleted, restored and deleted again: the last
        gone += [(tracked, revision) for revision in latest.values()]
    gone.sort(key=lambda pair: pair[1].pk, reverse=True)
    page = Paginator(gone, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "history/deleted_list.html", {"page": page})
