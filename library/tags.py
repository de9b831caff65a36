"""How often each tag is used: the dearest count on a big wiki, so it is cached for a while.

The dashboard's tag cloud, the tag suggestions and the tag filter's choice of plan read it; a
new tag shows up within a few minutes.
"""

from django.core.cache import cache
from django.db.models import Count
from taggit.models import Tag, TaggedItem

TAG_COUNTS_SECONDS = 300


def tag_counts():
    """Every used tag with its number of uses (`tag.uses`), most used first."""
    return cache.get_or_set("tag-counts", _count_tags, TAG_COUNTS_SECONDS)


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
