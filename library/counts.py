"""Counts the database keeps itself: readings per member and day, per day, and uses per tag.

The dashboard's heatmap and tag cloud used to count the whole log (300,000 entries) and every
one of taggit's rows on each cold request. Triggers on library_logentry and taggit_taggeditem
now keep ReadingDay, TeamReadingDay and TagUses (library/models.py) exact inside the writing
transaction, whatever writes: an ORM save or delete, bulk_create, COPY (wiki/bulk.py), a
queryset update (merge_tags moves taggit rows), a cascade, a restore. A row whose count falls
to 0 is deleted, so a count is its row's value or 0 when there is none.

SQLite: row-level triggers, each an UPSERT. PostgreSQL: statement-level triggers over
transition tables, so a 10,000-row COPY costs one aggregated UPSERT per table, not 10,000
trigger calls. An UPDATE trigger on PostgreSQL cannot name columns when it reads transition
tables, so it runs on every update and counts only the rows whose counted columns changed.

The DDL is here and only here: library migration 0020 creates it with `create()` and fills
the tables from the rows already there with `backfill()`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Count:
    table: str  # the summary table
    keys: tuple  # its key columns, in the primary key's order
    source_columns: tuple  # the source's columns each key counts
    counter: str  # the column holding the count


@dataclass(frozen=True)
class Source:
    table: str
    counts: tuple


SOURCES = (
    Source(
        "library_logentry",
        (
            Count("library_readingday", ("reader_id", "day"), ("reader_id", "read_on"), "readings"),
            Count("library_teamreadingday", ("day",), ("read_on",), "readings"),
        ),
    ),
    Source("taggit_taggeditem", (Count("library_taguses", ("tag_id",), ("tag_id",), "uses"),)),
)


def _backfill(count, source):
    columns = ", ".join(count.source_columns)
    return (
        f"INSERT INTO {count.table} ({', '.join(count.keys)}, {count.counter}) "
        f"SELECT {columns}, COUNT(*) FROM {source.table} GROUP BY {columns}"
    )


def backfill(execute):
    """Count every existing row (the summary tables must be empty)."""
    for source in SOURCES:
        for count in source.counts:
            execute(_backfill(count, source))


# --- SQLite: a row at a time.


def _sqlite_add(count, row, delta):
    values = ", ".join(f"{row}.{column}" for column in count.source_columns)
    return (
        f"INSERT INTO {count.table} ({', '.join(count.keys)}, {count.counter}) VALUES ({values}, {delta}) "
        f"ON CONFLICT ({', '.join(count.keys)}) DO UPDATE SET {count.counter} = {count.counter} + excluded.{count.counter};"
    )


def _sqlite_prune(count, row):
    match = " AND ".join(
        f"{key} = {row}.{column}" for key, column in zip(count.keys, count.source_columns, strict=True)
    )
    return f"DELETE FROM {count.table} WHERE {match} AND {count.counter} <= 0;"


def _sqlite_statements():
    create, drop = [], []
    for source in SOURCES:
        name = f"{source.table}_counted"
        inserted = " ".join(_sqlite_add(count, "NEW", 1) for count in source.counts)
        deleted = " ".join(
            _sqlite_add(count, "OLD", -1) + " " + _sqlite_prune(count, "OLD") for count in source.counts
        )
        columns = sorted({column for count in source.counts for column in count.source_columns})
        changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
        create += [
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {source.table} BEGIN {inserted} END",
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {source.table} BEGIN {deleted} END",
            f"CREATE TRIGGER {name}_update AFTER UPDATE OF {', '.join(columns)} ON {source.table} "
            f"WHEN {changed} BEGIN {deleted} {inserted} END",
        ]
        drop += [f"DROP TRIGGER IF EXISTS {name}_{event}" for event in ("insert", "delete", "update")]
    return create, drop


# --- PostgreSQL: a statement at a time, over its transition tables.


def _pg_apply(count, delta):
    """Add `delta` (rows of the count's keys and n, one per key) to the summary, dropping zeros."""
    keys = ", ".join(count.keys)
    matched = " AND ".join(f"t.{key} = d.{key}" for key in count.keys)
    # Sorted: two transactions writing the same keys lock them in one order (no deadlock).
    return (
        f"WITH d ({keys}, n) AS ({delta}) "
        f"INSERT INTO {count.table} AS t ({keys}, {count.counter}) SELECT * FROM d ORDER BY {keys} "
        f"ON CONFLICT ({keys}) DO UPDATE SET {count.counter} = t.{count.counter} + excluded.{count.counter};\n"
    ), (
        f"DELETE FROM {count.table} t USING ({delta}) d ({keys}, n) WHERE {matched} AND t.{count.counter} <= 0;\n"
    )


def _pg_grouped(count, rows, sign):
    columns = ", ".join(count.source_columns)
    return f"SELECT {columns}, {sign}COUNT(*) FROM {rows} GROUP BY {columns}"


def _pg_moved(count):
    """Per key, the rows an UPDATE brought minus those it took away (keys that changed only)."""
    columns = ", ".join(count.source_columns)
    changed = " OR ".join(f"n.{column} IS DISTINCT FROM o.{column}" for column in count.source_columns)
    new = ", ".join(f"n.{column}" for column in count.source_columns)
    old = ", ".join(f"o.{column}" for column in count.source_columns)
    return (
        f"SELECT {columns}, SUM(n)::int FROM ("
        f"SELECT {new}, 1 AS n FROM new_rows n JOIN old_rows o USING (id) WHERE {changed} "
        f"UNION ALL SELECT {old}, -1 FROM new_rows n JOIN old_rows o USING (id) WHERE {changed}"
        f") moved ({columns}, n) GROUP BY {columns} HAVING SUM(n) <> 0"
    )


def _pg_function(name, body):
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}RETURN NULL;\nEND\n$$"
    )


def _pg_statements():
    create, drop = [], []
    for source in SOURCES:
        name = f"{source.table}_counted"
        inserted = "".join(_pg_apply(count, _pg_grouped(count, "new_rows", ""))[0] for count in source.counts)
        deleted = "".join(
            "".join(_pg_apply(count, _pg_grouped(count, "old_rows", "-"))) for count in source.counts
        )
        updated = "".join("".join(_pg_apply(count, _pg_moved(count))) for count in source.counts)
        for event, body, tables in (
            ("insert", inserted, "NEW TABLE AS new_rows"),
            ("delete", deleted, "OLD TABLE AS old_rows"),
            ("update", updated, "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ):
            create += [
                _pg_function(f"{name}_{event}", body),
                f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {source.table} "
                f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}_{event}()",
            ]
            drop += [
                f"DROP TRIGGER IF EXISTS {name}_{event} ON {source.table}",
                f"DROP FUNCTION IF EXISTS {name}_{event}()",
            ]
    return create, drop


STATEMENTS = {"sqlite": _sqlite_statements, "postgresql": _pg_statements}


def create(vendor, execute):
    for statement in STATEMENTS[vendor]()[0]:
        execute(statement)


def drop(vendor, execute):
    for statement in STATEMENTS[vendor]()[1]:
        execute(statement)
