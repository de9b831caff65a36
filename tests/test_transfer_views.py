import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ideas.models import Idea
from library.models import Kind, LogEntry, Reference

from .formats_fixtures import IDEAS, PAPERS, READING_LOG, mac_roman_mojibake

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("library:import")


def upload(name, content):
    return SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode("utf-8"))


@pytest.mark.parametrize("url", [reverse("library:import"), reverse("ideas:import")])
def test_import_pages_are_for_curators(client, member, url):
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": upload("log.md", READING_LOG)}).status_code == 403
    assert not Reference.objects.exists()


def test_curator_previews_then_imports_a_broken_log(curator_client, member):
    response = curator_client.post(
        IMPORT_URL, {"file": upload("old-log.md", mac_roman_mojibake(READING_LOG)), "reader": member.pk}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview of old-log.md: nothing saved yet" in page
    assert "Log entries: 9 to add" in page
    assert "repaired the encoding (UTF-8 that had been read as mac_roman)" in page
    assert not LogEntry.objects.exists() and not Reference.objects.exists()

    token = response.context["token"]
    done = curator_client.post(IMPORT_URL, {"confirm": "1", "token": token})

    assert done.status_code == 200 and "Imported old-log.md." in done.content.decode()
    assert LogEntry.objects.filter(reader=member).count() == 9
    assert Reference.objects.filter(title="Let's build GPT", kind=Kind.VIDEO).exists()
    # The preview is used once: confirming again imports nothing more.
    again = curator_client.post(IMPORT_URL, {"confirm": "1", "token": token}, follow=True)
    assert "That preview has expired" in again.content.decode()
    assert LogEntry.objects.count() == 9


def test_a_bad_upload_shows_file_and_line_and_saves_nothing(curator_client, curator):
    broken = READING_LOG.replace("09/20/2024", "09/31/2024")

    response = curator_client.post(IMPORT_URL, {"file": upload("log.md", broken), "reader": curator.pk})

    assert response.status_code == 200
    assert (
        "log.md:16: “09/31/2024” is not a real date (MM/DD/YYYY). Nothing was imported."
        in (response.context["form"].errors["file"][0])
    )
    assert "token" not in response.context
    assert not Reference.objects.exists()


def test_a_log_without_a_reader_is_refused_with_a_reason(curator_client):
    response = curator_client.post(IMPORT_URL, {"file": upload("log.md", READING_LOG), "format": "log"})

    assert "a reading log needs a reader" in response.context["form"].errors["file"][0]


def test_an_oversized_upload_gets_a_field_error(curator_client, settings):
    settings.IDL_MAX_IMPORT_BYTES = 2**20

    response = curator_client.post(IMPORT_URL, {"file": upload("papers.md", PAPERS * 1500)})

    assert "the limit is 1 MB" in response.context["form"].errors["file"][0]
    assert not Reference.objects.exists()


def test_a_forged_or_stale_token_imports_nothing(curator_client):
    curator_client.post(IMPORT_URL, {"file": upload("papers.md", PAPERS)})

    response = curator_client.post(IMPORT_URL, {"confirm": "1", "token": "guessed"}, follow=True)

    assert "That preview has expired" in response.content.decode()
    assert not Reference.objects.exists()


def test_curator_imports_the_ideas_file(curator_client, curator):
    url = reverse("ideas:import")
    preview = curator_client.post(url, {"file": upload("ideas.md", IDEAS)})
    assert "Dry run, nothing saved. Ideas: 4 to add" in preview.content.decode()
    assert not Idea.objects.exists()

    curator_client.post(url, {"confirm": "1", "token": preview.context["token"]})

    assert Idea.objects.count() == 4 and set(Idea.objects.values_list("proposer", flat=True)) == {curator.pk}


def test_downloads_give_the_teams_formats(member_client, member, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "log.md"
    path.write_text(READING_LOG, encoding="utf-8")
    call_command("import_library", str(path), "--reader", member.username, stdout=None)

    log = member_client.get(reverse("library:log_download"))
    assert log["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'filename="reading-log.md"' in log["Content-Disposition"]
    assert b"".join(log.streaming_content).decode("utf-8").splitlines() == READING_LOG.splitlines()

    videos = b"".join(
        member_client.get(reverse("library:papers_download"), {"kind": "video"}).streaming_content
    )
    videos = videos.decode()
    assert "### Let's build GPT" in videos and "Attention" not in videos

    one_day = member_client.get(reverse("library:log_download"), {"after": "2024-09-25"})
    one_day = b"".join(one_day.streaming_content).decode()
    assert "09/25/2024" in one_day and "09/20/2024" not in one_day


def test_downloads_follow_the_read_rules(client, settings):
    for name in ("library:papers_download", "library:log_download", "ideas:download"):
        assert client.get(reverse(name))["Location"].startswith("/accounts/login/")
    settings.IDL_PUBLIC_READ = True
    for name in ("library:papers_download", "library:log_download", "ideas:download"):
        assert client.get(reverse(name)).status_code == 200


def test_the_preview_lists_what_would_be_added_and_matched(curator_client, member, make_reference, settings):
    make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    response = curator_client.post(IMPORT_URL, {"file": upload("log.md", READING_LOG), "reader": member.pk})
    page = response.content.decode()
    added = dict(response.context["report"].added)
    matched = dict(response.context["report"].matched)
    assert matched == {10: "Attention Is All You Need"}, "the log's pdf link with its typo matches by title"
    assert "Attention Is All You Need" not in added.values() and "Let's build GPT" in added.values()
    assert "<summary>References to add (" in page and "<summary>Matched in the library (1)</summary>" in page
    assert '<span class="meta">line 10</span> Attention Is All You Need' in page
    assert (
        "<summary>Log entries to add (9)</summary>" in page and "09/25/2024 Attention Is All You Need" in page
    )
    assert not LogEntry.objects.exists()
