"""Nothing written is lost: every change to a tracked object leaves a Revision.

An explicit revision table, as wikis such as django-wiki keep, rather than a library:
django-simple-history copies whole rows (rendered HTML included) into a shadow table per
model and skips bulk writes unless told, and django-reversion stores every field of every
object in one table without knowing which are text to diff. Here each kind names the
fields a person edits; a revision stores just those as JSON (tags and cited references
included), so comparing two is a field-by-field diff and restoring one is a save.

Each view saves through `saving()`, which also refuses an edit made from a stale form: the
row is locked, its `updated` stamp compared with the one the form was opened with, and
only then changed. Bulk writes (imports, merges) call `record_many()` and `record()`.
"""

import difflib
import re
from contextlib import contextmanager
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from .models import LogEntry, Reference, Revision

Action = Revision.Action

# Kinds by their address slug (/history/<kind>/<id>/) and by model.
KINDS = {}
_BY_MODEL = {}


def register(kind):
    KINDS[kind.slug] = kind
    _BY_MODEL[kind.model] = kind
    return kind


def kind_of(obj_or_model):
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _BY_MODEL[model._meta.concrete_model]


class Tracked:
    """How one model is kept: the fields a revision holds and how to put them back."""

    slug = ""
    model = None
    fields = ()  # edited by people; shown in diffs (word by word) in this order
    kept_fields = ("created",)  # not shown, but put back when a deleted object is restored
    has_tags = True

    # What is in a revision

    def snapshot(self, obj):
        data = {name: _plain(obj, name) for name in (*self.fields, *self.kept_fields)}
        if self.has_tags:
            data["tags"] = sorted(tag.name for tag in obj.tags.all())
        return data

    def deletion_snapshot(self, obj):
        """A deleted object's last state, with whatever its deletion takes along."""
        return self.snapshot(obj)

    def labels(self):
        labels = {name: capfirst(self.model._meta.get_field(name).verbose_name) for name in self.fields}
        if self.has_tags:
            labels["tags"] = "Tags"
        return labels

    # Putting a revision back

    def apply(self, obj, data):
        """Set obj's fields from a revision; returns what is missing for it to be saved."""
        missing = []
        for name in (*self.fields, *self.kept_fields):
            if name not in data:
                continue
            field = self.model._meta.get_field(name)
            value = data[name]
            if not field.is_relation:
                setattr(obj, name, field.to_python(value))
                continue
            related_id = value[0] if value else None
            if related_id is not None and not field.related_model.objects.filter(pk=related_id).exists():
                if not field.null:
                    missing.append(f"its {field.verbose_name} “{value[1]}” (#{related_id}) is gone")
                related_id = None
            setattr(obj, field.attname, related_id)
        return missing

    def after_restore(self, obj, data, created):
        """Put back what lives in other rows (tags; for a deleted object, what went with it)."""
        if self.has_tags:
            obj.tags.set(data.get("tags", []))
        if created and "created" in data:
            # auto_now_add stamped the new row with now; it was made back then.
            type(obj).objects.filter(pk=obj.pk).update(created=data["created"])

    # Who may do what

    def can_read(self, user, obj):
        return obj is not None or user.is_staff

    def can_restore(self, user, obj):
        if not user.is_authenticated:
            return False
        return user.is_staff if obj is None else self.can_edit(user, obj)

    def can_edit(self, user, obj):
        return True

    def title_of(self, obj):
        return str(obj)[:500]

    @property
    def noun(self):
        return self.model._meta.verbose_name


def _plain(obj, name):
    """A field's value as JSON: dates as ISO text, relations as [id, what it was called]."""
    field = obj._meta.get_field(name)
    if field.is_relation:
        related_id = getattr(obj, field.attname)
        return [related_id, str(getattr(obj, name))] if related_id is not None else None
    value = getattr(obj, name)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


class ReferenceHistory(Tracked):
    slug = "reference"
    model = Reference
    fields = (
        "kind",
        "title",
        "url",
        "authors",
        "affiliation",
        "published",
        "venue",
        "summary",
        "needs_title",
    )
    kept_fields = ("created", "added_by")

    def deletion_snapshot(self, obj):
        data = super().deletion_snapshot(obj)
        # The ideas that cited it lose the link when it goes; a restore links them again.
        data["cited_by"] = [[link.idea_id, link.note, link.position] for link in obj.idea_links.all()]
        return data

    def after_restore(self, obj, data, created):
        super().after_restore(obj, data, created)
        if created and data.get("cited_by"):
            from ideas.models import Idea, IdeaReference

            alive = set(
                Idea.objects.filter(pk__in=[row[0] for row in data["cited_by"]]).values_list("pk", flat=True)
            )
            IdeaReference.objects.bulk_create(
                [
                    IdeaReference(idea_id=idea_id, reference=obj, note=note, position=position)
                    for idea_id, note, position in data["cited_by"]
                    if idea_id in alive
                ],
                ignore_conflicts=True,
            )


class LogEntryHistory(Tracked):
    slug = "log"
    model = LogEntry
    fields = ("reference", "read_on", "logged_title", "logged_url", "notes")
    kept_fields = ("created", "reader")

    def can_edit(self, user, obj):
        return user.is_staff or obj.reader_id == user.pk


register(ReferenceHistory())
register(LogEntryHistory())


# Recording


def content_type_of(model):
    return ContentType.objects.get_for_model(model, for_concrete_model=True)


def _user(user):
    return user if user is not None and user.is_authenticated else None


def _revision(obj, *, user, action, note="", data=None, **extra):
    """An unsaved revision of obj as it is now (or with the `data` given)."""
    kind = kind_of(obj)
    return Revision(
        content_type=content_type_of(kind.model),
        object_id=obj.pk,
        action=action,
        user=_user(user),
        title=kind.title_of(obj),
        note=note[:300],
        data=kind.snapshot(obj) if data is None else data,
        **extra,
    )


def record(obj, *, user, action, note="", data=None):
    """Keep obj's state (just saved, or about to be deleted) as its newest revision."""
    revision = _revision(obj, user=user, action=action, note=note, data=data)
    revision.save()
    return revision


def record_deletion(obj, *, user, note=""):
    return record(obj, user=user, action=Action.DELETED, note=note, data=kind_of(obj).deletion_snapshot(obj))


def record_many(model, pks, *, user, action, note="", chunk=500):
    """One revision each for objects written in bulk (bulk_create sends no signals)."""
    pks = list(pks)
    for start in range(0, len(pks), chunk):
        objects = model.objects.filter(pk__in=pks[start : start + chunk])
        if kind_of(model).has_tags:
            objects = objects.prefetch_related("tags")
        Revision.objects.bulk_create(_revision(obj, user=user, action=action, note=note) for obj in objects)


def ensure_baseline(obj):
    """Before the first recorded change to an object made before history was kept (or by a
    bulk write that kept none), keep how it was, so that change can be undone too."""
    kind = kind_of(obj)
    if not Revision.objects.filter(content_type=content_type_of(kind.model), object_id=obj.pk).exists():
        baseline(obj).save()


def baseline(obj):
    """An object's present state as the revision history starts from (not saved)."""
    return _revision(obj, user=None, action=Action.BASELINE, created=obj.updated)


def revisions_of(model, object_id):
    return Revision.objects.filter(content_type=content_type_of(model), object_id=object_id).select_related(
        "user"
    )


# Saving an edit without losing anyone else's


def version_of(obj):
    """What a form remembers of the object it was opened on: when it was last saved."""
    return obj.updated.isoformat() if obj.pk and obj.updated else ""


class EditConflict(Exception):
    """Someone saved the object after the form was opened; `current` is their version."""

    def __init__(self, current):
        super().__init__(f"{current!r} changed since the form was opened")
        self.current = current


@contextmanager
def saving(form, user, *, note=""):
    """Save a model form's object as a new revision, unless someone saved it in the meantime.

    Use as `with saving(form, request.user): form.save()`; raises EditConflict (and changes
    nothing) when the form's `version` is not the object's. The row lock (a write
    transaction on SQLite) makes "check, then save" one step for concurrent requests.
    """
    instance = form.instance
    existed = instance.pk is not None
    with transaction.atomic():
        if existed:
            current = type(instance).objects.select_for_update().get(pk=instance.pk)
            if form.cleaned_data.get("version") != version_of(current):
                raise EditConflict(current)
            ensure_baseline(current)
        yield
        record(form.instance, user=user, action=Action.EDITED if existed else Action.CREATED, note=note)


@transaction.atomic
def delete(obj, *, user, note=""):
    """Delete obj, keeping its last state so a curator can bring it back."""
    record_deletion(obj, user=user, note=note)
    obj.delete()


# Restoring


class RestoreRefused(Exception):
    pass


@transaction.atomic
def restore(revision, *, user):
    """Make the object as it was in `revision` (re-creating it if deleted): a new revision."""
    kind = kind_of(revision.content_type.model_class())
    obj = kind.model.objects.select_for_update().filter(pk=revision.object_id).first()
    created = obj is None
    if created:
        obj = kind.model(pk=revision.object_id)
    else:
        ensure_baseline(obj)
    if missing := kind.apply(obj, revision.data):
        raise RestoreRefused(f"It cannot come back: {'; '.join(missing)}. Restore that first.")
    if hasattr(obj, "prepare"):
        obj.prepare()  # derives the stored fields the checks below look at
    try:
        obj.validate_unique()
        obj.validate_constraints()
    except ValidationError as error:  # names what clashes, e.g. a link another reference now has
        raise RestoreRefused(" ".join(error.messages)) from error
    obj.save()
    kind.after_restore(obj, revision.data, created)
    number = revisions_of(kind.model, revision.object_id).filter(id__lte=revision.pk).count()
    record(obj, user=user, action=Action.RESTORED, note=f"Restored revision {number}")
    return obj


# Comparing


def word_diff(old, new):
    """HTML of `new` against `old`, word by word: removed words in <del>, added in <ins>."""
    a, b = _words(old), _words(new)
    chunks = []  # [same, removed, added]: runs of change, with the spaces between them folded in
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        after_a_change = bool(chunks) and chunks[-1][0] is None
        if op == "equal" and not (before.isspace() and after_a_change):
            chunks.append([before, "", ""])
        elif after_a_change:  # more change, or only spaces between two changes: one reads better
            chunks[-1][1] += before
            chunks[-1][2] += after
        else:
            chunks.append([None, before, after])
    parts = []
    for same, removed, added in chunks:
        if same is not None:
            parts.append(escape(same))
            continue
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))  # every piece is escaped above


def _words(text):
    return re.findall(r"\s+|\w+|[^\w\s]", text)


def shown(value):
    """A revision's value as a person reads it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and value and isinstance(value[0], int) and len(value) == 2:
        return f"{value[1]} (#{value[0]})"  # a relation: [id, name]
    if isinstance(value, list):
        return ", ".join(_shown_item(item) for item in value)
    return str(value)


def _shown_item(item):
    if isinstance(item, list):  # a cited reference: [id, title, note]
        return f"#{item[0]} {item[1]}" + (f" ({item[2]})" if len(item) > 2 and item[2] else "")
    return str(item)


def compare(kind, old, new):
    """Field by field: [(label, diff html, changed)] from revision data `old` to `new`."""
    rows = []
    for name, label in kind.labels().items():
        before, after = shown((old or {}).get(name)), shown((new or {}).get(name))
        rows.append((label, word_diff(before, after), before != after))
    return rows


def conflict_rows(kind, form, current):
    """[(label, theirs, yours, diff from theirs to yours)] for each field the two disagree on."""
    labels = kind.labels()
    theirs = kind.snapshot(current)
    yours = {name: _plain(form.instance, name) for name in kind.fields if name in form.fields}
    if kind.has_tags and "tags" in form.fields:
        yours["tags"] = sorted(str(tag) for tag in form.cleaned_data.get("tags", []))
    rows = []
    for name, mine in yours.items():
        their_text, my_text = shown(theirs.get(name)), shown(mine)
        if their_text != my_text:
            rows.append((labels.get(name, name), their_text, my_text, word_diff(their_text, my_text)))
    return rows
