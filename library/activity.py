"""Reading activity as a calendar heatmap: log entries per day over the last year."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.safestring import mark_safe

from .models import LogEntry

WEEKS = 53
CELL = 12  # px, including the gap
LEVELS = 4
CACHE_SECONDS = 600


def cache_key(reader_id, today):
    return f"activity:{reader_id or 'all'}:{today:%Y-%m-%d}"


def _daily_counts(reader, start, today):
    entries = LogEntry.objects.filter(read_on__gte=start, read_on__lte=today)
    if reader is not None:
        entries = entries.filter(reader=reader)
    return dict(entries.order_by().values_list("read_on").annotate(n=Count("id")))


def heatmap_cache_keys(reader_ids):
    """The cached counts a reading by these readers shows in: theirs and the team's (today's)."""
    today = timezone.localdate()
    return [cache_key(None, today), *(cache_key(reader_id, today) for reader_id in reader_ids)]


@dataclass
class Day:
    date: object
    count: int
    level: int
    x: int
    y: int

    @property
    def svg(self):
        return (
            f'<rect class="level-{self.level}" x="{self.x}" y="{self.y}" width="10" height="10" rx="2">'
            f"<title>{self.count} on {self.date:%a %b} {self.date.day}, {self.date.year}</title></rect>"
        )


def activity_calendar(reader=None, today=None):
    """Weeks × weekdays cells for an SVG heatmap, with the month labels and the total."""
    today = today or timezone.localdate()
    # Start on the Sunday WEEKS-1 weeks back, so columns are whole weeks and today is in the last.
    start = today - timedelta(days=(today.weekday() + 1) % 7 + 7 * (WEEKS - 1))
    counts = cache.get_or_set(
        cache_key(reader.pk if reader else None, today),
        lambda: _daily_counts(reader, start, today),
        CACHE_SECONDS,
    )
    busiest = max(counts.values(), default=0)
    days, months = [], []
    for offset in range((today - start).days + 1):
        date = start + timedelta(days=offset)
        week, weekday = divmod(offset, 7)
        count = counts.get(date, 0)
        level = 0 if not count else max(1, round(LEVELS * count / busiest))
        days.append(Day(date, count, level, week * CELL, weekday * CELL))
        if date.day == 1:
            months.append({"x": week * CELL, "label": date.strftime("%b")})
    return {
        "days": days,
        # Joined here rather than in a template loop: 371 cells on every dashboard view.
        "cells": mark_safe("".join(day.svg for day in days)),
        "months": months,
        "total": sum(counts.values()),
        "width": WEEKS * CELL + 30,
        "height": 7 * CELL + 18,
    }
