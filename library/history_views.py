"""History pages: the revisions of an object, a diff of any two, restore, and the deleted."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from idlproject.access import public_read, staff_required

from . import history
from .models import Revision

REVISIONS_PER_PAGE = 50


def _tracked(kind_slug, object_id, user, *, with_data=True):
    """(kind, the object or None if deleted, its revisions oldest first, numbered from 1).

    404 for what the user may not read. An object from before history was kept has one
    revision: how it is now. Without `with_data` the revisions' JSON is left unread.
    """
    kind = history.KINDS.get(kind_slug)
    if kind is None:
        raise Http404("No such kind of thing.")
    obj = kind.model.objects.filter(pk=object_id).first()
    if not kind.can_read(user, obj):
        raise Http404("No such history.")
    revisions = history.revisions_of(kind.model, object_id)
    revisions = list(revisions if with_data else revisions.defer("data"))
    if not revisions:
        if obj is None:
            raise Http404("No such history.")
        revisions = [history.baseline(obj)]
    for number, revision in enumerate(revisions, start=1):
        revision.number = number
    return kind, obj, revisions


@public_read
def history_list(request, kind, object_id):
    kind, obj, revisions = _tracked(kind, object_id, request.user, with_data=False)
    page = Paginator(revisions[::-1], REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    can_restore = kind.can_restore(request.user, obj)
    for revision in page:
        revision.restorable = _restorable(revision, len(revisions), obj, can_restore)
    return render(
        request,
        "history/history_list.html",
        {
            "kind": kind,
            "object": obj,
            "object_id": object_id,
            "title": kind.title_of(obj) if obj else revisions[-1].title,
            "page": page,
            "latest": len(revisions),
        },
    )


def _restorable(revision, latest, obj, can_restore):
    """Any revision but the one a live object is in now (a deletion keeps the state it was deleted in)."""
    return can_restore and revision.pk is not None and (obj is None or revision.number != latest)


@public_read
def history_compare(request, kind, object_id):
    """Two revisions field by field (?from=2&to=5, by number); `to` alone compares with the one before."""
    kind, obj, ordered = _tracked(kind, object_id, request.user)
    latest = len(ordered)
    to_number = max(1, _number(request.GET.get("to"), latest, default=latest))
    from_number = _number(request.GET.get("from"), latest, default=to_number - 1)
    if from_number > to_number:
        from_number, to_number = to_number, from_number
    old = ordered[from_number - 1] if from_number >= 1 else None
    new = ordered[to_number - 1]
    rows = history.compare(kind, old.data if old else {}, new.data)
    new.restorable = _restorable(new, latest, obj, kind.can_restore(request.user, obj))
    return render(
        request,
        "history/history_compare.html",
        {
            "kind": kind,
            "object": obj,
            "object_id": object_id,
            "title": kind.title_of(obj) if obj else new.title,
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
    kind = history.kind_of(revision.content_type.model_class())
    obj = kind.model.objects.filter(pk=revision.object_id).first()
    if not kind.can_read(request.user, obj):
        raise Http404("No such revision.")
    if not kind.can_restore(request.user, obj):
        raise PermissionDenied(
            "Only curators bring back what was deleted." if obj is None else "Not yours to restore."
        )
    history_url = reverse("library:history", args=[kind.slug, revision.object_id])
    try:
        restored = history.restore(revision, user=request.user)
    except history.RestoreRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(history_url)
    messages.success(request, f"Restored “{kind.title_of(restored)}” as it was in that revision.")
    return redirect(restored)


@staff_required
@require_safe
def deleted_list(request):
    """What was deleted and is still gone, newest first, for curators to bring back."""
    gone = []
    for kind in history.KINDS.values():
        deletions = Revision.objects.filter(
            content_type=history.content_type_of(kind.model), action=Revision.Action.DELETED
        ).exclude(object_id__in=kind.model.objects.values("pk"))
        latest = {}
        for revision in deletions.select_related("user").defer("data").order_by("id"):
            latest[revision.object_id] = revision  # a thing deleted, restored and deleted again: the last
        gone += [(kind, revision) for revision in latest.values()]
    gone.sort(key=lambda pair: pair[1].pk, reverse=True)
    page = Paginator(gone, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "history/deleted_list.html", {"page": page})


def edit_conflict(request, template, context, form, conflict):
    """The form again (409), with the user's text in it and the version saved meanwhile beside it.

    The form now carries the saved version, so saving it again, merged or not, is a
    deliberate choice made having seen the other change.
    """
    current = conflict.current
    kind = history.kind_of(current)
    last = history.revisions_of(kind.model, current.pk).last()
    who = last.user.get_username() if last and last.user else "Someone"
    form.data = form.data.copy()
    form.data["version"] = history.version_of(current)
    form.add_error(
        None,
        f"{who} saved this after you opened it, so your changes were not saved. Their version "
        "is shown beside yours below: merge what you need into the form and save again.",
    )
    conflict_info = {"who": who, "when": current.updated, "rows": history.conflict_rows(kind, form, current)}
    return render(request, template, {**context, "form": form, "conflict": conflict_info}, status=409)
