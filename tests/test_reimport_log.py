"""A reading log imported again and again as the team edits it: re-imports converge."""

import datetime

import pytest

from library.exporter import export_log
from library.models import ImportedText, LogEntry, Reference
from wiki import changes, history
from wiki.models import Revision

from .commands import run
from .reimport_fixtures import LEGEND, LOG_V1, LOG_V2, LOG_V3, LOG_VERSIONS

pytestmark = pytest.mark.django_db


def entries():
    return sorted(
        (e.reader.username, e.read_on, e.display_title, e.display_url, e.notes, e.reference.identity)
        for e in LogEntry.objects.select_related("reference", "reader")
    )


def library_state():
    return (
        entries(),
        sorted(Reference.objects.values_list("identity", "url", "kind")),
        export_log(),
    )


def wipe():
    LogEntry.objects.all().delete()
    Reference.objects.all().delete()
    ImportedText.objects.all().delete()
    Revision.objects.all().delete()


def import_log(write, member, text, name="log.md", *extra):
    return run("import_library", write(name, text), "--reader", member.username, *extra)


def test_replaying_the_versions_ends_where_importing_the_last_alone_ends(write, member):
    for number, version in enumerate(LOG_VERSIONS, start=1):
        import_log(write, member, version, f"log-v{number}.md")
    replayed = library_state()
    wipe()

    import_log(write, member, LOG_V3, "log-v3.md")

    assert replayed == library_state()
    assert replayed[2] == LOG_V3  # the export is the last file, byte for byte


def test_each_update_is_a_new_revision_and_nothing_is_duplicated(write, member):
    import_log(write, member, LOG_V1)

    output = import_log(write, member, LOG_V2, "log-v2.md")

    assert "Log entries: 1 new, 3 updated, 5 already there, 0 no longer in the file. Conflicts: 0." in output
    assert LogEntry.objects.count() == 9
    guide = LogEntry.objects.get(logged_url__contains="visual_guide")
    assert guide.notes == "- Patches as tokens, explained with pictures"
    assert "<li>Patches as tokens" in guide.notes_html
    revisions = list(history.revisions_of(LogEntry, guide.pk).order_by("id"))
    assert [r.action for r in revisions] == [Revision.Action.IMPORTED, Revision.Action.IMPORTED]
    assert revisions[0].data["notes"] == "" and revisions[1].data["notes"] == guide.notes
    assert revisions[1].note.endswith("log-v2.md")
    scaling = LogEntry.objects.get(logged_url__contains="scaling-monosemanticity")
    assert scaling.display_title == "Scaling Monosemanticity: Extracting Interpretable Features"


def test_a_corrected_link_and_a_moved_entry_are_the_same_entries(write, member):
    import_log(write, member, LOG_V2)
    plan = LogEntry.objects.get(reference__title__startswith="LLMs")
    fnn = LogEntry.objects.get(reference__url="./projects/fnn")

    output = import_log(write, member, LOG_V3, "log-v3.md")

    plan.refresh_from_db()
    fnn.refresh_from_db()
    assert plan.display_url == "https://arxiv.org/pdf/2409.13373"
    assert plan.reference.identity == "arxiv:2409.13373"
    assert fnn.read_on == datetime.date(2024, 9, 19) and fnn.notes == "- two layers, numpy only"
    assert LogEntry.objects.count() == 10
    assert "Log entries: 1 new, 3 updated, 6 already there" in output


def test_a_wiki_edit_survives_the_next_import_and_is_listed_as_a_conflict(write, member, curator):
    import_log(write, member, LOG_V1)
    attention = LogEntry.objects.get(reference__identity="arxiv:1706.03762")
    attention.notes = "- Rewritten on the site after the meeting"
    with changes.change(attention, curator):
        attention.save()

    output = import_log(write, member, LOG_V2, "log-v2.md")

    attention.refresh_from_db()
    assert attention.notes == "- Rewritten on the site after the meeting"  # the wiki's edit stands
    assert "Conflicts: 1." in output
    assert (
        "“Attention Is All You Need” — notes differs; kept the library's “- Rewritten on the site" in output
    )
    assert "the file has “- Multi-head attention\n    - each head scaled by" in output
    # Neither side is lost: the history holds the wiki's text, the import's record the file's.
    assert history.revisions_of(LogEntry, attention.pk).last().data["notes"] == attention.notes
    record = ImportedText.objects.get(object_id=attention.pk, source__endswith="log-v2.md")
    assert "each head scaled by" in record.values["notes"] and "each head scaled by" in record.text
    # The rest of the file still came in.
    assert LogEntry.objects.get(logged_url__contains="visual_guide").notes != ""


def test_a_wiki_edit_of_a_field_the_file_did_not_change_keeps_the_files_other_changes(write, member, curator):
    import_log(write, member, LOG_V1)
    guide = LogEntry.objects.get(logged_url__contains="visual_guide")
    guide.logged_title = "A Visual Guide to ViTs"
    with changes.change(guide, curator):
        guide.save()

    output = import_log(write, member, LOG_V2, "log-v2.md")

    guide.refresh_from_db()
    assert guide.logged_title == "A Visual Guide to ViTs"
    assert guide.notes == "- Patches as tokens, explained with pictures"  # the file's change taken
    assert "title as logged differs" in output and LogEntry.objects.count() == 9


def test_entries_gone_from_the_file_are_listed_not_deleted(write, member):
    import_log(write, member, LOG_V1)
    shorter = LOG_V1.replace("- 📺[Let's build GPT](https://www.youtube.com/watch?v=kCc8FmEb1nY)\n", "")

    output = import_log(write, member, shorter, "shorter.md")

    assert LogEntry.objects.count() == 8
    assert "1 no longer in the file" in output
    assert (
        LogEntry.objects.filter(logged_url__contains="youtube").exists()
        or Reference.objects.filter(url__contains="youtube").get().log_entries.exists()
    )


def test_entries_imported_before_records_were_kept_still_update(write, member):
    import_log(write, member, LOG_V1)
    ImportedText.objects.all().delete()  # as a database from before this feature

    output = import_log(write, member, LOG_V2, "log-v2.md")

    assert "Conflicts: 0." in output and LogEntry.objects.count() == 9
    assert LogEntry.objects.get(logged_url__contains="visual_guide").notes != ""


def test_the_dry_run_lists_what_would_be_updated_added_and_gone(write, member):
    import_log(write, member, LOG_V1)
    before = entries()
    edited = LOG_V2.replace("- 📺[Let's build GPT](https://www.youtube.com/watch?v=kCc8FmEb1nY)\n", "")

    output = import_log(write, member, edited, "log-v2.md", "--dry-run")

    assert entries() == before
    assert "Dry run, nothing saved." in output
    assert "Log entries: 1 to add, 3 to update, 4 already there, 1 no longer in the file." in output


def test_the_web_preview_lists_updates_conflicts_and_gone_entries(curator_client, member, write):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    import_log(write, member, LOG_V1)
    attention = LogEntry.objects.get(reference__identity="arxiv:1706.03762")
    attention.notes = "- edited on the site"
    with changes.change(attention, member):
        attention.save()
    edited = LOG_V2.replace("- 📺[Let's build GPT](https://www.youtube.com/watch?v=kCc8FmEb1nY)\n", "")

    response = curator_client.post(
        reverse("library:import"),
        {"file": SimpleUploadedFile("log-v2.md", edited.encode()), "reader": member.pk},
    )

    page = response.content.decode()
    assert "Log entries to update (2)" in page
    assert "In the wiki, no longer in the file (1)" in page
    assert "09/19/2024 Let&#x27;s build GPT" in page
    assert "Log entries to add (1)" in page
    assert "- edited on the site" in page and "each head scaled by" in page
    assert LogEntry.objects.get(pk=attention.pk).notes == "- edited on the site"


def test_two_entries_of_one_reference_on_one_day_stay_two(write, member):
    day = (
        LEGEND
        + "\n09/19/2024\n- 🌐[Course (part 1)](https://c.org/x)\n- 🌐[Course (part 2)](https://c.org/x)\n"
    )
    import_log(write, member, day)

    renamed = day.replace("(part 1)", "(lectures 1-8)").replace("(part 2)", "(lectures 9-13)")
    output = import_log(write, member, renamed, "renamed.md")

    # Both titles changed on the same day and reference: ambiguous, so nothing is guessed.
    assert LogEntry.objects.count() == 4 and "2 no longer in the file" in output
    one_renamed = day.replace("(part 1)", "(lectures 1-8)")
    wipe()
    import_log(write, member, day)
    output = import_log(write, member, one_renamed, "one.md")
    assert LogEntry.objects.count() == 2 and "1 updated" in output


def test_same_file_twice_is_quiet(write, member):
    import_log(write, member, LOG_V3)
    revisions = Revision.objects.count()

    output = import_log(write, member, LOG_V3)

    assert "0 new, 0 updated, 10 already there, 0 no longer in the file. Conflicts: 0." in output
    assert Revision.objects.count() == revisions


def test_a_line_written_twice_is_one_entry_on_first_import_and_after(write, member):
    twice = (
        LEGEND
        + "\n09/19/2024\n- 📜[Paper A](https://arxiv.org/abs/2401.00001)\n- 📜[Paper A](https://arxiv.org/abs/2401.00001)\n"
    )

    first = import_log(write, member, twice)
    again = import_log(write, member, twice)

    assert "Log entries: 1 new, 0 updated, 1 already there" in first
    assert "Log entries: 0 new, 0 updated, 2 already there" in again
    assert LogEntry.objects.count() == 1
