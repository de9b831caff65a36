"""Mail: the outbox, retries when the mail server is down, digests, settings and unsubscribing."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas.models import Comment
from library.models import LogEntry
from notifications import digest, outbox
from notifications.models import DigestMark, Kind, OutgoingMail, Period, Preferences, Watch

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user):
    return {name: make_user(name) for name in ("bob", "carol", "dan")}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def comment_on(client, paper, body):
    response = client.post(reverse("reference_comment_add", args=[paper.pk]), {"body": body})
    assert response.status_code == 302
    return Comment.objects.filter(reference=paper).latest("pk")


def prefer(user, **choices):
    Preferences.objects.update_or_create(user=user, defaults=choices)


# ---------- Mail at once ----------


def test_a_mention_is_mailed_right_after_the_response_with_both_parts_and_an_unsubscribe_link(
    team, make_reference
):
    paper = make_reference(title="Attention Is All You Need")
    comment = comment_on(client_for(team["bob"]), paper, "@carol, see **section 3**")

    (message,) = mail.outbox
    assert message.to == ["carol@example.com"]
    assert message.subject == "[IDL Wiki] bob mentioned you in a comment on “Attention Is All You Need”"
    link = f"http://127.0.0.1:8000{comment.get_absolute_url()}"
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in message.body and unsubscribe.startswith(
        "http://127.0.0.1:8000/notifications/unsubscribe/"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert OutgoingMail.objects.get().sent_at is not None

    # Sending again sends nothing twice.
    assert outbox.send_pending() == (0, 0)
    assert len(mail.outbox) == 1


def test_what_goes_to_the_digest_or_nowhere_is_not_mailed_at_once(team, make_reference):
    prefer(team["carol"], mention="week")
    prefer(team["dan"], mention="never")
    paper = make_reference()
    comment_on(client_for(team["bob"]), paper, "@carol @dan")
    assert mail.outbox == []
    assert OutgoingMail.objects.count() == 0


def test_comments_on_what_you_watch_are_weekly_by_default_and_at_once_if_chosen(team, make_reference):
    paper = make_reference()
    Watch.objects.create(user=team["carol"], reference=paper)
    Watch.objects.create(user=team["dan"], reference=paper)
    prefer(team["dan"], comment="now")
    comment_on(client_for(team["bob"]), paper, "A comment")
    assert [message.to for message in mail.outbox] == [["dan@example.com"]]


def test_a_member_without_an_address_is_told_but_not_mailed(team, make_reference):
    team["carol"].email = ""
    team["carol"].save()
    comment_on(client_for(team["bob"]), make_reference(), "@carol")
    assert mail.outbox == [] and OutgoingMail.objects.count() == 0


def test_an_account_closed_before_sending_is_never_mailed(team, make_reference, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # down
    comment_on(client_for(team["bob"]), make_reference(), "@carol")
    assert OutgoingMail.objects.filter(sent_at=None).count() == 1
    team["carol"].is_active = False
    team["carol"].save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingMail.objects.update(next_attempt=timezone.now())
    assert outbox.send_pending() == (0, 0)
    assert mail.outbox == [] and OutgoingMail.objects.count() == 0


def test_when_the_mail_server_is_down_the_page_works_and_the_mail_waits(team, make_reference, settings):
    # The real SMTP backend, at a port nothing listens on: refused at once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    paper = make_reference()
    comment_on(client_for(team["bob"]), paper, "@carol look")
    waiting = OutgoingMail.objects.get()
    assert waiting.sent_at is None and waiting.attempts == 1
    assert "ConnectionRefusedError" in waiting.last_error
    assert waiting.next_attempt > timezone.now()

    assert outbox.send_pending() == (0, 0)  # not due yet: no hammering a server that is down

    # The server is back; cron's send_outbox sends it, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingMail.objects.update(next_attempt=timezone.now())
    call_command("send_outbox")
    call_command("send_outbox")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["carol@example.com"]


def test_a_mail_another_sender_claimed_is_not_sent_twice(team, make_reference, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    comment_on(client_for(team["bob"]), make_reference(), "@carol look")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingMail.objects.update(next_attempt=timezone.now(), claimed_at=timezone.now())
    assert outbox.send_pending() == (0, 0)
    # A sender that died holding it: after the claim times out, the mail goes.
    OutgoingMail.objects.update(
        claimed_at=timezone.now() - outbox.CLAIM_TIMEOUT - datetime.timedelta(seconds=1)
    )
    assert outbox.send_pending() == (1, 0)


# ---------- Unsubscribing ----------


def test_unsubscribe_works_without_logging_in_and_only_for_its_member(team):
    carol, dan = team["carol"], team["dan"]
    url = reverse("notifications:unsubscribe", args=[outbox.unsubscribe_token(carol, Kind.MENTION)])
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)
    assert page.status_code == 200 and "carol" in page.content.decode()
    assert not Preferences.objects.filter(user=carol).exists()  # a GET (a link scanner) changes nothing

    assert anonymous.post(url).status_code == 200  # the one-click POST of a mail program: no CSRF token
    assert Preferences.objects.get(user=carol).mention == "never"
    assert not Preferences.objects.filter(user=dan).exists()

    # Another member's id in a token made for carol does not verify.
    token = outbox.unsubscribe_token(carol, Kind.MENTION)
    forged = token.replace(token.split(":")[0], outbox.unsubscribe_token(dan, Kind.MENTION).split(":")[0])
    assert anonymous.post(reverse("notifications:unsubscribe", args=[forged])).status_code == 404
    assert anonymous.post(reverse("notifications:unsubscribe", args=["nonsense"])).status_code == 404
    assert not Preferences.objects.filter(user=dan).exists()


def test_a_digest_unsubscribe_stops_the_whole_digest(team):
    carol = team["carol"]
    prefer(carol, comment="day", reading="week", team="week")
    url = reverse("notifications:unsubscribe", args=[outbox.unsubscribe_token(carol, Period.WEEK)])
    Client().post(url)
    prefs = Preferences.objects.get(user=carol)
    assert (prefs.team, prefs.reading, prefs.comment, prefs.mention) == ("never", "never", "day", "now")


def test_mail_settings_page(team):
    client = client_for(team["carol"])
    assert client.get(reverse("notifications:settings")).status_code == 200
    response = client.post(
        reverse("notifications:settings"),
        {"mention": "day", "comment": "never", "reading": "now", "status": "week", "team": "never"},
    )
    assert response.status_code == 302
    assert Preferences.objects.get(user=team["carol"]).reading == "now"
    bad = client.post(reverse("notifications:settings"), {"mention": "hourly"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


# ---------- Digests ----------


@pytest.fixture
def busy_week(team, make_reference, make_entry):
    """A week of the team's work, with carol watching a paper bob comments on."""
    paper = make_reference(title="Scaling Monosemanticity")
    Watch.objects.create(user=team["carol"], reference=paper)
    make_entry(team["dan"], paper, read_on="2026-12-03")
    comment_on(client_for(team["bob"]), paper, "Section 4 is the key part")
    return paper


def test_send_digest_mails_each_member_once_however_often_it_runs(team, busy_week):
    mail.outbox.clear()
    call_command("send_digest", "--period", "week")
    call_command("send_digest", "--period", "week")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "bob@example.com",
        "carol@example.com",
        "dan@example.com",
    ]
    carols = next(message for message in mail.outbox if message.to == ["carol@example.com"])
    assert carols.subject.startswith("[IDL Wiki] Weekly digest")
    assert "bob commented on “Scaling Monosemanticity”" in carols.body  # what she watches
    assert 'dan read "Scaling Monosemanticity"' in carols.body  # what the team read
    assert "Scaling Monosemanticity" in carols.alternatives[0][0]
    assert "/notifications/unsubscribe/" in carols.body
    # bob's own comment is not news to him, but the team's reading is.
    bobs = next(message for message in mail.outbox if message.to == ["bob@example.com"])
    assert "bob commented" not in bobs.body and "dan read" in bobs.body


def test_the_next_digest_starts_where_the_last_ended(team, busy_week, make_entry, make_reference):
    call_command("send_digest", "--period", "week")
    mail.outbox.clear()
    later = timezone.now() + datetime.timedelta(days=7)
    make_entry(team["bob"], make_reference(title="Titans"), read_on="2026-12-05")
    LogEntry.objects.filter(reference__title="Titans").update(created=later - datetime.timedelta(hours=1))
    assert digest.send_digests(Period.WEEK, now=later) == 3
    carols = next(message for message in mail.outbox if message.to == ["carol@example.com"])
    assert "Titans" in carols.body and "Scaling Monosemanticity" not in carols.body


def test_members_who_want_no_digest_or_cannot_read_get_none(team, busy_week):
    prefer(team["bob"], comment="never", reading="never", status="never", team="never")
    team["dan"].is_active = False
    team["dan"].save()
    mail.outbox.clear()
    call_command("send_digest", "--period", "week")
    assert [message.to for message in mail.outbox] == [["carol@example.com"]]
    call_command("send_digest", "--period", "day")  # nobody chose daily
    assert len(mail.outbox) == 1
    assert not DigestMark.objects.filter(user=team["dan"]).exists()


def test_the_digest_page_shows_what_the_mail_would(team, busy_week):
    page = client_for(team["carol"]).get(reverse("notifications:digest"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "bob commented on “Scaling Monosemanticity”" in text and "dan read" in text
    assert (
        client_for(team["carol"]).get(reverse("notifications:digest"), {"period": "year"}).status_code == 400
    )
    daily = client_for(team["carol"]).get(reverse("notifications:digest"), {"period": "day"}).content.decode()
    assert "You get no daily digest by mail" in daily


def test_digest_without_news_sends_nothing_but_moves_on(team):
    call_command("send_digest", "--period", "week")
    assert mail.outbox == []
    assert DigestMark.objects.filter(period="week").count() == 3


def test_a_digest_queued_is_not_lost_when_the_server_is_down(team, busy_week, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    mail.outbox.clear()
    call_command("send_digest", "--period", "week")
    assert OutgoingMail.objects.filter(key__startswith="digest:", sent_at=None).count() == 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingMail.objects.update(next_attempt=timezone.now())
    call_command("send_digest", "--period", "week")  # queues nothing new, sends what waits
    assert len(mail.outbox) == 3
