"""The one way tracked things change: a revision, the search index and the caches, in one step.

    with change(obj, user):             # creates or edits obj; raises EditConflict if stale
        obj.save()

    with bulk_change(Reference, user, Action.IMPORTED, note=...) as batch:
        batch.add(pk for pk in created_pks)

    delete(obj, user=user)
    restore(revision, user=user)

Inside the block the caller writes as it likes; when the block ends the core records the
revision. Every save and delete also re-indexes the object (and the documents that show its
data, as its app registered) and drops the caches that hold it (wiki/upkeep.py); bulk writes,
which send no signals, get the same from `bulk_change`. A stale form is refused with the row locked
(a write transaction on SQLite), so "check, then save" is one step for concurrent requests.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from taggit.models import TaggedItem

from . import bulk, history, signals, upkeep
from .models import Revision
from .rendering import render_ahead
from .tracking import tracked_for

Action = Revision.Action


class EditConflict(Exception):
    """Someone saved the object after the form was opened; `current` is their version."""

    def __init__(self, current):
        super().__init__(f"{current!r} changed since the form was opened")
        self.current = current


class RestoreRefused(Exception):
    pass


# One object


def lock(obj, version=None):
    """obj's saved row, locked until the transaction ends; EditConflict if `version` is stale.

    `version` is what a form was opened on (history.version_of); None skips the check.
    """
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    if version is not None and version != history.version_of(current):
        raise EditConflict(current)
    return current


def begin(obj, version=None):
    """Before changing a saved object: lock it, check the version, keep a baseline if it has none.

    Returns the saved state (None for a new object). Call inside a transaction; `settle` ends it.
    """
    if obj.pk is None:
        return None
    current = lock(obj, version)
    _ensure_baseline(current)
    return current


def settle(obj, user, action, *, note="", before=None):
    """After obj was saved: its revision, its search documents and its caches, all in step."""
    history.revision_of(obj, user=user, action=action, note=note).save()
    signals.changed.send(type(obj), obj=obj, before=before, user=user, action=action)
    if before is not None:  # e.g. a reading moved to another reader: their heatmap too
        upkeep.drop_caches(tracked_for(obj).cache_keys([before]))


class Change:
    def __init__(self, obj, note):
        self.obj = obj
        self.note = note  # may be set inside the block, once the change is known
        self.skipped = False

    def skip(self):
        """Nothing changed after all (an import that found everything there): no revision."""
        self.skipped = True


@contextmanager
def change(obj, user, action=None, *, note="", version=None, latest=False):
    """Create or edit obj inside the block (see the module's docstring); yields a Change.

    The action defaults to "created" for a new object and "edited" for a saved one. With
    `latest`, obj is first reloaded from its locked row, for a change that does not come from
    a form (a toggle): it then acts on, and its revision records, what is saved now rather than
    what was read before the lock.
    """
    existed = obj.pk is not None
    with transaction.atomic():
        before = begin(obj, version)
        if latest and existed:
            obj.refresh_from_db()
        handle = Change(obj, note)
        yield handle
        if not handle.skipped:
            action = action or (Action.EDITED if existed else Action.CREATED)
            settle(obj, user, action, note=handle.note, before=before)


@transaction.atomic
def delete(obj, *, user, note="", merged_into=None):
    """Delete obj, keeping its last state (and what goes with it) so a curator can bring it back.

    `merged_into`: the object that now stands for it, which its old address leads to.
    """
    tracked = tracked_for(obj)
    data = tracked.deletion_snapshot(obj)
    if merged_into is not None:
        data[history.MERGED_INTO] = merged_into.pk
    history.revision_of(obj, user=user, action=Action.DELETED, note=note, data=data).save()
    obj.delete()  # its document and what a cascade takes go with it (wiki/upkeep.py)


def fold(duplicate, survivor):
    """What other apps keep of `duplicate` moves to `survivor` (called by a merge, before deleting)."""
    for extension in tracked_for(duplicate).extensions:
        extension.merge(duplicate, survivor)


# Many objects at once (imports, the admin's bulk actions)


class Batch:
    def __init__(self, pks=()):
        self.pks = list(pks)
        self.saved = {}  # pk: the object as bulk_create saved it, so it need not be read back
        self.untagged = set()  # pks of saved objects known to have no tags: none are looked up

    def add(self, pks):
        self.pks += list(pks)

    def add_saved(self, objects, *, untagged=False):
        """Name objects just written by bulk_create, with what their revisions and documents
        read (related objects such as a reading's reference and reader) already set on them.
        `untagged`: nothing tagged them (bulk_create writes no tags), so their revisions hold
        no tags without asking the database."""
        for obj in objects:
            self.saved[obj.pk] = obj
            self.pks.append(obj.pk)
            if untagged:
                self.untagged.add(obj.pk)


@contextmanager
def bulk_change(model, user, action, *, note="", pks=()):
    """Write many objects of `model` in the block: `pks` are saved ones about to change, and
    `batch.add()` names those created (bulk_create sends no signals and saves no revisions)."""
    tracked = tracked_for(model)
    batch = Batch(pks)
    with transaction.atomic():
        before = []
        for objects, tags in _chunks(model, batch.pks):
            _ensure_baselines(tracked, objects, tags)
            before += objects
        yield batch
        keys = set(tracked.cache_keys(before))
        for objects, tags in _chunks(model, batch.pks, batch.saved, batch.untagged):
            bulk.insert(
                history.revision_of(
                    obj, user=user, action=action, note=note, data=tracked.snapshot(obj, tags.get(obj.pk))
                )
                for obj in objects
            )
            keys.update(tracked.cache_keys(objects))
        upkeep.reindex(tracked, batch.pks, batch.saved)
        upkeep.drop_caches(keys)


def _chunks(model, pks, saved=None, untagged=(), size=500):
    """(objects, {pk: tag names}) for `pks`, `size` at a time, in two queries a chunk.

    A revision names each object and what it points to (a reading's reader and reference):
    fetched with it, not one query per object; objects a bulk_create just saved are not read
    back, and those it saved `untagged` (Batch.add_saved) have no tags to look up. Tags come
    from taggit's rows in one query, not prefetch_related, which builds a filter per object (a
    third of a 10,000-entry import).
    """
    tracked = tracked_for(model)
    related = [f.name for f in model._meta.concrete_fields if f.many_to_one]
    saved = saved or {}
    for start in range(0, len(pks), size):
        chunk = pks[start : start + size]
        missing = [pk for pk in chunk if pk not in saved]
        fetched = {}
        if missing:
            fetched = {obj.pk: obj for obj in model.objects.filter(pk__in=missing).select_related(*related)}
        objects = [obj for obj in (saved.get(pk) or fetched.get(pk) for pk in chunk) if obj is not None]
        tags = {}
        if tracked.has_tags and (asked := [obj.pk for obj in objects if obj.pk not in untagged]):
            rows = TaggedItem.objects.filter(
                content_type=history.content_type_of(model), object_id__in=asked
            ).values_list("object_id", "tag__name")
            for object_id, name in rows:
                tags.setdefault(object_id, []).append(name)
        if tracked.has_tags:
            tags = {pk: tags.get(pk, []) for pk in (obj.pk for obj in objects)}
        yield objects, tags


# Restoring


def restore(revision, *, user):
    """Make the object as it was in `revision` (re-creating it if deleted): a new revision."""
    render_ahead(revision.content_type.model_class(), revision.data)
    return _restore(revision, user=user)


@transaction.atomic
def _restore(revision, *, user):
    tracked = tracked_for(revision.content_type.model_class())
    obj = tracked.model.objects.select_for_update().filter(pk=revision.object_id).first()
    created = obj is None
    before = None
    if created:
        obj = tracked.model(pk=revision.object_id)
    else:
        before = begin(obj)
    if missing := tracked.apply(obj, revision.data):
        raise RestoreRefused(f"It cannot come back: {'; '.join(missing)}. Restore that first.")
    if hasattr(obj, "prepare"):
        obj.prepare()  # derives the stored fields the checks below look at
    try:
        obj.validate_unique()
        obj.validate_constraints()
    except ValidationError as error:  # names what clashes, e.g. a link another reference now has
        raise RestoreRefused(" ".join(error.messages)) from error
    obj.save()
    tracked.after_restore(obj, revision.data, created)
    number = history.revisions_of(tracked.model, revision.object_id).filter(id__lte=revision.pk).count()
    settle(obj, user, Action.RESTORED, note=f"Restored revision {number}", before=before)
    return obj


# Keeping things in step


def _ensure_baselines(tracked, objects, tags):
    """_ensure_baseline for many objects of one model: one query finds those with a history."""
    if not objects:
        return
    kept = set(
        Revision.objects.filter(
            content_type=history.content_type_of(tracked.model), object_id__in=[obj.pk for obj in objects]
        ).values_list("object_id", flat=True)
    )
    bulk.insert(
        history.revision_of(
            obj,
            user=None,
            action=Action.BASELINE,
            created=obj.updated,
            data=tracked.snapshot(obj, tags.get(obj.pk)),
        )
        for obj in objects
        if obj.pk not in kept
    )


def _ensure_baseline(obj):
    """Before the first recorded change to an object made before history was kept (or by a
    bulk write that kept none), keep how it was, so that change can be undone too."""
    if not history.revisions_of(type(obj), obj.pk).exists():
        history.baseline(obj).save()
