"""Revision and SearchDocument move here from the library app, tables and rows untouched.

Only Django's idea of where the models live changes (state operations); the tables keep
their names, so a database upgraded from before the move keeps every revision and document.
On a new database the library's migrations 0004 and 0009 make the tables, as they always did.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("library", "0009_revisions_and_text_limits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("doc_type", models.CharField(db_column="kind", max_length=16)),
                ("object_id", models.BigIntegerField()),
                ("title", models.TextField(help_text="Indexed and ranked above the body.")),
                ("body", models.TextField(blank=True)),
                ("heading", models.CharField(help_text="What a result shows as its link text.", max_length=600)),
                ("url", models.CharField(max_length=300)),
                (
                    "stamp",
                    models.DateTimeField(help_text="When it was added, read or said: shown with the result."),
                ),
            ],
            options={
                "db_table": "library_searchdocument",
                "constraints": [
                    models.UniqueConstraint(fields=("doc_type", "object_id"), name="unique_search_document")
                ],
            },
        ),
        migrations.CreateModel(
            name="Revision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.BigIntegerField()),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("created", "created"),
                            ("edited", "edited"),
                            ("imported", "imported"),
                            ("merged", "merged"),
                            ("restored", "restored"),
                            ("deleted", "deleted"),
                            ("baseline", "as it was before history was kept"),
                        ],
                        max_length=16,
                    ),
                ),
                ("created", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "title",
                    models.CharField(help_text="What the object was called, for lists of the deleted.", max_length=500),
                ),
                ("note", models.CharField(blank=True, max_length=300)),
                ("data", models.JSONField()),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="revisions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "library_revision",
                "ordering": ["id"],
                "indexes": [
                    models.Index(fields=["content_type", "object_id", "id"], name="library_rev_content_28587f_idx"),
                    models.Index(fields=["action", "content_type"], name="library_rev_action_c77208_idx"),
                ],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
