import re
from datetime import date

import bibtexparser
import pytest
from django.urls import reverse

from library.bibtex import _suffix, split_authors, to_bibtex
from library.models import Kind, Reference

pytestmark = pytest.mark.django_db


def test_split_authors_drops_contribution_marks():
    assert split_authors("Ashish Vaswani*, Noam Shazeer*, Aidan N. Gomez†, Illia Polosukhin‡") == [
        "Ashish Vaswani",
        "Noam Shazeer",
        "Aidan N. Gomez",
        "Illia Polosukhin",
    ]
    assert split_authors("Ian Goodfellow and Yoshua Bengio") == ["Ian Goodfellow", "Yoshua Bengio"]
    assert split_authors("") == []


def test_bibtex_entry_fields_and_escaping(make_reference):
    make_reference(
        title="Attention Is All You Need & 100% of {it} #1",
        url="https://arxiv.org/pdf/1706.03762v5",
        authors="Ashish Vaswani*, Łukasz Kaiser*",
        published=date(2017, 6, 12),
        venue="NIPS 2017",
    )
    text = to_bibtex(Reference.objects.all())
    assert "@inproceedings{vaswani2017attention," in text
    assert r"Attention Is All You Need \& 100\% of \{it\} \#1" in text
    assert r"author = {Ashish Vaswani and {\L}ukasz Kaiser}" in text
    assert "eprint = {1706.03762}" in text and "archivePrefix = {arXiv}" in text
    assert "url = {https://arxiv.org/pdf/1706.03762v5}" in text
    assert "booktitle = {NIPS 2017}" in text and "year = {2017}" in text
    parsed = bibtexparser.parse_string(text)
    assert len(parsed.entries) == 1 and not parsed.failed_blocks


def test_keys_are_unique_and_kinds_map_to_entry_types(make_reference):
    book = make_reference(
        title="Deep Learning",
        kind=Kind.BOOK,
        url="https://www.deeplearningbook.org/",
        authors="Ian Goodfellow, Yoshua Bengio",
        published=date(2016, 11, 18),
        affiliation="MIT Press",
    )
    twin = make_reference(
        title="Deep Learning",
        kind=Kind.VIDEO,
        url="https://example.org/dl",
        authors="Ian Goodfellow",
        published=date(2016, 1, 1),
    )
    local = make_reference(title="My first FNN", kind=Kind.CODE, url="./projects/fnn")
    parsed = bibtexparser.parse_string(to_bibtex([book, twin, local]))
    entries = {entry.key: entry for entry in parsed.entries}
    assert set(entries) == {"goodfellow2016deep", "goodfellow2016deepa", "anonndfirst"}
    types = sorted(entry.entry_type for entry in parsed.entries)
    assert types == ["book", "misc", "misc"]
    assert "url" not in next(e for e in parsed.entries if "FNN" in e["title"]).fields_dict


def test_bibtex_download_follows_the_list_filters(member_client, make_reference):
    make_reference(title="A paper", kind=Kind.PAPER)
    make_reference(title="A video", kind=Kind.VIDEO)
    response = member_client.get(reverse("library:bibtex"), {"kind": "video"})
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert "A video" in body and "A paper" not in body
    listing = member_client.get(reverse("library:list"), {"kind": "video", "page": 1}).content.decode()
    assert 'href="/library/export.bib?kind=video"' in listing


def test_bibtex_is_private_unless_public_read(client, settings):
    assert client.get(reverse("library:bibtex")).status_code == 302
    settings.IDL_PUBLIC_READ = True
    assert client.get(reverse("library:bibtex")).status_code == 200


def test_a_download_streams_stored_entries_in_a_fixed_number_of_queries(
    member_client, make_reference, django_assert_max_num_queries
):
    for n in range(30):
        make_reference(
            title=f"Grokking {n}", authors="Alethea Power", kind=Kind.PAPER, published="2022-01-06"
        )
    url = reverse("library:bibtex")
    # Session, user, the keys in id order, the entries, and (in a test) the savepoint around them.
    with django_assert_max_num_queries(6):
        response = member_client.get(url, {"kind": "paper"})
        text = b"".join(response.streaming_content).decode()
    assert response.streaming
    keys = re.findall(r"^@\w+\{([^,]+),", text, re.MULTILINE)
    # Newest first, as the list; the oldest keeps the plain key, the later ones get letters.
    assert keys == [
        f"power2022grokking{_suffix(n)}" for n in range(29, -1, -1)
    ]  # ... ab, aa, z, ... a, plain
    assert text == to_bibtex(Reference.objects.filter(kind=Kind.PAPER))
