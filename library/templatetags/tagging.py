import functools

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def tags_of(obj):
    """An object's tags: the list prefetched into `tag_list` when there is one (cheap), else a query.

    taggit's manager builds a new queryset for every object even when its tags were prefetched,
    which made the tags most of a long list's rendering time.
    """
    tags = getattr(obj, "tag_list", None)
    return tags if tags is not None else obj.tags.all()


@register.filter
def tag_links(obj):
    """_tags.html for one object, written in Python: lists show it on every row."""
    tags = tags_of(obj)
    if not tags:
        return ""
    items = "".join(
        f'<li><a class="tag" href="{_tag_url(tag.slug)}">{escape(tag.name)}</a></li>'
        if tag.slug
        else f'<li><span class="tag">{escape(tag.name)}</span></li>'
        for tag in tags
    )
    return mark_safe(f'<ul class="tags" aria-label="Tags">{items}</ul>')  # every piece escaped


@functools.lru_cache(maxsize=4096)
def _tag_url(slug):
    return escape(reverse("tag", args=[slug]))
