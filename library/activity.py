"""Reading activity as a calendar heatmap: log entries per day over the last year."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from .models import LogEntry

WEEKS = 53
CELL = 12  # px, including the gap
LEVELS = 4


@dataclass
class Day:
    date: object
    count: int
    level: int
    x: int
    y: int


def activity_calendar(reader=None, today=None):
    """Weeks × weekdays cells for an SVG heatmap, with the month labels and the total."""
    today = today or timezone.localdate()
    # Start on the Sunday WEEKS-1 weeks back, so columns are whole weeks and today is in the last.
    start = today - timedelta(days=(today.weekday() + 1) % 7 + 7 * (WEEKS - 1))
    entries = LogEntry.objects.filter(read_on__gte=start, read_on__lte=today)
    if reader is not None:
        entries = entries.filter(reader=reader)
    counts = dict(entries.order_by().values_list("read_on").annotate(n=Count("id")))
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
        "months": months,
        "total": sum(counts.values()),
        "width": WEEKS * CELL + 30,
        "height": 7 * CELL + 18,
    }
