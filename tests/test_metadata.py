"""Capture by identifier: library.metadata.lookup against a stub server on 127.0.0.1, the fetch's
refusals (private addresses, redirects, time, size), and the fill (command, admin, imports)."""

import datetime
import socket
import time
from io import StringIO

import pytest
from django.core.management import call_command

from library.metadata import Metadata, NotFound, SourceUnreachable, fetch, lookup
from library.metadata.page import kind_for
from library.models import Reference
from wiki.models import Revision

# arXiv


@pytest.mark.parametrize(
    "text",
    [
        "1706.03762",
        "arXiv:1706.03762v7",
        "arxiv.org/abs/1706.03762",
        "https://arxiv.org/pdf/1706.03762v2.pdf",
    ],
)
def test_arxiv_ids_in_every_form(stub, text):
    found = lookup(text)
    assert found.title == "Attention Is All You Need"
    assert found.authors == "Ashish Vaswani, Noam Shazeer, Niki Parmar"
    assert found.published == datetime.date(2017, 6, 12)
    assert found.url == "https://arxiv.org/abs/1706.03762"
    assert found.venue == "arXiv"
    assert found.kind == "paper"
    assert found.tags == ["cs.CL"]
    assert found.source == "arxiv"
    assert found.summary.startswith(
        "The dominant sequence transduction models are based on complex recurrent or convolutional"
    )
    assert "\n\nWe propose a new simple network architecture" in found.summary


def test_arxiv_journal_ref_is_the_venue(stub):
    assert lookup("2501.08292").venue == "ACL 2025"


@pytest.mark.parametrize("arxiv_id", ["2401.99999", "2402.99999", "2403.00001"])
def test_arxiv_error_empty_and_malformed_feeds_are_not_found(stub, arxiv_id):
    with pytest.raises(NotFound):
        lookup(arxiv_id)


def test_answers_are_cached_but_unreachable_is_not(stub, settings):
    lookup("1706.03762")
    lookup("arXiv:1706.03762v7")
    assert len(stub.requests) == 1
    with pytest.raises(NotFound):
        lookup("2402.99999")
    with pytest.raises(NotFound):
        lookup("2402.99999")
    assert len(stub.requests) == 2
    settings.IDL_ARXIV_API = f"http://127.0.0.1:{free_port()}/api/query"
    with pytest.raises(SourceUnreachable):
        lookup("2501.08292")
    settings.IDL_ARXIV_API = f"{stub.base}/api/query"
    assert lookup("2501.08292").title.startswith("HALoGEN")


# Crossref


@pytest.mark.parametrize(
    "text", ["10.1038/nature14539", "doi:10.1038/nature14539", "https://doi.org/10.1038/nature14539"]
)
def test_crossref_dois(stub, text):
    found = lookup(text)
    assert found == Metadata(
        url="https://doi.org/10.1038/nature14539",
        title="Deep learning",
        authors="Yann LeCun, Yoshua Bengio, Geoffrey Hinton",
        published=datetime.date(2015, 5, 28),
        venue="Nature",
        summary="Deep learning allows computational models.",
        kind="paper",
        source="crossref",
    )


def test_crossref_missing_and_malformed_are_not_found(stub):
    with pytest.raises(NotFound):
        lookup("10.1000/missing")
    with pytest.raises(NotFound):
        lookup("10.1000/broken")


# Pages


def test_highwire_tags_first(stub):
    found = lookup(f"{stub.base}/highwire")
    assert found.title == "Neural Machine Translation by Jointly Learning to Align"
    assert found.authors == "Dzmitry Bahdanau, Kyunghyun Cho, Yoshua Bengio"
    assert found.published == datetime.date(2015, 5, 7)
    assert found.venue == "ICLR 2015"
    assert found.source == "page"
    assert found.url == f"{stub.base}/highwire"


def test_opengraph_then_title(stub):
    found = lookup(f"{stub.base}/opengraph")
    assert (found.title, found.authors, found.published) == (
        "The Illustrated Transformer & more",
        "Jay Alammar",
        datetime.date(2018, 6, 27),
    )
    assert found.summary == "Visualizing machine learning one concept at a time."
    assert lookup(f"{stub.base}/title-only").title == "Just a title"
    assert lookup(f"{stub.base}/latin1").title == "Café notes"


def test_pages_without_a_title_or_not_html_are_not_found(stub):
    for path in ("/no-title", "/pdf", "/nowhere"):
        with pytest.raises(NotFound):
            lookup(f"{stub.base}{path}")


def test_server_errors_are_unreachable(stub):
    with pytest.raises(SourceUnreachable, match="503"):
        lookup(f"{stub.base}/error")


def test_redirects_followed_up_to_five(stub):
    found = lookup(f"{stub.base}/redirect/5")
    assert found.title.startswith("Neural Machine Translation")
    assert found.url == f"{stub.base}/highwire"
    with pytest.raises(SourceUnreachable, match="redirects"):
        lookup(f"{stub.base}/redirect/7")


def test_slow_server_times_out(stub):
    started = time.monotonic()
    with pytest.raises(SourceUnreachable, match="in time"):
        lookup(f"{stub.base}/slow")
    assert time.monotonic() - started < 2.4


def test_huge_bodies_are_refused(stub):
    with pytest.raises(NotFound, match="too large"):
        lookup(f"{stub.base}/huge")
    with pytest.raises(NotFound, match="too large"):
        lookup(f"{stub.base}/huge-declared")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_unreachable(stub):
    with pytest.raises(SourceUnreachable, match="refused"):
        lookup(f"http://127.0.0.1:{free_port()}/page")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/admin/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
    ],
)
def test_private_addresses_are_refused(settings, url):
    settings.IDL_METADATA_ALLOW_PRIVATE = False
    with pytest.raises(SourceUnreachable, match="local or private address"):
        lookup(url)


def test_a_public_host_redirecting_to_loopback_is_refused(stub, settings, monkeypatch):
    """ "public.example" stands for a public site (its address passes the check, but is the stub's);
    its redirect to 127.0.0.1 is checked like any link and refused."""
    settings.IDL_METADATA_ALLOW_PRIVATE = False
    real = fetch._public_address

    def public_example(host, port):
        return "127.0.0.1" if host == "public.example" else real(host, port)

    monkeypatch.setattr(fetch, "_public_address", public_example)
    port = stub.server_port
    assert lookup(f"http://public.example:{port}/title-only").title == "Just a title"
    with pytest.raises(SourceUnreachable, match="local or private address"):
        lookup(f"http://public.example:{port}/to-loopback")
    assert "/highwire" not in stub.requests


def test_other_schemes_and_words_are_not_looked_up(stub):
    for text in ("ftp://example.com/x", "file:///etc/passwd", "not a link at all", ""):
        with pytest.raises(NotFound):
            lookup(text)


def test_unknown_hosts_are_unreachable(settings):
    with pytest.raises(SourceUnreachable, match="could not be found"):
        lookup("https://no-such-host.invalid/page")


def test_kind_from_the_host():
    assert kind_for("https://github.com/deepseek-ai/DeepSeek-V3") == "code"
    assert kind_for("https://www.youtube.com/watch?v=x") == "video"
    assert kind_for("https://youtu.be/x") == "video"
    assert kind_for("https://lilianweng.github.io/posts/x/") == "post"
    assert kind_for("https://someone.substack.com/p/x") == "post"
    assert kind_for("https://distill.pub/2020/circuits/") == "post"
    assert kind_for("https://example.com/") == ""


# Filling references


def test_fill_metadata_fills_empty_fields_only(stub, make_reference):
    placeholder = make_reference(title="Paper", url="https://arxiv.org/abs/1706.03762", needs_title=True)
    entered = make_reference(
        title="Deep learning (review)", url="https://doi.org/10.1038/nature14539", authors="LeCun et al."
    )
    unreachable = make_reference(title="Gone", url="http://127.0.0.1:9/gone")
    not_found = make_reference(title="No page", url=f"{stub.base}/nowhere")
    complete = make_reference(
        title="Complete",
        url=f"{stub.base}/title-only",
        authors="A. Person",
        published=datetime.date(2020, 1, 1),
    )
    out = StringIO()
    call_command("fill_metadata", stdout=out, stderr=StringIO())
    placeholder.refresh_from_db()
    entered.refresh_from_db()
    assert placeholder.title == "Attention Is All You Need"
    assert not placeholder.needs_title
    assert placeholder.authors.startswith("Ashish Vaswani")
    assert placeholder.published == datetime.date(2017, 6, 12)
    assert entered.title == "Deep learning (review)"
    assert entered.authors == "LeCun et al."
    assert entered.published == datetime.date(2015, 5, 28)
    assert entered.venue == "Nature"
    text = out.getvalue()
    assert "2 filled, 1 not found, 1 unreachable, 0 unchanged." in text
    assert "Kept as entered" in text and "LeCun et al." in text
    revision = Revision.objects.filter(object_id=placeholder.pk).order_by("-pk").first()
    assert revision.action == Revision.Action.EDITED
    assert revision.note == "Filled from arXiv"
    assert revision.user is None
    assert Reference.objects.filter(title__icontains="attention").exists()
    assert unreachable.pk and complete.pk and not_found.pk


def test_fill_metadata_dry_run_and_limit(stub, make_reference):
    first = make_reference(title="Paper", url="https://arxiv.org/abs/1706.03762", needs_title=True)
    second = make_reference(title="Paper", url="https://arxiv.org/abs/2501.08292", needs_title=True)
    out = StringIO()
    call_command("fill_metadata", "--dry-run", stdout=out, stderr=StringIO())
    assert "2 filled" in out.getvalue() and "Dry run" in out.getvalue()
    first.refresh_from_db()
    assert first.needs_title and first.title == "Paper"
    call_command("fill_metadata", "--limit", "1", stdout=StringIO(), stderr=StringIO())
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title == "Attention Is All You Need"
    assert second.needs_title


def test_fill_metadata_all_lists_differences(stub, make_reference):
    make_reference(
        title="Attention is all we need",
        url="https://arxiv.org/abs/1706.03762",
        authors="Vaswani et al.",
        published=datetime.date(2017, 6, 12),
    )
    out = StringIO()
    call_command("fill_metadata", stdout=out, stderr=StringIO())
    assert "0 filled" in out.getvalue() and "unchanged" in out.getvalue()
    out = StringIO()
    call_command("fill_metadata", "--all", stdout=out, stderr=StringIO())
    assert "1 filled" in out.getvalue()  # the empty venue and summary
    assert "the title is “Attention is all we need”, arXiv says “Attention Is All You Need”" in out.getvalue()


def test_admin_action(stub, client, curator, make_reference):
    reference = make_reference(title="Paper", url="https://arxiv.org/abs/1706.03762", needs_title=True)
    client.force_login(curator)
    response = client.post(
        "/admin/library/reference/",
        {"action": "fill_metadata", "_selected_action": [reference.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 filled, 0 not found, 0 unreachable, 0 unchanged." in response.content.decode()
    reference.refresh_from_db()
    assert reference.title == "Attention Is All You Need"
    assert Revision.objects.filter(object_id=reference.pk, user=curator, note="Filled from arXiv").exists()


IDEAS_FILE = """# Ideas and References

## NLP and LLMs
1. **NLP / LLMs** Hallucination benchmarks. [Paper](https://arxiv.org/abs/2501.08292)
2. **NLP / LLMs** Revisit the transformer. [Attention Is All You Need](https://arxiv.org/abs/1706.03762)
"""


def test_ideas_file_placeholder_gets_its_title(stub, tmp_path, db):
    path = tmp_path / "README.md"
    path.write_text(IDEAS_FILE)
    call_command("import_ideas", str(path), stdout=StringIO())
    placeholder = Reference.objects.get(identity="arxiv:2501.08292")
    assert placeholder.needs_title
    out = StringIO()
    call_command("fill_metadata", stdout=out, stderr=StringIO())
    placeholder.refresh_from_db()
    assert placeholder.title == "HALoGEN: Fantastic LLM Hallucinations and Where to Find Them"
    assert not placeholder.needs_title
    assert placeholder.venue == "ACL 2025"


def test_import_ideas_fetch_metadata(stub, tmp_path, db):
    path = tmp_path / "README.md"
    path.write_text(IDEAS_FILE)
    out = StringIO()
    call_command("import_ideas", str(path), "--fetch-metadata", stdout=out, stderr=StringIO())
    assert "Metadata: 2 filled" in out.getvalue()
    assert Reference.objects.get(identity="arxiv:2501.08292").title.startswith("HALoGEN")


PAPERS_FILE = """# Deep Learning Papers

## Papers

### Attention Is All You Need

- **Link**: [Attention Is All You Need](https://arxiv.org/abs/1706.03762)
"""


def test_import_library_fetch_metadata(stub, tmp_path, db):
    path = tmp_path / "papers.md"
    path.write_text(PAPERS_FILE)
    out = StringIO()
    call_command("import_library", str(path), "--fetch-metadata", stdout=out, stderr=StringIO())
    assert "Metadata: 1 filled" in out.getvalue()
    reference = Reference.objects.get(identity="arxiv:1706.03762")
    assert reference.authors.startswith("Ashish Vaswani")
    assert reference.published == datetime.date(2017, 6, 12)
