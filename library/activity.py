"""Reading activity as a calendar heatmap: log entries per day over the last year, or any past year."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Subquery
from django.utils import timezone
from django.utils.safestring import mark_safe

from .models import ReadingDay, TeamReadingDay

WEEKS = 53
CELL = 12  # px, including the gap
LEVELS = 4
CACHE_SECONDS = 600


def cache_key(reader_id, today):
    return f"activity:{reader_id or 'all'}:{today:%Y-%m-%d}"


def year_cache_key(reader_id, year):
    return f"activity:{reader_id or 'all'}:year:{year}"


def _days(reader):
    """Readings per day, as the database keeps them (library/counts.py): a year is at most 366 rows."""
    if reader is None:
        return TeamReadingDay.objects.order_by()
    return ReadingDay.objects.filter(reader=reader).order_by()


def _daily_counts(reader, start, end):
    return dict(_days(reader).filter(day__gte=start, day__lte=end).values_list("day", "readings"))


def _last_year(reader, start, today):
    """The last year's counts and, for the links to past years, the years since the first reading.

    The first reading's day comes with the counts (a scalar subquery the database runs once, on
    the primary key); only a reader with nothing in the last year costs a second query.
    """
    first = _days(reader).order_by("day").values("day")[:1]
    rows = (
        _days(reader)
        .filter(day__gte=start, day__lte=today)
        .annotate(first=Subquery(first))
        .values_list("day", "readings", "first")
    )
    counts = {day: n for day, n, _ in rows}
    first_day = next(iter(rows))[2] if counts else first.values_list("day", flat=True).first()
    if isinstance(first_day, str):  # SQLite hands a subquery's date back as text
        first_day = date.fromisoformat(first_day)
    years = list(range(today.year, first_day.year - 1, -1)) if first_day else []
    return {"counts": counts, "years": years}


def heatmap_cache_keys(reader_ids, years=()):
    """The cached counts a reading by these readers on days of these years shows in: theirs and
    the team's, the last year's (as of today) and those years'."""
    today = timezone.localdate()
    readers = [None, *reader_ids]
    return [cache_key(reader_id, today) for reader_id in readers] + [
        year_cache_key(reader_id, year) for reader_id in readers for year in years
    ]


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


def activity_calendar(reader=None, today=None, year=None):
    """Weeks × weekdays cells for an SVG heatmap, with the month labels and the total.

    The last year up to today, or with `year` that calendar year; `years` lists every year with
    a reading, for links to them.
    """
    today = today or timezone.localdate()
    reader_id = reader.pk if reader else None
    # The last year's counts come with the list of years: one cached value on every dashboard.
    recent = cache.get_or_set(
        cache_key(reader_id, today),
        lambda: _last_year(reader, _first_sunday(today, WEEKS), today),
        CACHE_SECONDS,
    )
    if year is None or year not in recent["years"]:
        year, end, counts = None, today, recent["counts"]
        start = _first_sunday(today, WEEKS)
    else:
        end = date(year, 12, 31)
        start = _first_sunday(end, (end - date(year, 1, 1)).days // 7 + 1)
        counts = cache.get_or_set(
            year_cache_key(reader_id, year),
            lambda: _daily_counts(reader, date(year, 1, 1), end),
            CACHE_SECONDS,
        )
    busiest = max(counts.values(), default=0)
    days, months = [], []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        week, weekday = divmod(offset, 7)
        count = counts.get(day, 0)
        level = 0 if not count else max(1, round(LEVELS * count / busiest))
        days.append(Day(day, count, level, week * CELL, weekday * CELL))
        if day.day == 1:
            months.append({"x": week * CELL, "label": day.strftime("%b")})
    return {
        "days": days,
        # Joined here rather than in a template loop: 371 cells on every dashboard view.
        "cells": mark_safe("".join(day.svg for day in days)),
        "months": months,
        "total": sum(counts.values()),
        "year": year,
        "years": recent["years"],
        "width": ((end - start).days // 7 + 1) * CELL + 30,
        "height": 7 * CELL + 18,
    }


def _first_sunday(end, weeks):
    """The Sunday `weeks`-1 weeks before the week of `end`: columns are whole weeks, `end` in the last."""
    return end - timedelta(days=(end.weekday() + 1) % 7 + 7 * (weeks - 1))
