"""The core's two tables: every change's revision, and every searchable thing's document.

Both were made by the library app (migrations 0004 and 0009) and moved here without touching
the database: they keep their `library_*` table names and all their rows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SearchDocument(models.Model):
    """One searchable thing (a reference, log entry, idea or comment), as the search index sees it.

    The full-text index itself is database-specific and kept in step by the database: an FTS5
    table with triggers on SQLite, a generated tsvector column with a GIN index on PostgreSQL
    (see wiki/fulltext.py). `doc_type` is the slug of the tracked model it stands for.
    """

    doc_type = models.CharField(max_length=16, db_column="kind")
    object_id = models.BigIntegerField()
    title = models.TextField(help_text="Indexed and ranked above the body.")
    body = models.TextField(blank=True)
    heading = models.CharField(max_length=600, help_text="What a result shows as its link text.")
    url = models.CharField(max_length=300)
    stamp = models.DateTimeField(help_text="When it was added, read or said: shown with the result.")

    class Meta:
        db_table = "library_searchdocument"
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "object_id"], name="unique_search_document")
        ]

    def __str__(self):
        return f"{self.doc_type} {self.object_id}: {self.heading}"


class Revision(models.Model):
    """One change to a tracked object: who, when, what, and the result.

    `data` holds the object's editable fields after the change (before it, for a deletion),
    so any two revisions can be compared and any one restored; see wiki/history.py.
    """

    class Action(models.TextChoices):
        CREATED = "created", "created"
        EDITED = "edited", "edited"
        IMPORTED = "imported", "imported"
        MERGED = "merged", "merged"
        RESTORED = "restored", "restored"
        DELETED = "deleted", "deleted"
        BASELINE = "baseline", "as it was before history was kept"

    # The (content_type, object_id, id) index serves: no index of its own to write per revision.
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, db_index=False)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=16, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions"
    )
    created = models.DateTimeField(default=timezone.now)
    title = models.CharField(
        max_length=500, help_text="What the object was called, for lists of the deleted."
    )
    note = models.CharField(max_length=300, blank=True)
    data = models.JSONField()

    class Meta:
        db_table = "library_revision"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "id"]),
            models.Index(fields=["action", "content_type"]),
        ]

    def __str__(self):
        return f"{self.title}: {self.action} by {self.user or 'the system'} at {self.created:%Y-%m-%d %H:%M}"
