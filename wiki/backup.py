"""Online backups of the whole database, and restoring one, with each engine's own tools.

SQLite: the online backup API copies Django's live connection page by page into a single
self-contained file (consistent even while the site writes: WAL lets readers run beside a
writer). PostgreSQL: `pg_dump --format=custom` (a consistent snapshot) and `pg_restore` in one
transaction. Either way the file holds everything, the full-text index included, so a
restore needs no rebuilding.

A restore checks the file before touching anything: it must exist, be a backup of the
configured engine, be an IDL Wiki database and (SQLite) pass a full integrity check. It
refuses while anything else is connected to the database (the site's workers, a shell): a
write begun before the restore would land on top of the restored data. On SQLite it holds an
exclusive lock from the safety backup to the end of the swap, so nobody reads or writes between.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
EXTENSIONS = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """Backing up or restoring cannot go on; when raised before a restore starts, nothing changed."""


def backup_dir():
    return Path(os.environ.get("IDL_BACKUP_DIR") or Path(settings.BASE_DIR) / "backups")


def required_tables():
    """Tables any IDL Wiki database has: a file without them is something else."""
    from .tracking import all_tracked

    return {
        "django_migrations",
        *(model._meta.db_table for model in (get_user_model(), *(t.model for t in all_tracked()))),
    }


def vendor():
    if connection.vendor not in EXTENSIONS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


# Backing up


def backup(directory=None, label="", source=None):
    """Back up the configured database into a new file in `directory`; returns its path.

    `source`: on SQLite, a sqlite3 connection to copy from instead of Django's (the restore's
    locked one)."""
    engine = vendor()
    directory = Path(directory or backup_dir())
    # The file holds password hashes, sessions and feed keys: readable by its owner only.
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = _new_file(directory, engine, label)
    # Written under a temporary name: a backup cut short never passes for a whole one.
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        if engine == "sqlite":
            _sqlite_backup(partial, source)
        else:
            _pg_dump(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _new_file(directory, engine, label):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    stem = f"idl-{engine}-{stamp}" + (f"-{label}" if label else "")
    path, n = directory / f"{stem}{EXTENSIONS[engine]}", 2
    while path.exists():
        path, n = directory / f"{stem}-{n}{EXTENSIONS[engine]}", n + 1
    return path


def _sqlite_backup(path, source=None):
    if source is None:
        connection.ensure_connection()
        source = connection.connection
    target = sqlite3.connect(path)
    try:
        source.backup(target)
        # The copy inherits WAL mode; a rollback journal keeps it one file wherever it goes.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def _pg_dump(path):
    run_pg(["pg_dump", "--format=custom", f"--file={path}", f"--dbname={_pg_name()}"])


# Restoring


@dataclass
class Checked:
    """A backup file that passed every check, and what it will replace."""

    path: Path
    engine: str
    database: str
    tables: set


def check(path):
    """Refuse (BackupError) any file that is not a backup of this site's engine; changes nothing."""
    engine = vendor()
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such backup file: {path}")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    found = "sqlite" if head == SQLITE_MAGIC else "postgresql" if head.startswith(PGDUMP_MAGIC) else None
    if found is None:
        raise BackupError(
            f"{path} is not a backup: neither a SQLite database nor a pg_dump custom-format file."
        )
    if found != engine:
        raise BackupError(
            f"{path} is a {ENGINE_NAMES[found]} backup but this site's database is {ENGINE_NAMES[engine]}. "
            "Restore it into a site configured for that engine (DATABASE_URL)."
        )
    tables = _sqlite_tables(path) if engine == "sqlite" else _pg_dump_tables(path)
    if missing := required_tables() - tables:
        raise BackupError(f"{path} is not an IDL Wiki database: it has no {', '.join(sorted(missing))}.")
    return Checked(path, engine, _database_label(), tables)


def _sqlite_tables(path):
    live = connection.settings_dict["NAME"]
    if Path(str(live)).is_file() and path.resolve().samefile(live):
        raise BackupError(f"{path} is the live database itself, not a backup.")
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            # The full check: quick_check passes a file whose indexes miss rows, and
            # restoring one would leave the live database failing integrity_check.
            problems = [row for (row,) in source.execute("PRAGMA integrity_check(5)")]
            if problems != ["ok"]:
                raise BackupError(f"{path} is damaged (SQLite's integrity_check: {'; '.join(problems)}).")
            return {name for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            source.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a SQLite database: {error}") from None


def _pg_dump_tables(path):
    # The archive's table of contents: which tables it would restore.
    listing = run_pg(["pg_restore", "--list", str(path)], what=f"{path} cannot be read by pg_restore")
    # The contents can read whole while the data is cut short: read every byte once.
    run_pg(["pg_restore", f"--file={os.devnull}", str(path)], what=f"{path} is damaged")
    tables = set()
    for line in listing.splitlines():
        # e.g. "215; 1259 16390 TABLE public library_reference postgres"
        parts = line.split()
        if not line.startswith(";") and len(parts) >= 6 and parts[3] == "TABLE":
            tables.add(parts[5])
    return tables


def restore(checked, safety_backup=True):
    """Replace the whole database with the checked backup; returns the safety backup's path, if any.

    The database as it was is backed up first (unless told not to), so a restore of the wrong
    file can itself be undone.
    """
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    if checked.engine == "sqlite":
        before = _sqlite_restore(checked.path, safety_backup)
    else:
        _refuse_other_pg_sessions()
        before = backup(label="before-restore") if safety_backup else None
        _pg_restore(checked)
    # Cached counts and pages describe the data that was just replaced.
    for alias in settings.CACHES:
        caches[alias].clear()
    return before


IN_USE = (
    "Something else is connected to {database} (the site's workers, a shell or another command). "
    "Stop the site first: a write begun before the restore would land on top of the restored data. "
    "Nothing changed."
)


def _sqlite_restore(path, safety_backup):
    name = str(connection.settings_dict["NAME"])
    if not Path(name).is_file():  # an in-memory database (tests): no other process can open it
        live = None
        connection.ensure_connection()
        target = connection.connection
    else:
        connection.close()
        live = target = _sqlite_lock(name)
    try:
        before = backup(label="before-restore", source=live) if safety_backup else None
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            # One step copies every page, under the exclusive lock taken above.
            source.backup(target)
        finally:
            source.close()
    finally:
        if live is not None:
            live.close()  # releases the lock: the site may start again
    return before


def _sqlite_lock(name):
    """A connection holding the database file exclusively: no other may read or write until
    it closes. Refused (BackupError) while any other connection has the file open."""
    live = sqlite3.connect(name, isolation_level=None, timeout=2)
    try:
        # Set before the first read, exclusive mode keeps the lock after COMMIT, and in WAL mode
        # it cannot be had while another connection holds the database's shared memory.
        live.execute("PRAGMA locking_mode=EXCLUSIVE")
        live.execute("BEGIN EXCLUSIVE")
        live.execute("SELECT count(*) FROM sqlite_master").fetchone()
        live.execute("COMMIT")
    except sqlite3.OperationalError:
        live.close()
        raise BackupError(IN_USE.format(database=_database_label())) from None
    return live


def _refuse_other_pg_sessions():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        (others,) = cursor.fetchone()
    if others:
        raise BackupError(IN_USE.format(database=_database_label()))


def _pg_restore(checked):
    """Restore the dump in one transaction; any failure rolls all of it back.

    pg_restore --clean drops only what the dump holds, so tables a newer schema added would
    stay behind (and their foreign keys block the drops): they are dropped first, in the same
    transaction, making the database exactly the backed-up one, as on SQLite. psql runs the
    script pg_restore writes, and COMMIT is sent only once pg_restore has written all of it.
    """
    stale = sorted(set(connection.introspection.table_names()) - checked.tables)
    # --clean drops the tables; an open connection holding locks on them would block it.
    connections.close_all()
    env = _pg_env()
    script_cmd = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--file=-", str(checked.path)]
    psql_cmd = ["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", f"--dbname={_pg_name()}"]
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as psql_errors:
        script = subprocess.Popen(script_cmd, stdout=subprocess.PIPE, stderr=script_errors, env=env)
        psql = subprocess.Popen(
            psql_cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors, env=env
        )
        try:
            psql.stdin.write(b"BEGIN;\n")
            if stale:
                names = ", ".join(connection.ops.quote_name(name) for name in stale)
                psql.stdin.write(f"DROP TABLE IF EXISTS {names} CASCADE;\n".encode())
            shutil.copyfileobj(script.stdout, psql.stdin)
            if script.wait() == 0:
                psql.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error (ON_ERROR_STOP) and rolled back; reported below
        finally:
            # Without COMMIT, psql's end of input ends the session and the transaction with it.
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
            script.stdout.close()
            script.wait()
            psql.wait()
        # psql first: when it stops at an error, pg_restore only fails on the closed pipe.
        for process, errors in ((psql, psql_errors), (script, script_errors)):
            if process.returncode != 0:
                errors.seek(0)
                message = errors.read().decode(errors="replace").strip()
                raise BackupError(
                    f"{process.args[0]} failed; the restore was rolled back, nothing changed:\n{message}"
                )


def pending_migrations():
    """Migrations the restored database still needs (a backup older than the code)."""
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


# PostgreSQL's command-line tools


def _pg_name():
    return connection.settings_dict["NAME"] or "postgres"


def _pg_env():
    """libpq's environment for the configured database: the password never shows in `ps`."""
    from django.db.backends.postgresql.client import DatabaseClient

    db = connection.settings_dict
    _, extra = DatabaseClient.settings_to_cmd_args_env(db, [])
    env = {**os.environ, **(extra or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def run_pg(args, what=None):
    try:
        result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{args[0]} is not installed (Debian: apt-get install postgresql-client)."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{what or args[0] + ' failed'}:\n{result.stderr.strip()}")
    return result.stdout


def _database_label():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"the SQLite database {db['NAME']}"
    return f"the PostgreSQL database {_pg_name()} on {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
