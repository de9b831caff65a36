"""The core's one permission rule, for templates: show the links the views will honour."""

from django import template

from wiki.tracking import tracked_for

register = template.Library()


@register.filter
def may_edit(obj, user):
    return tracked_for(obj).can_edit(user, obj)


@register.filter
def may_delete(obj, user):
    return tracked_for(obj).can_delete(user, obj)
