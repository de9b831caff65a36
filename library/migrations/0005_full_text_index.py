"""The full-text index on SearchDocument: FTS5 on SQLite, a weighted tsvector + GIN on PostgreSQL.

Both use plain word tokens (no stemming, case- and accent-blind where the engine can), so a
query finds the same documents on either database.
"""

from django.db import migrations

SQLITE_FORWARD = [
    # kind is stored, not indexed: a filter by kind stays inside the index, with no join.
    """CREATE VIRTUAL TABLE library_search_fts USING fts5(
        title, body, kind UNINDEXED, content='library_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    """CREATE TRIGGER library_search_ai AFTER INSERT ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(rowid, title, body, kind) VALUES (new.id, new.title, new.body, new.kind);
    END""",
    """CREATE TRIGGER library_search_ad AFTER DELETE ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(library_search_fts, rowid, title, body, kind)
        VALUES ('delete', old.id, old.title, old.body, old.kind);
    END""",
    """CREATE TRIGGER library_search_au AFTER UPDATE ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(library_search_fts, rowid, title, body, kind)
        VALUES ('delete', old.id, old.title, old.body, old.kind);
        INSERT INTO library_search_fts(rowid, title, body, kind) VALUES (new.id, new.title, new.body, new.kind);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS library_search_au",
    "DROP TRIGGER IF EXISTS library_search_ad",
    "DROP TRIGGER IF EXISTS library_search_ai",
    "DROP TABLE IF EXISTS library_search_fts",
]
POSTGRES_FORWARD = [
    """ALTER TABLE library_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(body, '')), 'B')
    ) STORED""",
    "CREATE INDEX library_search_vector ON library_searchdocument USING GIN (vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS library_search_vector",
    "ALTER TABLE library_searchdocument DROP COLUMN IF EXISTS vector",
]
STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def forward(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("library", "0004_search_documents")]

    operations = [migrations.RunPython(forward, backward)]
