"""Backup and restore give back every record of every table, search included, on either database.

The tests commit for real (pg_dump only sees committed data) and run the commands as an
operator would. Every model is compared row by row, so models added later are covered too.
"""

import contextlib
import io
import sqlite3
from datetime import date

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from ideas.models import Area, IdeaReference, StatusChange
from library.models import FeedToken, LogEntry, Reference
from wiki.backup import run_pg
from wiki.search import search

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def backup_dir(tmp_path, monkeypatch):
    directory = tmp_path / "backups"
    monkeypatch.setenv("IDL_BACKUP_DIR", str(directory))
    return directory


@pytest.fixture(autouse=True)
def site_stopped():
    """Restore refuses while anything else is connected: end the sessions earlier tests' threads
    (a live server's, concurrent writers') left open on the test database, as stopping the
    site would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )


def snapshot():
    """Every row of every table, as values."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def found(text):
    hits, _ = search(text)
    return {(hit.document.doc_type, hit.document.object_id) for hit in hits}


@pytest.fixture
def wiki(client, member, other_member, curator, make_reference, make_entry, make_idea, make_comment):
    """A little of everything: references, readings, an idea with all its parts, tokens, a session."""
    attention = make_reference(
        "Attention quokka networks", authors="Vaswani*, Shazeer*", summary="$x^2$ math"
    )
    attention.tags.add("transformers", "attention")
    post = make_reference("Wombat scaling notes", kind="post", url="https://example.org/wombat")
    entry = make_entry(member, attention, notes="- read it\n  - twice", logged_title="Attention (pdf)")
    entry.tags.add("transformers")
    other_entry = make_entry(other_member, post, read_on=date(2024, 10, 2), notes="numbat results")
    area = Area.objects.create(name="Safety / Interpretability", description="Intro", position=1)
    idea = make_idea("Platypus probing", area=area, label="NLP / LLMs", body="Probe it", proposer=member)
    idea.tags.add("interpretability")
    IdeaReference.objects.create(idea=idea, reference=attention, note="Paper", position=1)
    idea.members.add(other_member)
    StatusChange.objects.create(idea=idea, old_status="proposed", new_status="active", changed_by=curator)
    kept = make_comment(idea, other_member, "Echidna comment")
    hidden = make_comment(idea, member, "Hidden remark", is_hidden=True)
    FeedToken.for_user(member)
    curators = Group.objects.create(name="curators")
    curators.permissions.add(Permission.objects.get(codename="change_reference"))
    curator.groups.add(curators)
    AdminLogEntry.objects.create(
        user=curator,
        content_type=ContentType.objects.get_for_model(Reference),
        object_id=str(post.pk),
        object_repr=str(post),
        action_flag=ADDITION,
    )
    client.force_login(member)  # a session row
    return {
        "attention": attention,
        "post": post,
        "entry": other_entry,
        "idea": idea,
        "comments": (kept, hidden),
    }


def run_backup():
    out = io.StringIO()
    call_command("backup", stdout=out)
    return out.getvalue()


def backup_file(directory):
    (path,) = [p for p in directory.iterdir() if "before-restore" not in p.name]
    return path


def test_restore_gives_back_every_record_and_search(wiki, backup_dir, make_user, make_reference, make_entry):
    before = snapshot()
    for label in ("library.Reference", "library.LogEntry", "wiki.SearchDocument", "ideas.Idea", "ideas.Comment",
                  "ideas.IdeaReference", "ideas.Idea_members", "ideas.Area", "ideas.StatusChange",
                  "library.FeedToken", "taggit.TaggedItem", "auth.User_groups", "sessions.Session",
                  "admin.LogEntry"):  # fmt: skip
        assert before[label], f"the test should fill {label}"

    printed = run_backup()
    assert str(backup_file(backup_dir)) in printed
    assert backup_file(backup_dir).stat().st_mode & 0o077 == 0, "backups hold password hashes: owner only"

    # Everything a day's work does: edits, deletions and additions across the tables.
    attention, idea, comment, entry = wiki["attention"], wiki["idea"], wiki["comments"][0], wiki["entry"]
    gone = {("idea", idea.pk), ("comment", comment.pk), ("log", entry.pk)}
    attention.title = "Renamed reference"
    attention.save()
    attention.tags.set(["renamed"])
    entry.delete()
    comment.delete()
    idea.delete()  # with its links, members, status changes and comments
    FeedToken.renew(idea.proposer)
    newcomer = make_user("newcomer")
    added = make_reference("Zeppelinformer")
    make_entry(newcomer, added, notes="after the backup")
    changed = snapshot()
    assert changed != before
    assert ("reference", added.pk) in found("zeppelinformer")
    assert not found("platypus")
    cache.set("dashboard-count", 42)

    out = io.StringIO()
    call_command("restore", str(backup_file(backup_dir)), "--noinput", stdout=out)

    after = snapshot()
    assert after.keys() == before.keys()
    for label, rows in before.items():
        assert after[label] == rows, f"{label} differs after the restore"
    assert cache.get("dashboard-count") is None, "cached counts belong to the replaced data"
    # The full-text index came back with the tables: old words are found again, new ones not.
    assert found("zeppelinformer") == set()
    assert found("renamed") == set()
    assert ("reference", attention.pk) in found("quokka")
    assert gone == found("platypus") | found("echidna") | found("numbat")

    # The restore first saved the database as it was: restoring that undoes the restore.
    (safety,) = backup_dir.glob("*before-restore*")
    assert str(safety) in out.getvalue()
    call_command("restore", str(safety), "--noinput", "--no-safety-backup", stdout=io.StringIO())
    assert snapshot() == changed
    assert ("reference", added.pk) in found("zeppelinformer")


def test_restore_removes_tables_newer_than_the_backup(wiki, backup_dir):
    """Restoring last night's backup after a deploy added a table gives last night's schema back."""
    run_backup()
    before = snapshot()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE extra_revision (id integer PRIMARY KEY, "
            "reference_id bigint REFERENCES library_reference (id))"
        )
        cursor.execute("INSERT INTO extra_revision VALUES (1, %s)", [wiki["attention"].pk])
    try:
        call_command("restore", str(backup_file(backup_dir)), "--noinput", stdout=io.StringIO())
        assert "extra_revision" not in connection.introspection.table_names()
        assert snapshot() == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS extra_revision")


def other_engine_file(path):
    if connection.vendor == "sqlite":
        path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200))
    else:
        sqlite3.connect(path).execute("CREATE TABLE library_reference (id integer)").connection.close()


def foreign_database(path):
    if connection.vendor == "sqlite":
        sqlite3.connect(path).execute("CREATE TABLE notes (body text)").connection.close()
    else:
        # A whole, readable archive of another database's kind: one table of ours, no library.
        name = connection.settings_dict["NAME"]
        run_pg(["pg_dump", "--format=custom", "--table=django_session", f"--file={path}", f"--dbname={name}"])


def damaged_backup(path):
    """A real backup cut short near its end, where the table of contents still reads."""
    run_backup()
    whole = backup_file(path.parent / "backups")
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size * 95 // 100])
    whole.unlink()


def test_refused_files_change_nothing(wiki, backup_dir, tmp_path, monkeypatch):
    # One test for all of them: each transactional test costs a flush of every table.
    cases = {
        "missing": (None, "No such backup file"),
        "not-a-backup": (lambda path: path.write_text("name,title\n1,Attention\n"), "is not a backup"),
        "other-engine": (other_engine_file, "backup but this site's database is"),
        "not-idl-wiki": (foreign_database, "is not an IDL Wiki database"),
        "damaged": (damaged_backup, "damaged|malformed"),
    }
    before = snapshot()
    for name, (make_file, message) in cases.items():
        path = tmp_path / name
        if make_file:
            make_file(path)
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(path), "--noinput")
        assert snapshot() == before, name
        assert not list(backup_dir.glob("*")), f"{name}: a refusal does not even back up"

    # A good backup, but the operator answers no.
    run_backup()
    wiki["comments"][1].delete()
    before = snapshot()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(backup_file(backup_dir)))
    assert snapshot() == before
    assert not list(backup_dir.glob("*before-restore*"))


def corrupt_an_index(path):
    """Point an index's definition at another column: its entries no longer match the rows.

    quick_check reads such a file as sound; only integrity_check compares indexes with rows."""
    db = sqlite3.connect(path)
    (name, sql) = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'library_reference' "
        "AND sql LIKE '%(\"title_key\")%'"
    ).fetchone()
    db.execute("PRAGMA writable_schema = ON")
    db.execute(
        "UPDATE sqlite_master SET sql = ? WHERE name = ?", [sql.replace('"title_key"', '"kind"'), name]
    )
    db.commit()
    db.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert "missing from index" in db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_backup_with_a_broken_index_is_refused(wiki, backup_dir):
    run_backup()
    path = backup_file(backup_dir)
    corrupt_an_index(path)
    wiki["comments"][1].delete()
    before = snapshot()
    with pytest.raises(CommandError, match=r"damaged \(SQLite's integrity_check: row \d+ missing from index"):
        call_command("restore", str(path), "--noinput")
    assert snapshot() == before
    assert not list(backup_dir.glob("*before-restore*"))
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@contextlib.contextmanager
def site_database(tmp_path):
    """The database the site serves, as production has it: a file on SQLite (the tests' own
    is in memory, which no other process could open), the test database on PostgreSQL."""
    if connection.vendor != "sqlite":
        yield connection.settings_dict
        return
    live = connections["default"]
    live.ensure_connection()
    path = tmp_path / "site.sqlite3"
    target = sqlite3.connect(path)
    live.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    site = connections.create_connection("default")
    site.settings_dict = {**live.settings_dict, "NAME": str(path)}
    connections["default"] = site
    try:
        yield site.settings_dict
    finally:
        site.close()
        connections["default"] = live


def open_session(settings_dict):
    """Another process's connection to the database, e.g. a gunicorn worker's, idle."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(settings_dict["NAME"], isolation_level=None)
        other.execute("SELECT count(*) FROM library_reference").fetchone()
        return other
    other = connections.create_connection("default")
    other.ensure_connection()
    return other


def test_restore_refuses_while_the_site_is_connected(wiki, backup_dir, tmp_path):
    with site_database(tmp_path) as database:
        run_backup()
        path = backup_file(backup_dir)
        entry_id = wiki["entry"].pk
        wiki["entry"].delete()
        before = snapshot()
        worker = open_session(database)
        try:
            with pytest.raises(CommandError, match=r"Stop the site first.*Nothing changed"):
                call_command("restore", str(path), "--noinput")
        finally:
            worker.close()
        assert snapshot() == before
        assert not list(backup_dir.glob("*before-restore*"))
        # With the site stopped it goes ahead.
        call_command("restore", str(path), "--noinput", stdout=io.StringIO())
        assert LogEntry.objects.filter(pk=entry_id).exists()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_nobody_writes_while_sqlite_is_restored(wiki, backup_dir, tmp_path, monkeypatch):
    """From the safety backup to the end of the swap the file is locked: a worker starting
    meanwhile waits, and then sees the restored data."""
    from wiki import backup as backup_module

    attempts = []
    safety_backup = backup_module.backup

    def backup_then_try_to_write(*args, **kwargs):
        path = safety_backup(*args, **kwargs)
        worker = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=0)
        try:
            worker.execute("BEGIN IMMEDIATE")
            worker.execute("UPDATE library_reference SET title = 'Written mid-restore'")
            worker.execute("COMMIT")
            attempts.append("written")
        except sqlite3.OperationalError as error:
            attempts.append(str(error))
        finally:
            worker.close()
        return path

    with site_database(tmp_path):
        run_backup()
        monkeypatch.setattr(backup_module, "backup", backup_then_try_to_write)
        call_command("restore", str(backup_file(backup_dir)), "--noinput", stdout=io.StringIO())
        assert attempts == ["database is locked"]
        assert not Reference.objects.filter(title="Written mid-restore").exists()
