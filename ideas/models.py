from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.managers import TaggableManager

from library.models import TEXT_LIMIT, Reference
from library.tags import SameTagManager
from wiki.rendering import render_markdown


class Status(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    DISCUSSING = "discussing", "Discussing"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


CLOSED_STATUSES = (Status.DONE, Status.DROPPED)


def count_of(model, field, **filters):
    """A correlated COUNT subquery: counts without GROUP BY on the outer list."""
    rows = model.objects.filter(**{field: OuterRef("pk")}, **filters).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


class IdeaQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def with_counts(self):
        """Counts for list rows (subqueries: no GROUP BY over the whole list)."""
        return self.with_comment_count().annotate(
            n_references=count_of(IdeaReference, "idea"),
            n_members=count_of(Idea.members.through, "idea"),
            n_votes=count_of(IdeaVote, "idea"),
        )

    def with_comment_count(self):
        return self.annotate(n_comments=count_of(Comment, "idea", is_hidden=False))

    def with_votes(self, user=None):
        """Its 👍 count and, for a member, whether theirs is among them (subqueries, no GROUP BY)."""
        ideas = self.annotate(n_votes=count_of(IdeaVote, "idea"))
        if user is None or not user.is_authenticated:
            return ideas.annotate(voted=models.Value(False))
        return ideas.annotate(voted=models.Exists(IdeaVote.objects.filter(idea=OuterRef("pk"), member=user)))

    def involving(self, user):
        return self.filter(Q(proposer=user) | Q(pk__in=user.joined_ideas.values("pk")))


class Area(models.Model):
    """A heading of the team's ideas file (“Safety / Interpretability / Alignment”) and its intro."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, max_length=TEXT_LIMIT)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class Idea(models.Model):
    title = models.CharField(max_length=300)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas")
    label = models.CharField(
        max_length=100, blank=True, help_text="The bold label in the team's ideas file, e.g. “NLP / LLMs”."
    )
    slug = models.SlugField(
        max_length=100,
        unique=True,
        blank=True,
        help_text="Its address: /ideas/<slug>/. Made from the title when left empty.",
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.PROPOSED, db_index=True)
    body = models.TextField(blank=True, max_length=TEXT_LIMIT, help_text="Markdown; $…$ for math.")
    body_html = models.TextField(blank=True, editable=False)
    tags = TaggableManager(blank=True, manager=SameTagManager)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas_proposed",
    )
    references = models.ManyToManyField(Reference, through="IdeaReference", related_name="ideas", blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="joined_ideas",
        blank=True,
        help_text="Members who want to work on it.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)
    imported = GenericRelation("library.ImportedText")
    last_activity = models.DateTimeField(
        default=timezone.now,
        db_index=True,
        editable=False,
        help_text="The last edit or comment: the ideas list's default order, kept as a column so "
        "sorting a thousand ideas reads an index.",
    )

    objects = IdeaQuerySet.as_manager()
    markdown_fields = {"body": "body_html"}

    class Meta:
        ordering = ["-updated", "-id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.title, exclude_pk=self.pk)
        self.body_html = render_markdown(self.body)
        self.last_activity = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("ideas:detail", args=[self.slug])


# Addresses under /ideas/ that are pages, not ideas.
RESERVED_SLUGS = {"new", "comments", "feed", "import"}


def unique_slug(title, exclude_pk=None):
    base = slugify(title)[:90].strip("-") or "idea"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Idea.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class IdeaReference(models.Model):
    """An idea cites a reference, with an optional note on why."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="reference_links")
    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="idea_links")
    note = models.CharField(max_length=500, blank=True, help_text="Why it is cited, or the link's text.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["idea", "reference"], name="unique_idea_reference")]

    def __str__(self):
        return f"{self.idea} → {self.reference}"


class StatusChange(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=16, choices=Status, blank=True)
    new_status = models.CharField(max_length=16, choices=Status)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.idea}: {self.old_status or '—'} → {self.new_status}"


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)


class Comment(models.Model):
    """A comment in the discussion of an idea or of a reference (exactly one of them)."""

    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    reference = models.ForeignKey(
        Reference, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(max_length=TEXT_LIMIT, help_text="Markdown; $…$ for math.")
    body_html = models.TextField(blank=True, editable=False)
    is_hidden = models.BooleanField(
        "hidden", default=False, help_text="Hidden comments stay in the database but not on the page."
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    objects = CommentQuerySet.as_manager()
    markdown_fields = {"body": "body_html"}

    class Meta:
        ordering = ["created", "id"]
        # A partial index of visible comments was tried: SQLite then used it for the dashboard's
        # "latest comments" too and sorted every comment instead of walking `created` (0.3 → 106 ms).
        # A subject's comments in order, and counted (visible ones) from the index alone. The
        # references' index holds only comments on references: most comments are on ideas, and
        # with their NULLs in it the planners read a reference's count from the whole table.
        indexes = [
            models.Index(fields=["idea", "created", "is_hidden"], name="comment_idea_created"),
            models.Index(
                fields=["reference", "created", "is_hidden"],
                name="comment_reference_created",
                condition=Q(reference__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_has_body"),
            models.CheckConstraint(
                condition=Q(idea__isnull=False, reference__isnull=True)
                | Q(idea__isnull=True, reference__isnull=False),
                name="comment_on_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.author} on {self.subject}"

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None or "body" in kwargs["update_fields"]:
            self.body_html = render_markdown(self.body)  # already rendered by the form, as a rule
        super().save(*args, **kwargs)
        if self.idea_id and not self.is_hidden:
            Idea.objects.filter(pk=self.idea_id).update(last_activity=timezone.now())

    def get_absolute_url(self):
        # A permalink: the view works out which page of the discussion the comment is on.
        return reverse("ideas:comment", args=[self.pk])

    @property
    def subject(self):
        """What is discussed: the idea or the reference."""
        return self.idea if self.idea_id else self.reference

    @property
    def was_edited(self):
        return (self.updated - self.created).total_seconds() > 60


class IdeaVote(models.Model):
    """One member's 👍 for an idea: one each, taken back by voting again."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_votes")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "member"],
                name="unique_idea_vote",
                violation_error_message="This member already voted for this idea.",
            )
        ]

    def __str__(self):
        return f"{self.member} 👍 {self.idea}"
