"""How often each tag is used: the dearest count on a big wiki, so it is cached for a while.

The dashboard's tag cloud, the tag suggestions and the tag filter's choice of plan read it; a
new tag shows up within a few minutes.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem
from taggit.utils import _parse_tags

from wiki.text import clean_text, is_blank
from wiki.upkeep import drop_caches

TAG_COUNTS_SECONDS = 300
TAG_COUNTS_KEY = "tag-counts"


def tag_counts():
    """Every used tag with its number of uses (`tag.uses`), most used first."""
    return cache.get_or_set(TAG_COUNTS_KEY, _count_tags, TAG_COUNTS_SECONDS)


def tag_uses(slug):
    return next((tag.uses for tag in tag_counts() if tag.slug == slug), 0)


def _count_tags():
    uses = dict(
        TaggedItem.objects.values("tag_id").annotate(n=Count("id")).order_by().values_list("tag_id", "n")
    )
    tags = list(Tag.objects.filter(pk__in=uses))
    for tag in tags:
        tag.uses = uses[tag.pk]
    return sorted(tags, key=lambda tag: (-tag.uses, tag.name))


# --- Names and slugs: whatever makes a tag (a form, the admin, an import, code), its page works.

TAG_NAME_LIMIT = Tag._meta.get_field("name").max_length
SLUG_LIMIT = Tag._meta.get_field("slug").max_length


def fallback_slug(name):
    """A slug for a name with no letters or digits (“🔥”, “!!!”): its code points, `tag-1f525`."""
    slug = "tag-" + "-".join(f"{ord(char):x}" for char in name)
    if len(slug) > SLUG_LIMIT - 8 or slug == "tag-":  # room for taggit's "_1" on a clash
        slug = "tag-" + hashlib.sha256(name.encode()).hexdigest()[:16]
    return slug


def parse_tags(text):
    """The tags a form's field names (taggit's parsing), cleaned; too long a name is a field error.

    Bidi controls and invisible characters are removed; a name with nothing visible left is dropped.
    Settings point TAGGIT_TAGS_FROM_STRING here, so every tag field, the admin's too, uses it.
    """
    names = []
    for name in _parse_tags(text):
        name = clean_tag_name(name)
        if name and name not in names:
            names.append(name)
    too_long = [name for name in names if len(name) > TAG_NAME_LIMIT]
    if too_long:
        raise ValidationError(
            "A tag can have at most %(limit)d characters; “%(name)s…” has %(length)d.",
            params={"limit": TAG_NAME_LIMIT, "name": too_long[0][:30], "length": len(too_long[0])},
            code="tag_too_long",
        )
    return sorted(names)


def clean_tag_name(name):
    name = clean_text(name).strip()
    if is_blank(name):
        return ""
    # Invisible characters at either end would make a twin of an existing tag.
    while name and is_blank(name[0]):
        name = name[1:]
    while name and is_blank(name[-1]):
        name = name[:-1]
    return name


def _before_tag_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if len(instance.name) > TAG_NAME_LIMIT:
        raise ValidationError(
            f"A tag can have at most {TAG_NAME_LIMIT} characters; “{instance.name[:30]}…” has {len(instance.name)}.",
            code="tag_too_long",
        )
    if not instance.slug:
        instance.slug = slugify(instance.name, allow_unicode=True) or fallback_slug(instance.name)


def _tags_changed(sender, **kwargs):
    # A renamed or deleted tag must not linger in the cached counts (the dashboard links each one).
    drop_caches([TAG_COUNTS_KEY])


def connect():
    pre_save.connect(_before_tag_save, sender=Tag, dispatch_uid="library-tag-slug")
    post_save.connect(_tags_changed, sender=Tag, dispatch_uid="library-tag-saved")
    post_delete.connect(_tags_changed, sender=Tag, dispatch_uid="library-tag-deleted")
