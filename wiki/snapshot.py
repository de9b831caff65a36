"""Dry runs against a private copy of the database, so they hold no lock members wait for.

An import preview runs the real import and rolls it back. In a transaction on the live SQLite
database it would hold the one write lock for its whole run, and every member's write would
wait for it (and fail after the busy timeout). Instead the block runs on an in-memory copy
made with SQLite's online backup API (a consistent read; writers go on meanwhile), private to
this thread's connection and dropped at the end. PostgreSQL's transactions do not block
other writers, so there the block runs on the live database, in the caller's rollback.
"""

import secrets
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def private_copy(alias=DEFAULT_DB_ALIAS):
    """Run the block against a throw-away copy of the database (SQLite); yields whether it does.

    Whatever the block writes is lost with the copy. Inside a transaction (the caller already
    holds the write lock, and SQLite cannot copy a database mid-write) the block runs on the
    live database as it is.
    """
    live = connections[alias]
    if live.vendor != "sqlite" or live.in_atomic_block:
        yield False
        return
    live.ensure_connection()
    copy = connections.create_connection(alias)
    # A plain (not shared-cache) memory database belongs to the one connection that opens it.
    copy.settings_dict = {**live.settings_dict, "NAME": f"file:idl-copy-{secrets.token_hex(8)}?mode=memory"}
    copy.ensure_connection()
    try:
        live.connection.backup(copy.connection)
        connections[alias] = copy
        try:
            yield True
        finally:
            connections[alias] = live
    finally:
        copy.connection.close()  # Django keeps memory databases open; this one must go
