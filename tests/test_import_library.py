import codecs
import datetime

import pytest
from django.core.management import CommandError

from ideas.models import Idea, IdeaReference
from library.formats import readinglog
from library.formats.encoding import decode_bytes, mojibake_score
from library.models import Kind, LogEntry, Reference

from .commands import run
from .formats_fixtures import (
    IDEAS,
    OLDER_LOG,
    PAPERS,
    PAPERS_EARLIER,
    READING_LOG,
    mac_roman_mojibake,
    windows_1254_mojibake,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def write(tmp_path):
    def write(name, content):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return str(path)

    return write


def snapshot():
    """Everything an import could touch, to prove a failed one touched nothing."""
    return (
        sorted(Reference.objects.values_list("pk", "title", "url", "authors", "summary", "needs_title")),
        sorted(LogEntry.objects.values_list("pk", "reference_id", "read_on", "logged_title", "notes")),
        sorted(Idea.objects.values_list("pk", "title", "body")),
    )


# Encodings


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
        pytest.param(lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), id="utf-8 with BOM"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf-16 with BOM"),
        pytest.param(lambda t: t.encode("utf-16-le"), id="utf-16-le without BOM"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), id="CRLF"),
        pytest.param(mac_roman_mojibake, id="UTF-8 read as Mac Roman"),
        pytest.param(windows_1254_mojibake, id="UTF-8 read as Windows-1254, bytes lost"),
    ],
)
def test_every_encoding_the_team_has_decodes_to_the_original_text(encode):
    text, _ = decode_bytes(encode(READING_LOG), "log.md", preferred="🌐”")

    assert text == READING_LOG


def test_a_repair_is_reported_and_clean_text_is_left_alone():
    _, notes = decode_bytes(mac_roman_mojibake(READING_LOG), "old.md")
    assert notes == ["old.md: repaired the encoding (UTF-8 that had been read as mac_roman)."]

    clean = "Gomez†, Łukasz Kaiser*, Straße, Ürün, “quoted” – dash"
    assert decode_bytes(clean.encode("utf-8"), "x")[0] == clean


def test_windows_1252_text_that_is_not_utf8_is_still_read():
    text, _ = decode_bytes("Café “notes”".encode("cp1252"), "legacy.md")

    assert text == "Café “notes”"


def test_a_lost_byte_is_restored_when_the_hint_settles_it_and_marked_when_not():
    broken = windows_1254_mojibake("🌐 and “Quirky” models")

    # 🌐 minus its last byte could be 🌁, 🌍, 🌎, …, and ” could be ‐ or „: say so, don't guess.
    unhinted, _ = decode_bytes(broken, "x.md")
    hinted, _ = decode_bytes(broken, "x.md", preferred="🌐”")

    assert unhinted == "\ufffd and “Quirky\ufffd models"
    assert mojibake_score(unhinted.replace("\ufffd", "")) == 0
    assert hinted == "🌐 and “Quirky” models"


def test_an_icon_that_lost_a_byte_maps_to_its_kind_through_the_files_own_legend():
    # However an icon came out of the repair, the legend says what it means in this file.
    log = "Legend:\n- \ufffd: broad/general resources\n- ğŸŒ: videos\n\n09/20/2024\n- \ufffd[Course](https://c.org)\n- ğŸŒ[Talk](https://t.org)\n"

    kinds = [(item.title, item.kind) for item in readinglog.parse(log, "log.md")]

    assert kinds == [("Course", Kind.RESOURCE), ("Talk", Kind.VIDEO)]


def test_the_teams_windows_1254_log_imports_without_mojibake(write, member):
    path = write("log.md", windows_1254_mojibake(READING_LOG))

    run("import_library", path, "--reader", member.username)

    eecs = Reference.objects.get(url__contains="eecs498")
    assert eecs.kind == Kind.RESOURCE
    assert not Reference.objects.filter(title__regex="[ÃâğŸ]").exists()
    assert LogEntry.objects.filter(notes__contains="“multi-head”").exists()


# The reading log


def test_reading_log_import_keeps_everything(write, member):
    output = run("import_library", write("log.md", READING_LOG), "--reader", member.username)

    assert "Log entries: 9 new" in output
    assert LogEntry.objects.filter(reader=member).count() == 9
    attention = Reference.objects.get(title="Attention Is All You Need")
    entry = attention.log_entries.get()
    assert entry.read_on == datetime.date(2024, 9, 25)
    assert (
        entry.notes
        == "- Re-read for the group: “multi-head” attention, $QK^T$ scaling\n    - sinusoidal positions"
    )
    assert "<math" in entry.notes_html and entry.notes_html.count("<ul>") == 2
    no_link = Reference.objects.get(title="Experiments with local models: oobabooga & a1111")
    assert no_link.url == "" and no_link.kind == Kind.CODE
    assert Reference.objects.get(title="My first FNN").url == "./projects/fnn"
    arena = Reference.objects.get(title="ARENA 3.0, Chapter 1.3")
    assert arena.url.endswith("/[1.3]_Indirect_Object_Identification")
    eecs = Reference.objects.get(url__contains="eecs498")  # two lectures, one reference
    assert sorted(entry.display_title for entry in eecs.log_entries.all()) == [
        "EECS 498-007 Deep Learning for Computer Vision (Lectures 1-8)",
        "EECS 498-007 Deep Learning for Computer Vision (Lectures 9-13)",
    ]


def test_importing_twice_or_an_older_snapshot_adds_nothing(write, member):
    log = write("log.md", mac_roman_mojibake(READING_LOG))
    run("import_library", log, "--reader", member.username)
    before = snapshot()

    second = run("import_library", log, "--reader", member.username)
    older = run(
        "import_library", write("old.md", windows_1254_mojibake(OLDER_LOG)), "--reader", member.username
    )

    assert snapshot() == before
    assert "Log entries: 0 new, 0 updated, 9 already there, 0 no longer in the file" in second
    assert "Log entries: 0 new, 0 updated, 2 already there, 7 no longer in the file" in older


def test_another_reader_logging_the_same_reading_gets_their_own_entry(write, member, other_member):
    path = write("old.md", OLDER_LOG)
    run("import_library", path, "--reader", member.username)
    run("import_library", path, "--reader", other_member.username)

    assert LogEntry.objects.count() == 4 and Reference.objects.count() == 2


def test_log_export_gives_the_file_back_line_for_line(write, member, tmp_path):
    run("import_library", write("log.md", mac_roman_mojibake(READING_LOG)), "--reader", member.username)
    out = tmp_path / "export.md"

    run("export_library", "--format", "log", "-o", str(out))

    assert out.read_text(encoding="utf-8").splitlines() == READING_LOG.splitlines()


# Identity, merging, filling


def test_the_log_and_the_readme_meet_on_url_and_title_in_either_order(write, member):
    run("import_library", write("log.md", READING_LOG), "--reader", member.username)
    output = run("import_library", write("papers.md", PAPERS), "--reader", member.username)

    assert Reference.objects.filter(title__startswith="Scaling Monosemanticity").count() == 1
    assert Reference.objects.filter(title="Attention Is All You Need").count() == 1
    attention = Reference.objects.get(title="Attention Is All You Need")
    # The README's real arXiv link wins over the log's truncated one, which its entry keeps.
    assert attention.url == "https://arxiv.org/abs/1706.03762"
    assert attention.log_entries.get().display_url == "https://arxiv.org/pdf/1706.0376"
    assert attention.venue == "31st Conference on Neural Information Processing Systems, NIPS 2017"
    assert attention.published == datetime.date(2017, 6, 12)
    scaling = Reference.objects.get(identity__contains="scaling-monosemanticity")
    assert scaling.title == "Scaling Monosemanticity: Extracting Interpretable Features from Claude 3 Sonnet"
    assert scaling.authors.startswith("Adly Templeton*")
    assert "title differs; kept the library's" in output


def test_same_library_whatever_the_order(write, member, django_db_blocker):
    files = [write("papers.md", PAPERS), write("log.md", READING_LOG), write("old.md", OLDER_LOG)]

    def library():
        # The same references, links and readings (a title both files name differently is the
        # first one's, the other reported as a conflict).
        return sorted(Reference.objects.values_list("identity", "url")), LogEntry.objects.count()

    run("import_library", *files, "--reader", member.username)
    first = library()
    LogEntry.objects.all().delete()
    Reference.objects.all().delete()
    run("import_library", *reversed(files), "--reader", member.username)

    assert library() == first


def test_a_file_that_knows_more_fills_empty_fields_and_reports_conflicts(write, member):
    run("import_library", write("earlier.md", PAPERS_EARLIER))
    attention = Reference.objects.get()
    attention.authors = "Vaswani et al."
    attention.save()

    output = run("import_library", write("papers.md", PAPERS))

    attention.refresh_from_db()
    assert attention.affiliation == "Google Brain, Google Research, University of Toronto"
    assert attention.summary == "The Transformer, based solely on attention mechanisms."
    assert attention.venue.startswith("31st Conference")
    assert attention.authors == "Vaswani et al."  # never overwritten
    assert "papers.md:15: “Attention Is All You Need” — authors differs" in output


# Bad files change nothing


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        (READING_LOG.replace("09/20/2024", "09/31/2024"), ":16:", "not a real date"),
        (READING_LOG.replace("09/20/2024", "2024-09-20"), ":16:", "not a date in MM/DD/YYYY form"),
        ("Legend:\n- 📜: papers\n\n- 📜[Early](https://x.org)\n", ":4:", "an entry before any date"),
        (READING_LOG.replace("- 📺: videos", "- 📺 videos"), ":7:", "legend line"),
        (READING_LOG.replace("- 🧪Experiments", "- Experiments"), ":14:", "icon from the legend"),
        (PAPERS.replace("June 12, 2017", "Summer 2017"), ":19:", "not a date such as"),
        (PAPERS.replace("**Affiliation**", "**Lab**"), ":10:", "unknown field “Lab”"),
        ("just some notes\nwith no structure\n", ":1:", "neither a papers README"),
        (b"\x00\x01\x02binary\xff", ":1:", "binary file"),
        # A link becomes an href on every page: a script url is refused, not stored.
        (
            "Legend:\n- 📜: papers\n\n09/25/2024\n- 📜[Evil](javascript:alert(1))\n",
            ":5:",
            "neither an http(s) link",
        ),
        (
            PAPERS.replace("https://arxiv.org/abs/1706.03762", "data:text/html,x"),
            ":15:",
            "“data:text/html,x”",
        ),
    ],
)
def test_a_bad_file_names_file_and_line_and_changes_nothing(write, member, content, where, message):
    run("import_library", write("good.md", OLDER_LOG), "--reader", member.username)
    before = snapshot()
    good, bad = write("first.md", PAPERS_EARLIER), write("bad.md", content)

    with pytest.raises(CommandError) as error:
        run("import_library", good, bad, "--reader", member.username)

    assert f"bad.md{where}" in str(error.value) and message in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert snapshot() == before


def test_an_unreadable_file_or_unknown_reader_is_a_clear_error(write, member):
    with pytest.raises(CommandError, match=r"missing\.md:0: cannot read the file"):
        run("import_library", "/nonexistent/missing.md", "--reader", member.username)
    with pytest.raises(CommandError, match="there is no user “nobody”"):
        run("import_library", write("log.md", READING_LOG), "--reader", "nobody")
    with pytest.raises(CommandError, match="a reading log needs a reader"):
        run("import_library", write("log.md", READING_LOG))
    assert not Reference.objects.exists()


def test_dry_run_reports_and_saves_nothing(write, member):
    output = run("import_library", write("log.md", READING_LOG), "--reader", member.username, "--dry-run")

    assert "Dry run, nothing saved. References: 8 to add" in output
    assert "Log entries: 9 to add" in output
    assert not Reference.objects.exists() and not LogEntry.objects.exists()


def test_format_can_be_forced(write, member):
    with pytest.raises(CommandError, match=r"log\.md:1: expected a date, an entry"):
        run("import_library", write("log.md", PAPERS), "--format", "log", "--reader", member.username)
    run("import_library", write("papers.md", PAPERS), "--format", "papers")
    assert Reference.objects.count() == 2


def test_papers_export_round_trip(write, tmp_path):
    run("import_library", write("papers.md", PAPERS))
    out = tmp_path / "papers-export.md"

    run("export_library", "--format", "papers", "-o", str(out))

    assert out.read_text(encoding="utf-8").splitlines() == PAPERS.splitlines()


# Ideas


def test_ideas_import_links_references_and_keeps_the_link_text(write, member):
    output = run("import_ideas", write("ideas.md", IDEAS), "--user", member.username)

    assert "Ideas: 4 new" in output
    titles = list(Idea.objects.order_by("id").values_list("title", flat=True))
    assert titles == [
        "Playing around with toy monosemanticity models",
        "Some proposals by Apollo",
        "Titans architecture - Google new architecture with memory at inference",
        "Explore the mechanisms used by Deepseek",
    ]
    apollo = Idea.objects.get(title="Some proposals by Apollo")
    assert apollo.area.name == "Safety / Interpretability / Alignment"
    assert apollo.area.description == "The basic target is to learn how deep learning models work."
    assert apollo.label == "Intepretability" and apollo.proposer == member
    assert "    - and several others." not in apollo.body and "- and several others." in apollo.body
    links = [(link.reference.title, link.note) for link in apollo.reference_links.order_by("position")]
    assert links == [
        (
            "lesswrong.com/posts/KfkpgXdgRheSRWDy8/a-list",
            "Apollo; Apply SAEs to a small conv net (e.g. Alex Net)",
        ),
        ("arXiv:2406.03662", "Paper"),
    ]
    assert Reference.objects.get(url="https://github.com/deepseek-ai/DeepSeek-V3").kind == Kind.CODE
    assert Reference.objects.filter(needs_title=True).count() == 5


def test_a_later_import_that_knows_the_title_fills_it(write, member):
    run("import_ideas", write("ideas.md", IDEAS))
    log = "Legend:\n- 📜: papers\n\n01/10/2025\n- 📜[Titans: Learning to Memorize at Test Time](https://arxiv.org/pdf/2501.00663v1)\n"

    run("import_library", write("log.md", log), "--reader", member.username)

    titans = Reference.objects.get(identity="arxiv:2501.00663")
    assert titans.title == "Titans: Learning to Memorize at Test Time" and not titans.needs_title
    assert titans.log_entries.get().logged_title == ""
    assert IdeaReference.objects.get(reference=titans).note == "Paper"


def test_ideas_import_is_idempotent_and_exports_back(write, tmp_path):
    run("import_ideas", write("ideas.md", IDEAS))
    before = snapshot()
    out = tmp_path / "ideas-export.md"

    run("export_ideas", "-o", str(out))
    again = run("import_ideas", str(out))
    run("import_ideas", write("ideas.md", IDEAS))

    assert "Ideas: 0 new, 0 updated, 4 already there" in again
    assert snapshot() == before
    exported = out.read_text(encoding="utf-8")
    assert "## NLP and LLMs\n\n1. **NLP / LLMs** Titans architecture" in exported
    assert "    - and several others." in exported


def test_a_bad_ideas_file_changes_nothing(write):
    with pytest.raises(CommandError, match=r"ideas\.md:1: no numbered ideas"):
        run("import_ideas", write("ideas.md", "# Ideas\n\nnothing numbered here\n"))
    scripted = IDEAS.replace("https://", "javascript://", 1)
    with pytest.raises(CommandError, match=r"ideas\.md:\d+: the link “javascript://"):
        run("import_ideas", write("ideas.md", scripted))
    assert not Idea.objects.exists() and not Reference.objects.exists()


def test_a_log_linking_a_reference_differently_is_not_a_conflict(write, member):
    run("import_library", write("papers.md", PAPERS))

    output = run("import_library", write("log.md", READING_LOG), "--reader", member.username)

    assert "Conflicts: 0." in output
    assert Reference.objects.get(title="Attention Is All You Need").url == "https://arxiv.org/abs/1706.03762"
