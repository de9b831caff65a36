"""A preview never blocks members' writes, and no note nests deeper than a page can render."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from library import importer as library_importer
from library.formats import readinglog
from library.models import LogEntry, Reference

from .formats_fixtures import READING_LOG

IMPORT_URL = reverse("library:import")
LIMIT = 50  # levels of nesting a note may have


def upload(name, text):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def deep_log(levels):
    """The team's log with one entry whose notes nest `levels` points deep."""
    points = "\n".join(f"{readinglog.NOTE_INDENT * (level + 1)}- point {level}" for level in range(levels))
    entry = "- 📜[Deep notes](https://arxiv.org/abs/2401.00001)"
    return READING_LOG.replace("09/25/2024\n", f"09/25/2024\n{entry}\n{points}\n", 1)


def deep_line(text, levels):
    return text.splitlines().index(f"{readinglog.NOTE_INDENT * (levels + 1)}- point {levels}") + 1


@pytest.mark.django_db
def test_a_note_nested_too_deeply_is_a_file_and_line_error(tmp_path, member):
    text = deep_log(300)
    path = tmp_path / "log.md"
    path.write_text(text, encoding="utf-8")
    line = deep_line(text, LIMIT)
    with pytest.raises(CommandError, match=rf"log\.md:{line}: the note nests deeper than 50 levels"):
        call_command("import_library", str(path), "--reader", member.username, stdout=None)
    assert not Reference.objects.exists() and not LogEntry.objects.exists()


@pytest.mark.django_db
def test_the_preview_of_an_over_deep_note_names_the_line(curator_client, curator):
    text = deep_log(300)
    response = curator_client.post(IMPORT_URL, {"file": upload("log.md", text), "reader": curator.pk})
    assert response.status_code == 200
    line = deep_line(text, LIMIT)
    (error,) = response.context["form"].errors["file"]
    assert error.startswith(f"log.md:{line}: the note nests deeper than 50 levels")
    assert error.endswith("Nothing was imported.")
    assert not Reference.objects.exists() and not LogEntry.objects.exists()


@pytest.mark.django_db
def test_notes_at_the_depth_limit_import_and_render(curator_client, curator):
    text = deep_log(LIMIT)
    response = curator_client.post(IMPORT_URL, {"file": upload("log.md", text), "reader": curator.pk})
    assert "Preview of log.md" in response.content.decode()
    curator_client.post(IMPORT_URL, {"confirm": "1", "token": response.context["token"]})
    entry = LogEntry.objects.get(reference__title="Deep notes")
    assert entry.notes_html.count("<ul>") == LIMIT


@pytest.mark.django_db(transaction=True)
def test_a_members_write_succeeds_while_a_preview_runs(curator_client, curator, member, monkeypatch):
    """The preview is a dry run: it must not hold SQLite's write lock while it works."""
    member_client = Client()
    member_client.force_login(member)
    writes = []
    run = library_importer.LibraryImporter.run

    def run_with_a_member_writing(self, sources):
        def write():
            try:
                writes.append(
                    member_client.post(
                        reverse("library:log_add"),
                        {"title": "Written during the preview", "kind": "paper", "read_on": "2025-01-02"},
                    )
                )
            finally:
                connections.close_all()  # this thread's own connection

        # The member writes while the dry run is under way, as a second worker would.
        self.progress = lambda done, total: writes or (thread.start(), thread.join(timeout=60))
        thread = threading.Thread(target=write)
        return run(self, sources)

    monkeypatch.setattr(library_importer.LibraryImporter, "run", run_with_a_member_writing)
    if connection.vendor == "sqlite":  # fail in seconds, not after the 20 s busy timeout
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 2)

    response = curator_client.post(IMPORT_URL, {"file": upload("log.md", READING_LOG), "reader": curator.pk})

    assert response.status_code == 200 and "Log entries: 9 to add" in response.content.decode()
    (write,) = writes
    assert write.status_code == 302, "the member's write waited for the preview and failed"
    assert LogEntry.objects.filter(reference__title="Written during the preview", reader=member).exists()
    assert not LogEntry.objects.filter(reader=curator).exists(), "the preview saved nothing"
