"""The admin's side of the core: edits and deletions leave revisions, stale saves are refused."""

from django import forms
from django.db import transaction

from . import changes
from .forms import VersionedModelForm
from .rendering import render_ahead


class VersionedAdminForm(VersionedModelForm):
    """The admin's change form refuses a save over a version saved after it was opened.

    The admin validates inside its own transaction (ModelAdmin.changeform_view), so the row
    locked here stays locked through the save: the same check, under the same lock, as the
    site's forms take (wiki.changes.lock).
    """

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                changes.lock(self.instance, cleaned.get("version", ""))
            except type(self.instance).DoesNotExist:
                pass  # deleted meanwhile: the admin says so itself
            except changes.EditConflict:
                raise forms.ValidationError(
                    "Someone saved this after you opened it, so your changes were not saved. Open it "
                    "again in another tab to see their version (its history shows what changed), "
                    "merge, and save.",
                    code="stale",
                ) from None
        return cleaned


class TrackedAdmin:
    """Mixed into a ModelAdmin of a tracked model: its writes go through wiki.changes."""

    form = VersionedAdminForm

    def changeform_view(self, request, *args, **kwargs):
        # The admin validates and saves in one transaction (a write lock on SQLite): render the
        # posted markdown before it opens, so the form and the save find it already rendered.
        if request.method == "POST":
            render_ahead(self.model, request.POST)
        return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        form.saved_before = changes.begin(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # tags and inlines are in the revision
        action = changes.Action.EDITED if change else changes.Action.CREATED
        changes.settle(form.instance, request.user, action, note="In the admin", before=form.saved_before)

    def delete_model(self, request, obj):
        changes.delete(obj, user=request.user, note="In the admin")

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            changes.delete(obj, user=request.user, note="In the admin")
