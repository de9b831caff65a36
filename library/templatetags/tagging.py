from django import template

register = template.Library()


@register.filter
def tags_of(obj):
    """An object's tags: the list prefetched into `tag_list` when there is one (cheap), else a query.

    taggit's manager builds a new queryset for every object even when its tags were prefetched,
    which made the tags most of a long list's rendering time.
    """
    tags = getattr(obj, "tag_list", None)
    return tags if tags is not None else obj.tags.all()
