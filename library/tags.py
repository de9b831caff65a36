"""How often each tag is used: counted by the database as tags are added and removed
(library/counts.py), so reading every tag's count is a few hundred rows, kept until the next
write like the page bodies that show it.

The dashboard's tag cloud, the tag suggestions and the tag filter's choice of plan read it.
"""

import hashlib
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import pre_save
from django.utils.text import slugify
from taggit.managers import _TaggableManager
from taggit.models import Tag, TaggedItem
from taggit.utils import _parse_tags

from wiki.pagecache import remembered
from wiki.text import clean_text, is_blank

FIND_TAG_SECONDS = 300


class TagCount(NamedTuple):
    pk: int
    name: str
    slug: str
    uses: int


def tag_counts():
    """Every used tag with its number of uses (`tag.uses`), most used first. Kept as plain
    tuples: unpickling 500 Tag instances was most of the first dashboard after a write."""
    return [TagCount(*row) for row in remembered("tag-counts", "", _count_tags)]


def uses_up_to(tag, limit):
    """The tag's number of uses, or `limit` if it has that many: the database's own count of
    the tag (library/counts.py), one row by its key."""
    return min(_uses(tag.pk), limit)


def tag_with_uses(slug):
    """The tag with this slug and its exact number of uses (`tag.uses`), or None."""
    from .models import TagUses

    uses = TagUses.objects.filter(tag=OuterRef("pk")).values("uses")
    return Tag.objects.filter(slug=slug).annotate(uses=Coalesce(Subquery(uses), 0)).first()


def _uses(tag_id):
    from .models import TagUses

    return TagUses.objects.filter(tag_id=tag_id).values_list("uses", flat=True).first() or 0


def _count_tags():
    # Kept by the database's triggers (library/counts.py): a few hundred rows, not a GROUP BY
    # over every one of taggit's rows.
    from .models import TagUses

    rows = TagUses.objects.filter(uses__gt=0).values_list("tag_id", "tag__name", "tag__slug", "uses")
    return sorted(rows, key=lambda row: (-row[3], row[1]))


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


def connect():
    pre_save.connect(_before_tag_save, sender=Tag, dispatch_uid="library-tag-slug")


# --- One tag per name, whatever its case or punctuation: “Scaling Laws” is “scaling-laws”.


def tag_key(name):
    """What two names of one tag share: the slug the name makes (case and punctuation aside)."""
    return slugify(name, allow_unicode=True) or fallback_slug(name)


def same_tags(tags):
    """Tags and names, each name replaced by the existing tag it names (one query), if any."""
    keys = {tag: tag_key(tag) for tag in tags if isinstance(tag, str)}
    existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=set(keys.values()))}
    return [existing.get(keys[tag], tag) if isinstance(tag, str) else tag for tag in tags]


class SameTagManager(_TaggableManager):
    """Every way tags are set (forms, the admin, imports, restores, code) goes through here."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        return super()._to_tag_model_instances(same_tags(tags), tag_kwargs)


def find_tag(text):
    """The tag a filter value names: its slug, its name in any case, or a name that slugs to it.

    Remembered until the next write (under the data version, wiki/pagecache.py): a list filtered
    by a tag looks it up for its rows and again for its count.
    """
    text = (text or "").strip()
    if not text:
        return None
    return remembered(
        "find-tag",
        text,
        lambda: (
            Tag.objects.filter(slug=text).first()
            or Tag.objects.filter(name__iexact=text).order_by("pk").first()
            or Tag.objects.filter(slug=tag_key(text)).first()
        ),
        FIND_TAG_SECONDS,
    )


def merge_tags(survivor, others, user):
    """Fold `others` into `survivor`: what carried them carries the survivor; they are deleted.

    Each object whose tags change gets a revision (through the core), so history shows the merge.
    """
    from wiki import changes, tracking

    others = [tag for tag in others if tag.pk != survivor.pk]
    items = TaggedItem.objects.filter(tag__in=others)
    by_model = {}
    for content_type_id, object_id in items.values_list("content_type", "object_id"):
        by_model.setdefault(content_type_id, set()).add(object_id)
    note = "Tags merged into “{}”: {}".format(survivor.name, ", ".join(tag.name for tag in others))[:300]
    with transaction.atomic():
        for content_type_id, object_ids in by_model.items():
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            tracked = tracking.tracked_for(model)
            with changes.bulk_change(tracked.model, user, changes.Action.EDITED, note=note, pks=object_ids):
                has = set(
                    TaggedItem.objects.filter(
                        tag=survivor, content_type=content_type_id, object_id__in=object_ids
                    ).values_list("object_id", flat=True)
                )
                moving = items.filter(content_type=content_type_id)
                moving.filter(object_id__in=has).delete()
                moving.update(tag=survivor)
        for tag in others:
            tag.delete()
    return sum(len(ids) for ids in by_model.values())


def with_tag_lists(*lists):
    """Each object's tags in its `tag_list` (as the TAG_LIST prefetch leaves them), for lists of
    objects of any tagged models in one query: the dashboard's readings, references and ideas
    took one prefetch each."""
    wanted = {}
    for objects in lists:
        for obj in objects:
            obj.tag_list = []
            wanted.setdefault(ContentType.objects.get_for_model(type(obj)).pk, {})[obj.pk] = obj
    if wanted:
        which = Q()
        for content_type_id, objects in wanted.items():
            which |= Q(content_type_id=content_type_id, object_id__in=list(objects))
        for item in TaggedItem.objects.filter(which).select_related("tag").order_by("tag__name", "tag_id"):
            wanted[item.content_type_id][item.object_id].tag_list.append(item.tag)
    return lists
