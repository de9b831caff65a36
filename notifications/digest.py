"""The daily and weekly digests: what the team did, and what each member's watches brought.

`send_digests(period)` is what `manage.py send_digest` runs from cron. Each member's digest
covers the time since their last one of that period (a member's first covers one period), and a
digest is only sent when the last is at least nearly a period old, so running the command twice
sends nothing the second time. The digest page shows the same, unsent, in the browser.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from library.models import LogEntry, Reference

from .models import DigestMark, Kind, Notification, OutgoingMail, Period
from .outbox import absolute, preferences_for, preferences_of, send_pending, unsubscribe_url

LENGTH = {Period.DAY: datetime.timedelta(days=1), Period.WEEK: datetime.timedelta(days=7)}
# A digest run a little early (cron drift, a run by hand) is still sent; twice in a row is not.
MIN_GAP = {Period.DAY: datetime.timedelta(hours=20), Period.WEEK: datetime.timedelta(days=6)}
SHOWN = 30


@dataclass
class Digest:
    period: str
    since: datetime.datetime
    until: datetime.datetime
    readings: list = field(default_factory=list)
    new_references: list = field(default_factory=list)
    new_ideas: list = field(default_factory=list)
    notifications: list = field(default_factory=list)
    more: dict = field(default_factory=dict)  # section -> how many were left out

    @property
    def is_empty(self):
        return not (self.readings or self.new_references or self.new_ideas or self.notifications)

    @property
    def adjective(self):
        return Period(self.period).label.lower()

    @property
    def title(self):
        return f"{Period(self.period).label} digest, {self.since:%b %-d} – {self.until:%b %-d, %Y}"


def _first(queryset, digest, name):
    rows = list(queryset[: SHOWN + 1])
    if len(rows) > SHOWN:
        digest.more[name] = queryset.count() - SHOWN
    return rows[:SHOWN]


def build(user, period, since, until, prefs=None):
    prefs = prefs or preferences_for(user)
    digest = Digest(period, since, until)
    window = {"created__gt": since, "created__lte": until}
    if prefs.team == period:
        digest.readings = _first(
            LogEntry.objects.filter(**window)
            .select_related("reader", "reference")
            .order_by("-read_on", "-created"),
            digest,
            "readings",
        )
        digest.new_references = _first(
            Reference.objects.filter(**window).select_related("added_by").order_by("-created"),
            digest,
            "new_references",
        )
        digest.new_ideas = _first(
            Idea.objects.filter(**window).select_related("proposer").order_by("-created"), digest, "new_ideas"
        )
    kinds = [kind for kind in Kind.values if prefs.delivery(kind) == period]
    if kinds:
        digest.notifications = _first(
            Notification.objects.filter(recipient=user, kind__in=kinds, **window).select_related("actor"),
            digest,
            "notifications",
        )
    return digest


def window_for(user, period, now):
    mark = DigestMark.objects.filter(user=user, period=period).first()
    return (mark.sent_until if mark else now - LENGTH[period]), now


def wants(prefs, period):
    return prefs.team == period or any(prefs.delivery(kind) == period for kind in Kind.values)


def send_digests(period, now=None, send=True):
    """Queue (and send) each member's digest of `period`; returns how many were queued."""
    now = now or timezone.now()
    members = list(get_user_model().objects.filter(is_active=True).exclude(email="").order_by("pk"))
    prefs = preferences_of(members)
    queued = 0
    for member in members:
        if not wants(prefs[member.pk], period):
            continue
        with transaction.atomic():
            mark, created = DigestMark.objects.select_for_update().get_or_create(
                user=member, period=period, defaults={"sent_until": now - LENGTH[period]}
            )
            if not created and now - mark.sent_until < MIN_GAP[period]:
                continue
            digest = build(member, period, mark.sent_until, now, prefs[member.pk])
            mark.sent_until = now
            mark.save(update_fields=["sent_until"])
            if digest.is_empty:
                continue
            queue_digest(member, digest)
            queued += 1
    if send and queued:
        send_pending()
    return queued


def queue_digest(member, digest):
    context = {
        "digest": digest,
        "recipient": member,
        "site_url": absolute("/"),
        "prefix": absolute(""),
        "settings_url": absolute(reverse("notifications:settings")),
        "unsubscribe_url": unsubscribe_url(member, digest.period),
    }
    OutgoingMail.objects.get_or_create(
        key=f"digest:{digest.period}:{member.pk}:{digest.until.isoformat()}",
        defaults={
            "recipient": member,
            "subject": f"[IDL Wiki] {digest.title}",
            "text": render_to_string("notifications/mail/digest.txt", context),
            "html": render_to_string("notifications/mail/digest.html", context),
            "unsubscribe_url": context["unsubscribe_url"],
        },
    )
