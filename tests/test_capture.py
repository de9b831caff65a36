"""Capture through the site's forms: a pasted link or identifier alone makes a complete reference.

The sources are the stub server on 127.0.0.1 (tests/metadata_server.py); the forms do real HTTP.
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from library import capture
from library.models import Kind, LogEntry, Reference
from tests import metadata_server

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat


def add(client, url, **extra):
    return client.post(reverse("library:add"), {"kind": "paper", "url": url, **extra}, follow=True)


@pytest.mark.parametrize(
    "pasted",
    ["1706.03762", "arXiv:1706.03762v7", "arxiv.org/abs/1706.03762", "https://arxiv.org/pdf/1706.03762"],
)
def test_an_arxiv_id_alone_adds_the_paper_complete(stub, member_client, pasted):
    page = add(member_client, pasted).content.decode()
    reference = Reference.objects.get()
    assert reference.title == "Attention Is All You Need"
    assert reference.authors == "Ashish Vaswani, Noam Shazeer, Niki Parmar"
    assert reference.published == datetime.date(2017, 6, 12)
    assert (reference.venue, reference.url, reference.kind) == (
        "arXiv",
        "https://arxiv.org/abs/1706.03762",
        Kind.PAPER,
    )
    assert "Transformer" in reference.summary and not reference.needs_title
    assert "Filled in from arXiv: check the details." in page


@pytest.mark.parametrize(
    "pasted", ["10.1038/nature14539", "doi:10.1038/nature14539", "https://doi.org/10.1038/nature14539"]
)
def test_a_doi_alone_adds_the_article_from_crossref(stub, member_client, pasted):
    add(member_client, pasted)
    reference = Reference.objects.get()
    assert reference.title == "Deep learning"
    assert reference.venue == "Nature" and reference.published is not None
    assert "LeCun" in reference.authors and reference.url == "https://doi.org/10.1038/nature14539"


def test_any_page_alone_is_read_from_its_meta_tags(stub, member_client):
    add(member_client, f"{stub.base}/highwire")
    reference = Reference.objects.get()
    assert reference.title == "Neural Machine Translation by Jointly Learning to Align"
    assert reference.venue == "ICLR 2015" and reference.published == datetime.date(2015, 5, 7)


def test_what_the_member_typed_wins_over_the_source(stub, member_client):
    add(member_client, "1706.03762", title="Attention (my title)", venue="NeurIPS 2017")
    reference = Reference.objects.get()
    assert (reference.title, reference.venue) == ("Attention (my title)", "NeurIPS 2017")


def test_an_id_the_source_does_not_know_asks_for_a_title(stub, member_client):
    response = member_client.post(reverse("library:add"), {"kind": "paper", "url": "2401.99999"})
    assert response.status_code == 200 and "Give it a title." in response.context["form"].errors["title"][0]
    assert 'value="2401.99999"' in response.content.decode(), "what was typed is kept"
    assert not Reference.objects.exists()


def test_an_unreachable_source_keeps_the_link_needing_its_title(member_client):
    # No stub: the settings point arXiv at a port nothing listens on.
    page = add(member_client, "arXiv:1706.03762").content.decode()
    reference = Reference.objects.get()
    assert (reference.title, reference.needs_title) == ("arXiv:1706.03762", True)
    assert "marked “needs its title”" in page


def test_logging_an_arxiv_id_alone_adds_and_names_the_paper(stub, member_client, member):
    response = member_client.post(
        reverse("library:log_add"),
        {"url": "arXiv:1706.03762", "kind": "paper", "read_on": TODAY()},
        follow=True,
    )
    entry = LogEntry.objects.get()
    assert entry.reference.title == "Attention Is All You Need" and entry.reference.authors
    assert entry.logged_title == "" and entry.reader == member
    assert "Logged “Attention Is All You Need” and added it to the library." in response.content.decode()


def test_an_ideas_new_link_is_named_from_its_source(stub, member_client):
    response = member_client.post(
        reverse("ideas:new"),
        {
            "title": "Hallucination probes",
            "status": "proposed",
            "add_references": "arXiv:2501.08292 | the benchmark",
        },
    )
    assert response.status_code == 302
    link = Idea.objects.get().reference_links.select_related("reference").get()
    assert link.reference.title == "HALoGEN: Fantastic LLM Hallucinations and Where to Find Them"
    assert (link.note, link.reference.needs_title, link.reference.venue) == (
        "the benchmark",
        False,
        "ACL 2025",
    )


@pytest.mark.django_db(transaction=True)
def test_sources_are_asked_before_any_transaction_opens(stub, member_client, monkeypatch):
    inside = []
    real = capture.lookup

    def spy(text):
        inside.append(connection.in_atomic_block)
        return real(text)

    monkeypatch.setattr(capture, "lookup", spy)
    add(member_client, "1706.03762")
    member_client.post(
        reverse("library:log_add"), {"url": "10.1038/nature14539", "kind": "paper", "read_on": TODAY()}
    )
    member_client.post(
        reverse("ideas:new"),
        {"title": "An idea", "status": "proposed", "add_references": f"{stub.base}/opengraph"},
    )
    assert inside == [False, False, False], "a slow source would hold the write lock"


def test_the_metadata_endpoint_answers_the_forms_script(stub, member_client):
    found = member_client.get(reverse("library:metadata"), {"url": "arXiv:1706.03762"}).json()["found"]
    assert found["title"] == "Attention Is All You Need" and found["published"] == "2017-06-12"
    assert found["tags"] == ["cs.CL"] and found["source"] == "arxiv"
    missing = member_client.get(reverse("library:metadata"), {"url": "2401.99999"}).json()
    assert "error" in missing and "found" not in missing
    assert member_client.get(reverse("library:metadata"), {"url": ""}).status_code == 400


def test_the_bookmarklet_opens_the_form_prefilled(member_client):
    page = member_client.get(reverse("library:bookmarklet")).content.decode()
    assert "javascript:(()=&gt;{location.href=&#x27;http://testserver/library/add/?url=&#x27;" in page
    form = member_client.get(reverse("library:add"), {"url": "https://example.org/p", "title": "A page"})
    assert form.context["form"]["url"].value() == "https://example.org/p"
    assert form.context["form"]["title"].value() == "A page"
    log = member_client.get(reverse("library:log_add"), {"url": "https://example.org/p", "notes": "selected"})
    assert log.context["form"]["notes"].value() == "selected"


HOSTILE_PAGE = (
    '<html><head><meta name="citation_title" content="' + "T" * 700 + '">'
    '<meta name="citation_journal_title" content="'
    + "V" * 400
    + '">'
    + "".join(f'<meta name="citation_author" content="Author{n} \x01Na\u202eme">' for n in range(800))
    + "</head></html>"
)


def test_a_page_saying_too_much_is_cut_to_fit_on_every_path(stub, member_client, monkeypatch):
    # A title, venue and author list past their fields' lengths, with control and bidi characters:
    # on PostgreSQL the log form's save was a 500 ("value too long").
    monkeypatch.setitem(metadata_server.PAGES, "/hostile", (200, metadata_server.HTML, HOSTILE_PAGE))
    url = f"{stub.base}/hostile"
    response = member_client.post(
        reverse("library:log_add"), {"url": url, "kind": "paper", "read_on": TODAY()}
    )
    assert response.status_code == 302
    reference = LogEntry.objects.get().reference
    assert (len(reference.title), len(reference.venue)) == (500, 300)
    assert (
        len(reference.authors) <= 10_000
        and "\x01" not in reference.authors
        and "\u202e" not in reference.authors
    )
    # The add form, a second time: it is the same reference now.
    assert add(member_client, url).redirect_chain[-1][0] == reference.get_absolute_url()
