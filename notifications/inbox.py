"""Telling members: watches, notifications and the unread count in the header."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from wiki.toggles import toggle

from . import outbox
from .models import Notification, Watch

UNREAD_SECONDS = 600


def unread_key(user_id):
    return f"notifications:unread:{user_id}"


def unread_count(user):
    """The header's count: cached, so a page costs at most one query for it."""
    if not user.is_authenticated:
        return 0
    count = cache.get(unread_key(user.pk))
    if count is None:
        count = Notification.objects.filter(recipient=user).unread().count()
        cache.set(unread_key(user.pk), count, UNREAD_SECONDS)
    return count


def drop_unread(user_ids):
    """Now, and again after commit, in case a request counted the old rows in between."""
    keys = [unread_key(pk) for pk in set(user_ids)]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def subject_field(subject):
    """ "idea" or "reference": the field of a Watch (or a Notification) that points at it."""
    return subject._meta.model_name


def watch(users, subject):
    users = [user for user in users if user is not None]
    Watch.objects.bulk_create(
        [Watch(user=user, **{subject_field(subject): subject}) for user in users], ignore_conflicts=True
    )


def is_watching(user, subject):
    return (
        user.is_authenticated
        and Watch.objects.filter(user=user, **{subject_field(subject): subject}).exists()
    )


def toggle_watch(user, subject):
    """Watch, or stop watching; returns True when the member now watches."""
    return toggle(Watch, user=user, **{subject_field(subject): subject})


def watchers(subject):
    return (
        get_user_model()
        .objects.filter(is_active=True, **{f"watches__{subject_field(subject)}": subject})
        .distinct()
    )


def notify(recipients, kind, *, actor, text, url, excerpt="", **about):
    """One notification per recipient (active members, never the actor), mailed as each prefers."""
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            actor=actor,
            text=text[:600],
            excerpt=excerpt[:300],
            url=url[:500],
            **about,
        )
        for user in {user.pk: user for user in recipients}.values()
        if user.is_active and (actor is None or user.pk != actor.pk)
    ]
    if not rows:
        return []
    Notification.objects.bulk_create(rows)
    drop_unread(row.recipient_id for row in rows)
    outbox.queue_notifications(rows)
    return rows


def mark_read(user, pks=None):
    unread = Notification.objects.filter(recipient=user).unread()
    if pks is not None:
        unread = unread.filter(pk__in=pks)
    count = unread.update(read_at=timezone.now())
    drop_unread([user.pk])
    return count
