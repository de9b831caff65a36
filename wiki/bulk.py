"""Insert many new rows at once, for the import's hot tables: bulk_create, minus its overheads.

An import writes four rows for each reading (the entry, its revision, its search document, the
text it came from). Through bulk_create, preparing those values was most of the time spent
inserting: each value goes through a field method chain and the compiler builds one SQL string
of thousands of placeholders; PostgreSQL then gets each column as an array written out in
Python, and parses it back. Here:

- values pass through as they are when a Django text, number, boolean or key field holds a str,
  int, bool or None (what those fields' preparation returns unchanged); anything else goes
  through the field's own get_db_prep_save;
- PostgreSQL takes the rows by COPY (psycopg's C writer), with ids drawn from the table's
  sequence first;
- SQLite takes them by executemany with ids handed out under the write lock the transaction
  already holds (IMMEDIATE mode), counting past deleted rows as AUTOINCREMENT does, so a
  deleted object's history never names a new one.

Like bulk_create: no save(), no signals, pks and `_state` set on the objects. For a few rows, on
another engine, or SQLite outside IMMEDIATE mode, it is bulk_create: its one statement that
returns the ids beats asking for ids and then writing.
"""

from contextlib import nullcontext

from django.db import connections, models, transaction

# Django's own fields that give back a str/int/bool/None unchanged when preparing it for the
# database; a subclass from elsewhere could prepare differently, so only Django's count.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
_PLAIN_VALUES = (str, int, bool, type(None))
_SQLITE_BATCH = 5000
FEW = 100


def insert(objs, using="default"):
    """Save these new objects of one model; returns them, with their pks."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[using]
    writer = _WRITERS.get(connection.vendor)
    if len(objs) < FEW or writer is None or not writer.usable(connection):
        return model._default_manager.using(using).bulk_create(objs)
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    with transaction.atomic(using=using, savepoint=False):
        missing = [obj for obj in objs if obj.pk is None]
        for obj, pk in zip(missing, writer.new_ids(connection, model, len(missing)), strict=True):
            obj.pk = pk
        writer.write(connection, model, fields, _rows(objs, fields, connection))
    for obj in objs:
        obj._state.adding, obj._state.db = False, using
    return objs


def _rows(objs, fields, connection):
    readers = [_reader(field, connection) for field in fields]
    for obj in objs:
        yield [read(obj) for read in readers]


def _reader(field, connection):
    """How to get `field`'s database value from an object, as bulk_create would send it."""
    attname = field.attname
    if type(field).pre_save is models.Field.pre_save:

        def value_of(obj):
            return getattr(obj, attname)
    else:  # auto_now and the like set the value as they save

        def value_of(obj):
            return field.pre_save(obj, True)

    plain = isinstance(field, _PLAIN_FIELDS) and type(field).__module__.startswith("django.")

    def read(obj):
        value = value_of(obj)
        if plain and type(value) in _PLAIN_VALUES:
            return value
        return field.get_db_prep_save(value, connection)

    return read


def _columns(connection, fields):
    return ", ".join(connection.ops.quote_name(field.column) for field in fields)


class _PostgreSQL:
    @staticmethod
    def usable(connection):
        return True

    @staticmethod
    def new_ids(connection, model, count):
        if not count:
            return []
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), pk, count],
            )
            return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def write(connection, model, fields, rows):
        table = connection.ops.quote_name(model._meta.db_table)
        sql = f"COPY {table} ({_columns(connection, fields)}) FROM STDIN"
        with connection.cursor() as cursor:
            # Counted and logged like any query where queries are (DEBUG, tests' query counts).
            logged = cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else nullcontext()
            with logged, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)


class _SQLite:
    @staticmethod
    def usable(connection):
        # Only with the write lock held from BEGIN can ids be handed out before inserting.
        return getattr(connection, "transaction_mode", None) == "IMMEDIATE"

    @staticmethod
    def new_ids(connection, model, count):
        if not count:
            return []
        table, pk = model._meta.db_table, connection.ops.quote_name(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                f"coalesce((SELECT max({pk}) FROM {connection.ops.quote_name(table)}), 0))",
                [table],
            )
            last = cursor.fetchone()[0]
        return range(last + 1, last + 1 + count)

    @staticmethod
    def write(connection, model, fields, rows):
        table = connection.ops.quote_name(model._meta.db_table)
        sql = (
            f"INSERT INTO {table} ({_columns(connection, fields)}) VALUES ({', '.join(['%s'] * len(fields))})"
        )
        rows = iter(rows)
        with connection.cursor() as cursor:
            while batch := [row for _, row in zip(range(_SQLITE_BATCH), rows, strict=False)]:
                cursor.executemany(sql, batch)


_WRITERS = {"postgresql": _PostgreSQL, "sqlite": _SQLite}
