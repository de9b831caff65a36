"""What the core keeps for each tracked model, as the apps register it.

An app describes each model people write with a `Tracked` subclass: the fields a revision
holds, who may edit it, how it appears in search, which other search documents show its data
and which caches depend on it. `register()` makes the core keep all of that in step on every
change made through `wiki.changes`. Another app can `extend()` a model it does not own with
what a deletion, restore or merge of it means for its own rows (the ideas app: citations).

The words: a tracked model's `slug` ("reference", "log", "idea", "comment") names it in
history addresses and is the `doc_type` of its search documents.
"""

from datetime import date, datetime

from django.utils.text import capfirst

_BY_SLUG = {}
_BY_MODEL = {}


class Extension:
    """What another app's rows need when an object of a tracked model goes, comes back or merges."""

    def deletion_data(self, obj):
        """Extra {key: json} kept with a deletion's revision."""
        return {}

    def after_restore(self, obj, data, created):
        """Put back what deletion_data kept (called after obj is saved again)."""

    def merge(self, duplicate, survivor):
        """`duplicate` is about to be merged into `survivor`: move what points at it."""

    def dependents(self, ids):
        """{slug: ids} of this app's tracked objects whose search documents show these objects' data."""
        return {}


class Tracked:
    """How the core keeps one model: its revisions, its search document, who may change it."""

    slug = ""
    model = None
    fields = ()  # edited by people; shown in diffs (word by word) in this order
    kept_fields = ("created",)  # not shown, but put back when a deleted object is restored
    has_tags = True
    label = ""  # the search filter's name for this type ("References"); empty: not searched
    owner_field = None  # the member who wrote it and may always edit it ("reader", "author")

    def __init__(self):
        self.extensions = []

    # What is in a revision

    def snapshot(self, obj, tag_names=None):
        """`tag_names`: obj's tags fetched beforehand (bulk writes fetch a whole chunk's in one query)."""
        data = {name: plain(obj, name) for name in (*self.fields, *self.kept_fields)}
        if self.has_tags:
            data["tags"] = sorted(
                tag_names if tag_names is not None else (tag.name for tag in obj.tags.all())
            )
        return data

    def deletion_snapshot(self, obj):
        """A deleted object's last state, with whatever its deletion takes along."""
        data = self.snapshot(obj)
        for extension in self.extensions:
            data.update(extension.deletion_data(obj))
        return data

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
            obj.created = self.model._meta.get_field("created").to_python(data["created"])
            type(obj).objects.filter(pk=obj.pk).update(created=obj.created)
        for extension in self.extensions:
            extension.after_restore(obj, data, created)

    # Stale forms

    def version(self, obj):
        """What a form remembers of the object it was opened on: when it was last saved.

        Any saved change must change it, or a form opened before the change would save over it.
        """
        return obj.updated.isoformat() if obj.pk and obj.updated else ""

    # Who may do what: one rule for editing, restoring a revision and deleting.

    def can_read(self, user, obj):
        return obj is not None or user.is_staff

    def can_edit(self, user, obj):
        """Members edit the shared things; what one member wrote, that member and curators."""
        if not user.is_authenticated or not user.is_active:
            return False
        if self.owner_field is None or user.is_staff:
            return True
        return getattr(obj, f"{self.owner_field}_id") == user.pk

    def can_restore(self, user, obj):
        """Restoring an old revision is an edit; bringing back what was deleted is a curator's."""
        if obj is None:
            return user.is_authenticated and user.is_staff
        return self.can_edit(user, obj)

    def can_delete(self, user, obj):
        """Curators delete anything; a member deletes only what they wrote."""
        if not user.is_authenticated or not user.is_active:
            return False
        return user.is_staff or (self.owner_field is not None and self.can_edit(user, obj))

    # Search

    def search_queryset(self):
        """The objects to index, with what `document` reads."""
        return self.model.objects.all()

    def document(self, obj):
        """{title, body, heading, url, stamp} for obj's search document, or None to leave it out."""
        return None

    def dependents(self, obj):
        """{slug: ids} of other tracked objects whose search documents show obj's data."""
        return {}

    # Caches

    def cache_keys(self, obj):
        """Cache keys that hold data of obj: dropped whenever it changes."""
        return ()

    # Naming

    def title_of(self, obj):
        return str(obj)[:500]

    @property
    def noun(self):
        return self.model._meta.verbose_name


def plain(obj, name):
    """A field's value as JSON: dates as ISO text, relations as [id, what it was called]."""
    field = obj._meta.get_field(name)
    if field.is_relation:
        related_id = getattr(obj, field.attname)
        return [related_id, str(getattr(obj, name))] if related_id is not None else None
    value = getattr(obj, name)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def register(tracked):
    """Keep `tracked.model`'s history, search document and caches in step (returns `tracked`)."""
    from . import upkeep  # imports search, which reads this registry

    _BY_SLUG[tracked.slug] = tracked
    _BY_MODEL[tracked.model] = tracked
    upkeep.connect(tracked)
    return tracked


def extend(model, extension):
    tracked_for(model).extensions.append(extension)


def tracked_for(obj_or_model):
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _BY_MODEL[model._meta.concrete_model]


def by_slug(slug):
    return _BY_SLUG.get(slug)


def all_tracked():
    return list(_BY_SLUG.values())


def searched():
    """The tracked models that have search documents, in registration order."""
    return [tracked for tracked in _BY_SLUG.values() if tracked.label]
