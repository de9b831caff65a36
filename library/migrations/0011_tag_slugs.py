"""Tags whose names have no letters or digits (“🔥”, “!!!”) had an empty slug from taggit, and
every page linking them failed; the next ones got “_1”, “_2”. Each gets `tag-<code points>`."""

import hashlib
import re

from django.db import migrations
from django.utils.text import slugify

SLUG_LIMIT = 100


def _fallback(name):
    # A copy of library.tags.fallback_slug as it was when this migration was written.
    slug = "tag-" + "-".join(f"{ord(char):x}" for char in name)
    if len(slug) > SLUG_LIMIT - 8 or slug == "tag-":
        slug = "tag-" + hashlib.sha256(name.encode()).hexdigest()[:16]
    return slug


def give_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    taken = set(Tag.objects.values_list("slug", flat=True))
    for tag in Tag.objects.order_by("pk"):
        if slugify(tag.name, allow_unicode=True) or (tag.slug and not re.fullmatch(r"_\d+", tag.slug)):
            continue
        slug, n = _fallback(tag.name), 1
        while slug in taken:
            slug, n = f"{_fallback(tag.name)}_{n}", n + 1
        taken.discard(tag.slug)
        taken.add(slug)
        tag.slug = slug
        tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0010_revision_and_search_move_to_wiki"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(give_slugs, migrations.RunPython.noop)]
