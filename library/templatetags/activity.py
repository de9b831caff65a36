from django import template

from library.activity import activity_calendar

register = template.Library()


@register.inclusion_tag("library/_heatmap.html", takes_context=True)
def reading_heatmap(context, reader=None):
    """The last year's readings, or the year the page's ?year= names (one with readings)."""
    request = context.get("request")
    year = request.GET.get("year", "") if request else ""
    calendar = activity_calendar(reader, year=int(year) if year.isdigit() and len(year) == 4 else None)
    return {"calendar": calendar, "request": request}
