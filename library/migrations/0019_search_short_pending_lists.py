"""PostgreSQL: the search's GIN indexes keep a short pending list (wiki/fulltext.py), so a
search right after writes does not read through hundreds of them. Nothing changes on SQLite."""

from django.db import migrations

from wiki.fulltext import ENGINES


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in ENGINES["postgresql"].pending_statements:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in ("library_search_vector", "library_search_title_vector"):
            schema_editor.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [("library", "0018_search_title_tier")]

    operations = [migrations.RunPython(forward, backward)]
