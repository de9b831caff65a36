"""Search documents and caches follow every save and delete of a tracked model.

Connected by `tracking.register` for each model: whichever way an object is saved or deleted
(a form, the admin, a cascade, a shell), its search document and the documents that show its
data are written again and the caches that hold it are dropped. Bulk writes send no signals;
`changes.bulk_change` calls the same functions for them.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from . import pagecache, search
from .tracking import tracked_for


def reindex(tracked, ids, saved=None):
    """`saved`: {pk: object} just written by bulk_create, indexed as they are (see Batch.add_saved)."""
    if not tracked.label or not ids:
        return
    search.index_objects(tracked.slug, ids, saved)
    for source in (tracked, *tracked.extensions):
        for slug, dependent_ids in source.dependents(ids).items():
            search.index_objects(slug, dependent_ids)


def drop_caches(keys):
    """Now, so this transaction reads fresh; and after commit, in case another request cached
    the old state in between."""
    keys = [*keys, pagecache.VERSION_KEY]  # every cached page body too (wiki/pagecache.py)
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the rows are as they were, documents included
        return
    tracked = tracked_for(sender)
    reindex(tracked, [instance.pk])
    drop_caches(tracked.cache_keys([instance]))


def _deleted(sender, instance, **kwargs):
    tracked = tracked_for(sender)
    if tracked.label:
        search.remove_objects(tracked.slug, [instance.pk])
    drop_caches(tracked.cache_keys([instance]))


def connect(tracked):
    uid = f"wiki-upkeep-{tracked.slug}"
    post_save.connect(_saved, sender=tracked.model, weak=False, dispatch_uid=uid)
    post_delete.connect(_deleted, sender=tracked.model, weak=False, dispatch_uid=uid)
