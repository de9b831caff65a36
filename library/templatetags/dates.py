"""`{% when moment %}`: a relative time people read at a glance, the exact one on hover."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import timesince

register = template.Library()
RELATIVE_FOR = timedelta(days=30)


@register.simple_tag
def when(moment, css_class=""):
    if moment is None:
        return ""
    now = timezone.now()
    age = now - moment
    if age < timedelta(minutes=1):
        shown = "just now"
    elif age < RELATIVE_FOR:
        shown = f"{timesince(moment, now, depth=1)} ago"
    else:
        shown = date_format(timezone.localtime(moment), "M j, Y")
    exact = date_format(timezone.localtime(moment), "l, F j, Y, H:i T")
    return format_html(
        '<time{} datetime="{}" title="{}">{}</time>',
        format_html(' class="{}"', css_class) if css_class else "",
        moment.isoformat(),
        exact,
        shown,
    )
