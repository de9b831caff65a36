"""The edit pages of tracked objects: who may, saving through the core, and the conflict page."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from . import changes, history
from .tracking import tracked_for


def editable(request, queryset, **lookup):
    """The object the lookup names, if this member may edit it: 404 if none (or not theirs to
    see, such as a hidden comment), 403 if not theirs to change."""
    obj = _readable(request, queryset, lookup)
    if not tracked_for(obj).can_edit(request.user, obj):
        raise PermissionDenied("Only the member who wrote it, or a curator, can change this.")
    return obj


def deletable(request, queryset, **lookup):
    obj = _readable(request, queryset, lookup)
    if not tracked_for(obj).can_delete(request.user, obj):
        raise PermissionDenied("Only the member who wrote it, or a curator, can delete this.")
    return obj


def _readable(request, queryset, lookup):
    obj = get_object_or_404(queryset, **lookup)
    if not tracked_for(obj).can_read(request.user, obj):
        raise Http404("No such thing.")
    return obj


def edit_page(request, form, template, context, *, done, save=None, formsets=()):
    """Show `form`; on a valid POST save it through the core and answer with `done(obj)`.

    `save(form)` writes (default: form.save()) and returns the object. A form opened on a
    version someone has since saved is refused: the page again (409), with both versions.
    """
    context = {**context, "form": form}
    if form.is_bound and form.is_valid() and all(formset.is_valid() for formset in formsets):
        try:
            with changes.change(form.instance, request.user, version=form.cleaned_data.get("version")):
                obj = save(form) if save else form.save()
        except changes.EditConflict as conflict:
            return conflict_page(request, template, context, form, conflict)
        return done(obj)
    return render(request, template, context)


def conflict_page(request, template, context, form, conflict):
    """The form again (409), with the user's text in it and the version saved meanwhile beside it.

    The form now carries the saved version, so saving it again, merged or not, is a
    deliberate choice made having seen the other change.
    """
    current = conflict.current
    tracked = tracked_for(current)
    last = history.revisions_of(tracked.model, current.pk).last()
    who = last.user.get_username() if last and last.user else "Someone"
    form.data = form.data.copy()
    form.data["version"] = history.version_of(current)
    form.add_error(
        None,
        f"{who} saved this after you opened it, so your changes were not saved. Their version "
        "is shown beside yours below: merge what you need into the form and save again.",
    )
    conflict_info = {
        "who": who,
        "when": current.updated,
        "rows": history.conflict_rows(tracked, form, current),
    }
    return render(request, template, {**context, "form": form, "conflict": conflict_info}, status=409)
