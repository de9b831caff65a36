"""Two single-column indexes that wider ones already serve go: one index fewer to write for
every reading and every imported text. The (reader, -read_on) index and the unique
(content_type, object_id) constraint lead with the same columns.

Only the indexes are dropped, by name: an AlterField would make SQLite rebuild both tables,
and a rebuilt library_logentry would lose the triggers that keep the reading counts
(library/counts.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_index(name, table, column):
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{name}"',
        reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("library", "0020_counts_kept_by_the_database"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="importedtext",
                    name="content_type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="contenttypes.contenttype",
                    ),
                ),
                migrations.AlterField(
                    model_name="logentry",
                    name="reader",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="log_entries",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                drop_index("library_importedtext_content_type_id_a85c87f8", "library_importedtext", "content_type_id"),
                drop_index("library_logentry_reader_id_f909eed3", "library_logentry", "reader_id"),
            ],
        ),
    ]
