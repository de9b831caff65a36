import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from wiki.rendering import render_markdown

from .identity import identity_key, is_web_link, normalize_title
from .tags import SameTagManager


class Kind(models.TextChoices):
    """The six icons of the team's reading-log legend."""

    PAPER = "paper", "Paper"
    POST = "post", "Blog post / project page"
    BOOK = "book", "Book"
    RESOURCE = "resource", "Course / broad resource"
    CODE = "code", "Code / experiment"
    VIDEO = "video", "Video"


KIND_ICONS = {
    Kind.PAPER: "📜",
    Kind.POST: "📰",
    Kind.BOOK: "📖",
    Kind.RESOURCE: "🌐",
    Kind.CODE: "🧪",
    Kind.VIDEO: "📺",
}


def validate_reference_url(value):
    """http(s) links, or repo-relative paths such as ./projects/fnn; nothing else.

    Read as a browser reads an href: tabs and newlines dropped, a backslash taken for a slash,
    so `//host/x` and `/\\host/x` (links to another site) are not mistaken for paths.
    """
    lowered = re.sub(r"[\t\n\r]", "", value.strip()).replace("\\", "/").lower()
    if lowered.startswith(("http://", "https://", "./", "../")):
        return
    if lowered.startswith("/") and not lowered.startswith("//"):
        return
    raise ValidationError(
        "Enter an http(s) link or a relative path such as ./projects/fnn.", code="invalid_url"
    )


# Markdown fields hold notes and summaries, not books: a pasted megabyte is a mistake the form names.
TEXT_LIMIT = 100_000

# Tags for lists, read by the `tags_of` template filter.
TAG_LIST = Prefetch("tags", to_attr="tag_list")
# Lists never show a summary (nor the stored BibTeX); on a big library they would be most of the bytes read.
SUMMARY_FIELDS = ("summary", "summary_html", "bibtex")


class ReferenceQuerySet(models.QuerySet):
    def with_list_data(self):
        return self.select_related("added_by").prefetch_related(TAG_LIST).defer(*SUMMARY_FIELDS)

    def with_times_read(self):
        """Annotate how many log entries read each reference (a subquery: no GROUP BY on the list)."""
        counts = (
            LogEntry.objects.filter(reference=OuterRef("pk"))
            .order_by()
            .values("reference")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(times_read=Coalesce(Subquery(counts), 0))

    def matching(self, url="", title=""):
        """References that are the same as (url, title): same identity, else same title."""
        key = identity_key(url)
        title_key = normalize_title(title)
        condition = Q(pk__in=[])
        if key:
            condition |= Q(identity=key) & ~Q(identity="")  # names the unique index's condition: it is used
        if title_key:
            condition |= Q(title_key=title_key, needs_title=False)
        return self.filter(condition)


class Reference(models.Model):
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.PAPER)
    title = models.CharField(max_length=500)
    url = models.CharField(
        "URL",
        max_length=1000,
        blank=True,
        validators=[validate_reference_url],
        help_text="An http(s) link or a repo-relative path such as ./projects/fnn. May be empty.",
    )
    authors = models.TextField(
        blank=True,
        max_length=10_000,
        help_text="As written in the paper, with equal-contribution marks (*) kept.",
    )
    affiliation = models.CharField(max_length=500, blank=True)
    published = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True, help_text="Conference or journal, if any.")
    summary = models.TextField(blank=True, max_length=TEXT_LIMIT, help_text="Markdown; $…$ for math.")
    summary_html = models.TextField(blank=True, editable=False)
    identity = models.CharField(
        max_length=1000,
        blank=True,
        editable=False,
        help_text="arXiv id or normalized url; two references never share one.",
    )
    title_key = models.CharField(max_length=500, editable=False, db_index=True)
    # Its BibTeX entry, derived on every save like summary_html: a download of the whole library
    # streams these instead of LaTeX-encoding 100,000 entries inside the request.
    bibtex_key = models.TextField(
        blank=True, editable=False, help_text="Its citation key before duplicates get a letter."
    )
    bibtex = models.TextField(blank=True, editable=False, help_text="Its BibTeX entry, under bibtex_key.")
    needs_title = models.BooleanField(
        default=False,
        help_text="Known only from a bare link (“Paper”, “Github”); an edit or import that knows "
        "the real title fills it.",
    )
    tags = TaggableManager(blank=True, manager=SameTagManager)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="references_added",
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ReferenceQuerySet.as_manager()
    markdown_fields = {"summary": "summary_html"}  # rendered before the save (wiki.forms)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["identity"],
                condition=~Q(identity=""),
                name="unique_reference_identity",
                violation_error_message="A reference with this link is already in the library.",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="reference_has_title"),
        ]
        indexes = [
            models.Index(fields=["kind", "-created"]),
            models.Index(fields=["published"]),
            models.Index(fields=["kind", "published"]),
            # The list's order, whole: PostgreSQL reads page 1,000 from the index alone.
            models.Index(fields=["-created", "-id"], name="library_ref_newest_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("library:detail", args=[self.pk])

    def prepare(self):
        """Derive the stored fields; bulk imports call it since bulk_create skips save()."""
        self.url = self.url.strip()
        self.title = self.title.strip()
        self.identity = identity_key(self.url)
        self.title_key = normalize_title(self.title)
        self.summary_html = render_markdown(self.summary)
        from .bibtex import derived  # bibtex reads this module's Kind

        if isinstance(self.published, str):  # as a form or fixture may set it, before save converts it
            self.published = self._meta.get_field("published").to_python(self.published)
        self.bibtex_key, self.bibtex = derived(self)

    @property
    def icon(self):
        return KIND_ICONS.get(self.kind, "")

    @property
    def is_external(self):
        return is_web_link(self.url)

    @property
    def href(self):
        """The link to put in an href: the url, unless it is one the validator now refuses
        (a row saved before `//host` was caught would lead off the site)."""
        try:
            validate_reference_url(self.url)
        except ValidationError:
            return ""
        return self.url


class LogEntryQuerySet(models.QuerySet):
    def with_list_data(self):
        return (
            self.select_related("reference", "reader")
            .prefetch_related(TAG_LIST)
            .defer(*(f"reference__{name}" for name in SUMMARY_FIELDS))
        )


class LogEntry(models.Model):
    """One member read one reference on one day."""

    reference = models.ForeignKey(
        Reference,
        on_delete=models.PROTECT,
        related_name="log_entries",
        help_text="Merge references instead of deleting one that has been read.",
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="log_entries",
        db_index=False,  # the (reader, -read_on) index serves, one index fewer to write per reading
    )
    read_on = models.DateField("read on")
    logged_title = models.CharField(
        "title as logged",
        max_length=500,
        blank=True,
        help_text="Kept when it differs from the reference's title, e.g. “(Lectures 9-13)”.",
    )
    logged_url = models.CharField(
        "link as logged",
        max_length=1000,
        blank=True,
        help_text="Kept when the log linked the reference differently, e.g. its pdf.",
    )
    notes = models.TextField(
        blank=True, max_length=TEXT_LIMIT, help_text="Markdown; nested points and $…$ math welcome."
    )
    notes_html = models.TextField(blank=True, editable=False)
    tags = TaggableManager(blank=True, manager=SameTagManager)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    imported = GenericRelation("ImportedText")

    objects = LogEntryQuerySet.as_manager()
    markdown_fields = {"notes": "notes_html"}

    class Meta:
        ordering = ["-read_on", "id"]
        verbose_name_plural = "log entries"
        constraints = [
            models.UniqueConstraint(
                fields=["reader", "reference", "read_on", "logged_title"],
                name="unique_log_entry",
                violation_error_message="You already logged this reference on that day.",
            )
        ]
        indexes = [models.Index(fields=["-read_on", "id"]), models.Index(fields=["reader", "-read_on"])]

    def __str__(self):
        return f"{self.read_on:%m/%d/%Y} {self.reader}: {self.display_title}"

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.reference.get_absolute_url()}#log-{self.pk}"

    def clean(self):
        super().clean()
        # A slip of the year would sit on top of every list for years. A day of grace for
        # members whose day starts before the server's.
        if self.read_on and self.read_on > timezone.localdate() + timedelta(days=1):
            raise ValidationError({"read_on": "That day has not come yet: log what you have read."})

    def prepare(self):
        """Derive the stored fields; bulk imports call it since bulk_create skips save()."""
        if self.logged_title == self.reference.title:
            self.logged_title = ""
        # logged_url is left as given: an import keeps the link as logged even when the
        # reference's own link is later corrected; entries made on the site have none.
        self.notes_html = render_markdown(self.notes)

    @property
    def display_title(self):
        return self.logged_title or self.reference.title

    @property
    def display_url(self):
        return self.logged_url or self.reference.url

    @property
    def was_edited(self):
        return (self.updated - self.created).total_seconds() > 60


class ImportedText(models.Model):
    """What the last import of a file brought in for one object (a log entry, an idea).

    The next import of a newer version compares three things field by field: what the file
    said then (`values`), what the wiki has now and what the file says now. The file changed
    and the wiki did not: the file's version is taken. The wiki changed since: it is kept and,
    if the file changed too, the conflict listed. `position` is the object's place in the file,
    so an export gives the entries of a day (the ideas of an area) back in the file's order.
    """

    # The unique (content_type, object_id) constraint's index serves: no index of its own to write.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    source = models.CharField(max_length=255, help_text="The file's name as imported.")
    line = models.PositiveIntegerField(help_text="Where the object starts in that file.")
    position = models.PositiveIntegerField(help_text="Its place among the file's objects.")
    values = models.JSONField(help_text="The fields as the file gave them.")
    text = models.TextField(help_text="The object's lines, as written in the file.")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_imported_text_per_object")
        ]

    def __str__(self):
        return f"{self.source}:{self.line}"


class FeedToken(models.Model):
    """A member's secret for feed readers, which cannot log in; revoking makes a new one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token")
    key = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Feed token of {self.user}"

    @classmethod
    def for_user(cls, user):
        token, _ = cls.objects.get_or_create(user=user, defaults={"key": secrets.token_urlsafe(32)})
        return token

    @classmethod
    def renew(cls, user):
        cls.objects.filter(user=user).delete()
        return cls.objects.create(user=user, key=secrets.token_urlsafe(32))

    @classmethod
    def user_for(cls, key):
        """The active member a feed key belongs to, or None."""
        if not key:
            return None
        token = cls.objects.select_related("user").filter(key=key, user__is_active=True).first()
        return token.user if token else None


class QueueItem(models.Model):
    """One reference on one member's "to read" list, at a place in it they choose."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="queue_items")
    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="queue_items")
    # Smaller first; ties (never made by the site) fall back to the order of adding.
    position = models.PositiveIntegerField(default=0)
    added = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "reference"],
                name="unique_queue_item",
                violation_error_message="It is already in this member's reading queue.",
            )
        ]
        indexes = [models.Index(fields=["member", "position", "id"], name="library_queue_order_idx")]

    def __str__(self):
        return f"{self.member} to read: {self.reference}"


class UpNextVote(models.Model):
    """A member would like the team to read a reference together ("up next")."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="up_next_votes"
    )
    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="up_next_votes")
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = "up-next vote"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "reference"],
                name="unique_up_next_vote",
                violation_error_message="This member already voted for it.",
            )
        ]
        indexes = [models.Index(fields=["reference", "created"], name="library_upnext_ref_idx")]

    def __str__(self):
        return f"{self.member} votes for {self.reference}"


class Pick(models.Model):
    """A curator chose a reference for the reading session of a day (one pick a session)."""

    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="picks")
    session = models.DateField(
        "session date", unique=True, error_messages={"unique": "That session already has a pick."}
    )
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="picks_made"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-session"]

    def __str__(self):
        return f"{self.session:%Y-%m-%d}: {self.reference}"


# --- Counts the database keeps itself (library/counts.py): its triggers update these rows in the
# transaction of every write to the log and to taggit's rows (ORM saves, bulk inserts, COPY,
# queryset updates, cascades, restores), so the dashboard reads a year of readings and every
# tag's uses from a few hundred rows instead of counting 300,000 entries. Never written by Django.


class ReadingDay(models.Model):
    """How many readings a member logged on a day (absent: none)."""

    pk = models.CompositePrimaryKey("reader", "day")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the primary key (reader, day) serves
        related_name="+",
    )
    day = models.DateField()
    readings = models.IntegerField()

    def __str__(self):
        return f"{self.reader_id} on {self.day}: {self.readings}"


class TeamReadingDay(models.Model):
    """How many readings the team logged on a day (absent: none)."""

    day = models.DateField(primary_key=True)
    readings = models.IntegerField()

    def __str__(self):
        return f"{self.day}: {self.readings}"


class TagUses(models.Model):
    """How many of taggit's rows (of any type: references, readings, ideas) carry a tag (absent: none)."""

    tag = models.OneToOneField(
        "taggit.Tag", primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    uses = models.IntegerField()

    class Meta:
        verbose_name_plural = "tag uses"

    def __str__(self):
        return f"tag {self.tag_id}: {self.uses}"
