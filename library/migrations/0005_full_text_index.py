"""The full-text index on SearchDocument: FTS5 on SQLite, a weighted tsvector + GIN on PostgreSQL.

The statements live in wiki/fulltext.py, which a rebuild of the index uses too.
"""

from django.db import migrations

from wiki.fulltext import ENGINES


def forward(apps, schema_editor):
    if engine := ENGINES.get(schema_editor.connection.vendor):
        engine().create(schema_editor.execute)


def backward(apps, schema_editor):
    if engine := ENGINES.get(schema_editor.connection.vendor):
        engine().drop(schema_editor.execute)


class Migration(migrations.Migration):
    dependencies = [("library", "0004_search_documents")]

    operations = [migrations.RunPython(forward, backward)]
