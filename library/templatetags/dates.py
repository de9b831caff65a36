"""`{% when moment %}`: a relative time people read at a glance, the exact one on hover."""

from datetime import timedelta

from django import template
from django.utils import timezone
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
    local = timezone.localtime(moment)
    if age < timedelta(minutes=1):
        shown = "just now"
    elif age < RELATIVE_FOR:
        shown = f"{timesince(moment, now, depth=1)} ago"
    else:
        shown = f"{local:%b} {local.day}, {local.year}"
    # strftime, not date_format: this runs for every comment on a long discussion.
    exact = f"{local:%A, %B} {local.day}, {local:%Y, %H:%M %Z}"
    return format_html(
        '<time{} datetime="{}" title="{}">{}</time>',
        format_html(' class="{}"', css_class) if css_class else "",
        moment.isoformat(),
        exact,
        shown,
    )
