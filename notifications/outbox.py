"""Mail: written to the outbox in the transaction of what caused it, sent after.

A page never waits for the mail server and never fails because of it. What a request queued
is sent right after its response has gone out (`request_finished`); `manage.py send_outbox`
(cron) sends what is left, and retries what the mail server refused, later and later. A mail
is claimed before it is sent and marked sent once the server took it, so two senders never
send one mail; a sender killed between the server's answer and the mark is the one case that
sends a mail again (after CLAIM_TIMEOUT), which is better than losing it.
"""

import contextlib
import datetime
import logging
import threading

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.signals import request_finished
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Delivery, Kind, OutgoingMail, Period, Preferences

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = datetime.timedelta(minutes=15)
MAX_DELAY = datetime.timedelta(hours=6)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"

_pending = threading.local()


def absolute(path):
    return settings.IDL_SITE_URL.rstrip("/") + path


def unsubscribe_token(user, what):
    """What a mail's unsubscribe link carries: the member and the mails it stops, signed."""
    return signing.dumps([user.pk, what], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """(user id, kind) from a token, or None if it was not made here."""
    try:
        user_id, what = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or what not in {*Kind.values, *Period.values}:
        return None
    return user_id, what


def unsubscribe(prefs, what):
    """Stop the mails a link was for: one kind's, or a whole daily or weekly digest."""
    if what in Kind.values:
        setattr(prefs, what, Delivery.NEVER)
        return
    if prefs.team == what:
        prefs.team = Delivery.NEVER
    for kind in Kind.values:
        if prefs.delivery(kind) == what:
            setattr(prefs, kind, Delivery.NEVER)


def unsubscribe_url(user, what):
    return absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user, what)]))


def preferences_of(users):
    """{user id: Preferences}, the defaults for members who never chose."""
    users = list(users)
    found = {prefs.user_id: prefs for prefs in Preferences.objects.filter(user__in=users)}
    return {user.pk: found.get(user.pk) or Preferences(user=user) for user in users}


def preferences_for(user):
    return preferences_of([user])[user.pk]


def queue_notifications(notifications):
    """Queue a mail for each notification its recipient wants at once."""
    prefs = preferences_of(notification.recipient for notification in notifications)
    mails = []
    for notification in notifications:
        recipient = notification.recipient
        if not recipient.email or prefs[recipient.pk].delivery(notification.kind) != "now":
            continue
        context = {
            "notification": notification,
            "recipient": recipient,
            "url": absolute(notification.url),
            "inbox_url": absolute(reverse("notifications:inbox")),
            "settings_url": absolute(reverse("notifications:settings")),
            "unsubscribe_url": unsubscribe_url(recipient, notification.kind),
            "kind_label": Kind(notification.kind).label,
        }
        mails.append(
            OutgoingMail(
                recipient=recipient,
                notification=notification,
                key=f"notification:{notification.pk}",
                subject=f"[IDL Wiki] {notification.text}"[:300],
                text=render_to_string("notifications/mail/notification.txt", context),
                html=render_to_string("notifications/mail/notification.html", context),
                unsubscribe_url=context["unsubscribe_url"],
            )
        )
    if mails:
        OutgoingMail.objects.bulk_create(mails, ignore_conflicts=True)
        # Not on commit: a rolled-back request leaves nothing to send, and the flag costs nothing.
        _pending.mail = True


def _after_response(sender, **kwargs):
    if getattr(_pending, "mail", False):
        _pending.mail = False
        try:
            send_pending()
        except Exception:  # the page is answered; cron sends what is left
            log.exception("Sending the outbox after a response failed")


request_finished.connect(_after_response, dispatch_uid="notifications-send-after-response")


def _unclaimed(now):
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)


def send_pending(batch=100):
    """Send what is due; returns (sent, failed). Safe to run in several processes at once."""
    _pending.mail = False  # what this thread queued goes now
    sent = failed = 0
    connection = None
    try:
        while True:
            now = timezone.now()
            due = list(
                OutgoingMail.objects.filter(sent_at__isnull=True, next_attempt__lte=now)
                .filter(_unclaimed(now))
                .values_list("pk", flat=True)[:batch]
            )
            for pk in due:
                # Claim it: whoever updates the row first sends it.
                if (
                    not OutgoingMail.objects.filter(pk=pk, sent_at__isnull=True)
                    .filter(_unclaimed(now))
                    .update(claimed_at=now)
                ):
                    continue
                mail = OutgoingMail.objects.select_related("recipient").get(pk=pk)
                recipient = mail.recipient
                if not (recipient.is_active and recipient.email):
                    mail.delete()  # an account closed since: it is never mailed
                    continue
                connection = connection or get_connection(timeout=settings.EMAIL_TIMEOUT)
                try:
                    message(mail, connection).send()
                except Exception as error:
                    failed += 1
                    _failed(mail, error)
                    connection = None  # a fresh connection for the next one
                else:
                    sent += 1
                    OutgoingMail.objects.filter(pk=pk).update(sent_at=timezone.now(), claimed_at=None)
            if len(due) < batch:
                return sent, failed
    finally:
        if connection is not None:
            with contextlib.suppress(Exception):  # the mails are sent; a failing goodbye is not news
                connection.close()


def _failed(mail, error):
    attempts = mail.attempts + 1
    delay = min(datetime.timedelta(minutes=2**attempts), MAX_DELAY)
    log.warning("Mail %s to %s failed (attempt %s): %s", mail.key, mail.recipient, attempts, error)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt=timezone.now() + delay,
        claimed_at=None,
    )


def message(mail, connection):
    email = EmailMultiAlternatives(
        subject=mail.subject.replace("\n", " "),
        body=mail.text,
        to=[mail.recipient.email],
        connection=connection,
        headers={
            # RFC 8058: mail programs offer a one-click unsubscribe that POSTs to this address.
            "List-Unsubscribe": f"<{mail.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.attach_alternative(mail.html, "text/html")
    return email
