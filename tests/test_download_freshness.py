"""Every download shows a write at once: the stored BibTeX entries follow every way a reference
changes (add, edit, delete, restore, import, merge), and the markdown downloads read live rows."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from library.models import Kind, LogEntry, Reference
from library.services import merge_references
from wiki import changes
from wiki.history import revisions_of

pytestmark = pytest.mark.django_db


def downloaded(client, name, **query):
    response = client.get(reverse(name), query)
    assert response.status_code == 200 and response.streaming
    return b"".join(response.streaming_content).decode()


def bib(client):
    return downloaded(client, "library:bibtex")


def add(user, title, **fields):
    reference = Reference(title=title, kind=fields.pop("kind", Kind.PAPER), **fields)
    with changes.change(reference, user):
        reference.save()
    return reference


def test_an_added_reference_is_in_the_bibtex_at_once(member_client, member):
    assert bib(member_client) == ""
    add(member, "Deep Residual Learning", authors="Kaiming He", published="2016-06-27", venue="CVPR")
    assert "@inproceedings{he2016deep," in bib(member_client)
    assert "booktitle = {CVPR}" in bib(member_client)


def test_an_edit_shows_in_every_download_at_once(member_client, member, make_entry):
    paper = add(member, "Grokking", authors="Alethea Power", published="2022-01-06")
    make_entry(member, paper)
    before = bib(member_client)
    with changes.change(paper, member):
        paper.title = "Grokking: Generalization Beyond Overfitting"
        paper.authors = "Yuri Burda"
        paper.save()
    after = bib(member_client)
    assert "@misc{power2022grokking," in before
    assert "@misc{burda2022grokking," in after and "Beyond Overfitting" in after and "Power" not in after
    assert "### Grokking: Generalization Beyond Overfitting" in downloaded(
        member_client, "library:papers_download"
    )
    assert "Generalization Beyond Overfitting" in downloaded(member_client, "library:log_download")


def test_a_deleted_reference_leaves_and_a_restored_one_comes_back(member_client, curator, member):
    paper = add(member, "Attention Is All You Need", authors="Ashish Vaswani", published="2017-06-12")
    pk = paper.pk
    changes.delete(paper, user=curator)
    assert "vaswani2017attention" not in bib(member_client)
    deletion = revisions_of(Reference, pk).last()
    changes.restore(deletion, user=curator)
    assert "@misc{vaswani2017attention," in bib(member_client)


def test_restoring_an_older_revision_shows_its_fields(member_client, member):
    paper = add(member, "Scaling Laws", authors="Jared Kaplan", published="2020-01-23")
    first = revisions_of(Reference, paper.pk).last()
    with changes.change(paper, member):
        paper.venue = "Nature"
        paper.save()
    assert "journal = {Nature}" in bib(member_client)
    changes.restore(first, user=member)
    assert "Nature" not in bib(member_client) and "@misc{kaplan2020scaling," in bib(member_client)


def test_imported_references_are_in_the_bibtex_at_once(member_client, member, tmp_path):
    path = tmp_path / "log.md"
    path.write_text(
        "Legend:\n- 📜: papers\n\n09/25/2024\n- 📜[Sparse Autoencoders Find Features](https://arxiv.org/abs/2309.08600)\n",
        encoding="utf-8",
    )
    call_command("import_library", str(path), "--reader", member.username, stdout=io.StringIO())
    text = bib(member_client)
    assert "title = {Sparse Autoencoders Find Features}" in text and "eprint = {2309.08600}" in text
    assert Reference.objects.get().bibtex_key == "anonndsparse"


def test_a_merge_drops_the_duplicate_and_gives_the_survivor_its_plain_key(member_client, member, make_entry):
    older = add(member, "Attention Is All You Need", authors="Ashish Vaswani", published="2017-06-12")
    newer = add(member, "Attention is all you need (v2)", authors="Ashish Vaswani", published="2017-06-12")
    make_entry(member, older)
    keys = bib(member_client)
    assert "{vaswani2017attention," in keys and "{vaswani2017attentiona," in keys
    merge_references(newer, [older], user=member)
    text = bib(member_client)
    assert "{vaswani2017attention," in text and "attentiona" not in text
    assert "(v2)" in text and text.count("@misc{") == 1
    assert LogEntry.objects.get().reference == newer


def test_an_entry_bulk_inserted_without_its_bibtex_is_derived_in_the_download(member_client, member):
    Reference.objects.bulk_create([Reference(title="Raw Row", kind=Kind.BOOK, authors="Ian Goodfellow")])
    assert Reference.objects.get().bibtex == ""
    assert "@book{goodfellow" in bib(member_client)
