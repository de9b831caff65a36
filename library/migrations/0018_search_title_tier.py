"""PostgreSQL: the search's title tier gets its own tsvector and indexes (wiki/fulltext.py).
Nothing changes on SQLite, where FTS5 reads a column filter from the same index."""

from django.db import migrations

from wiki.fulltext import ENGINES


def forward(apps, schema_editor):
    engine = ENGINES.get(schema_editor.connection.vendor)
    if engine and hasattr(engine, "add_title_tier"):
        engine().add_title_tier(schema_editor.execute)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in ENGINES["postgresql"].drop_statements[:3]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("library", "0017_tagged_items_by_tag")]

    operations = [migrations.RunPython(forward, backward)]
