"""Who watches what, what each member is told, and the mail that tells them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ideas.models import Comment, Idea
from library.models import LogEntry, Reference


class Kind(models.TextChoices):
    MENTION = "mention", "Somebody mentions you"
    COMMENT = "comment", "A new comment on something you watch"
    READING = "reading", "Somebody reads a reference you watch"
    STATUS = "status", "An idea you joined changes status"


class Delivery(models.TextChoices):
    NOW = "now", "Mail me at once"
    DAY = "day", "In the daily digest"
    WEEK = "week", "In the weekly digest"
    NEVER = "never", "Never mail me"


class Period(models.TextChoices):
    DAY = "day", "Daily"
    WEEK = "week", "Weekly"


def one_subject(prefix):
    """Exactly one of idea and reference is set."""
    return models.CheckConstraint(
        condition=Q(idea__isnull=False, reference__isnull=True)
        | Q(idea__isnull=True, reference__isnull=False),
        name=f"{prefix}_on_one_subject",
    )


class Watch(models.Model):
    """A member hears of new comments on an idea or a reference, and of new readings of a reference."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="watches")
    reference = models.ForeignKey(
        Reference, null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            one_subject("watch"),
            models.UniqueConstraint(fields=["idea", "user"], name="watch_idea_once"),
            models.UniqueConstraint(fields=["reference", "user"], name="watch_reference_once"),
        ]

    def __str__(self):
        return f"{self.user} watches {self.idea or self.reference}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing one member is told. It goes with what it is about (deleted or hidden)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What it is about: the discussed idea or reference, and the comment or reading if any.
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reference = models.ForeignKey(
        Reference, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    log_entry = models.ForeignKey(LogEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=600, help_text="What happened, as the inbox says it.")
    excerpt = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500)
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created"]),
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["created"]),
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return reverse("notifications:open", args=[self.pk])


class Mention(models.Model):
    """A member was told of being mentioned in this text, so saving it again tells nobody twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20, help_text="The tracked type: comment, log, idea, reference.")
    object_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "object_id", "user"], name="mention_once")]

    def __str__(self):
        return f"{self.user} in {self.source} #{self.object_id}"


def default_delivery(kind):
    return Delivery.NOW if kind == Kind.MENTION else Delivery.WEEK


class Preferences(models.Model):
    """How each kind of notification reaches a member by mail; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    mention = models.CharField(max_length=8, choices=Delivery, default=Delivery.NOW)
    comment = models.CharField(max_length=8, choices=Delivery, default=Delivery.WEEK)
    reading = models.CharField(max_length=8, choices=Delivery, default=Delivery.WEEK)
    status = models.CharField(max_length=8, choices=Delivery, default=Delivery.WEEK)
    team = models.CharField(
        "what the team did",
        max_length=8,
        choices=[
            (Period.DAY, "In the daily digest"),
            (Period.WEEK, "In the weekly digest"),
            ("never", "Never"),
        ],
        default=Period.WEEK,
    )

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self):
        return f"Mail preferences of {self.user}"

    def delivery(self, kind):
        return getattr(self, kind)


class OutgoingMail(models.Model):
    """The outbox: a mail is written here in the transaction of what caused it and sent after.

    `key` names what it tells (a notification, one member's digest of one period), so nothing is
    queued twice; `sent_at` is set once the mail server took it, so nothing is sent twice.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="mails"
    )
    key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField()
    unsubscribe_url = models.CharField(max_length=500)
    created = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="A sender took it at this time.")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["sent_at", "next_attempt"])]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"


class DigestMark(models.Model):
    """Up to when a member's daily or weekly digest has told them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=8, choices=Period)
    sent_until = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="one_digest_mark")]

    def __str__(self):
        return f"{self.user}'s {self.period} digest up to {self.sent_until}"
