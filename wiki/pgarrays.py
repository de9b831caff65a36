"""PostgreSQL: psycopg's text dumper for lists, escaping without a regex.

Django 5.2 sends a bulk_create on PostgreSQL as `INSERT … SELECT * FROM UNNEST(%s::type[], …)`,
one array a column, which psycopg writes out in Python. It puts a backslash before each double
quote and backslash in an element with a regex substitution, a Python call for each one found;
the JSON of revisions and of what an import brought is full of quotes, and that escaping was a
sixth of a reading log's import. Two bytes.replace give the same bytes (tests/test_import_speed.py
compares the two dumpers).
"""

from psycopg.types.array import ListDumper


class _Escape:
    """Stands in for ListDumper's `_re_esc` regex, which it calls as `_re_esc.sub(template, data)`."""

    @staticmethod
    def sub(_template, data):
        return bytes(data).replace(b"\\", b"\\\\").replace(b'"', b'\\"')


class FastListDumper(ListDumper):
    _re_esc = _Escape


def register(connection):
    """Lists sent on this (Django) PostgreSQL connection use FastListDumper."""
    connection.connection.adapters.register_dumper(list, FastListDumper)
