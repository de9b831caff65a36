"""One tag per name, case and punctuation aside: “Scaling Laws” and “scaling-laws”, or “NLP / LLMs”
(slug nlp-llms_1) beside “nlp-llms”, become one tag, the most used of them.

What carried any of them carries the one kept; the others are deleted. From now on a name that
slugs like an existing tag is that tag (library.tags.SameTagManager).
"""

import hashlib
from collections import defaultdict

from django.db import migrations
from django.db.models import Count
from django.utils.text import slugify


def _key(name):
    # library.tags.tag_key as it was when this migration was written.
    slug = slugify(name, allow_unicode=True)
    if slug:
        return slug
    slug = "tag-" + "-".join(f"{ord(char):x}" for char in name)
    return slug if len(slug) <= 92 else "tag-" + hashlib.sha256(name.encode()).hexdigest()[:16]


def merge_duplicates(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    groups = defaultdict(list)
    for tag in Tag.objects.annotate(uses=Count("taggit_taggeditem_items")).order_by("pk"):
        groups[_key(tag.name)].append(tag)
    for key, tags in groups.items():
        if len(tags) < 2:
            continue
        keep = max(tags, key=lambda tag: (tag.uses, -tag.pk))
        for tag in tags:
            if tag.pk == keep.pk:
                continue
            for item in TaggedItem.objects.filter(tag=tag):
                twin = TaggedItem.objects.filter(
                    tag=keep, content_type=item.content_type_id, object_id=item.object_id
                )
                if twin.exists():
                    item.delete()
                else:
                    item.tag = keep
                    item.save(update_fields=["tag"])
            tag.delete()
        if keep.slug != key and not Tag.objects.filter(slug=key).exists():
            keep.slug = key
            keep.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("library", "0011_tag_slugs")]

    operations = [migrations.RunPython(merge_duplicates, migrations.RunPython.noop)]
