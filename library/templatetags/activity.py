from django import template

from library.activity import activity_calendar

register = template.Library()


@register.inclusion_tag("library/_heatmap.html")
def reading_heatmap(reader=None):
    return {"calendar": activity_calendar(reader)}
