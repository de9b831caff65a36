"""The revisions' single-column content type index goes: the (content_type, object_id, id)
index leads with it, and every revision written kept both. Dropped by name, not by AlterField,
which would make SQLite rebuild the whole table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("wiki", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="revision",
                    name="content_type",
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "library_revision_content_type_id_fb1690ad"',
                    reverse_sql='CREATE INDEX IF NOT EXISTS "library_revision_content_type_id_fb1690ad" '
                    'ON "library_revision" ("content_type_id")',
                ),
            ],
        ),
    ]
