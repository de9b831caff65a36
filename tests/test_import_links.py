"""Any markdown link list: every link one reference, headings as tags, re-imports add nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.formats import links
from library.models import Kind, Reference

from .commands import run
from .links_fixtures import AWESOME_LIST, PAPER_NOTES, TOP_PAPERS_TABLE

pytestmark = pytest.mark.django_db


def library():
    return sorted(
        (ref.identity, ref.title, ref.needs_title, ref.summary, sorted(ref.tags.names()))
        for ref in Reference.objects.all()
    )


# Every link that is no image, badge, anchor or address, by its reference's identity.
EXPECTED = {
    "awesome.md": {
        "transformer-circuits.pub/2022/toy_model",
        "transformer-circuits.pub/2023/toy-double-descent",
        "arxiv:2311.00117",
        "transformer-circuits.pub/2024/scaling-monosemanticity",
        "distill.pub/2020/circuits/zoom-in",
        "transformer-circuits.pub/2022/in-context-learning-and-induction-heads",
        "github.com/TransformerLensOrg/TransformerLens",
    },
    "top-papers.md": {
        "arxiv:2501.00663",
        "x.com/omarsar0/status/1",
        "arxiv:2412.15605",
        "github.com/hhhuang/CAG",
        "arxiv:2501.06252",
    },
    "notes.md": {
        "arxiv:1706.03762",
        "nlp.seas.harvard.edu/annotated-transformer",
        "openreview.net/forum?id=abc123",
        "path:drafts/notes.md",
        "lilianweng.github.io/posts/2018-02-19-rl-overview",
    },
}
FILES = {"awesome.md": AWESOME_LIST, "top-papers.md": TOP_PAPERS_TABLE, "notes.md": PAPER_NOTES}


@pytest.mark.parametrize("name", list(FILES))
def test_every_link_becomes_exactly_one_reference_and_a_reimport_adds_nothing(write, name):
    path = write(name, FILES[name])

    output = run("import_library", path, "--format", "links")

    assert set(Reference.objects.values_list("identity", flat=True)) == EXPECTED[name]
    assert f"References: {len(EXPECTED[name])} new" in output
    before = library()
    again = run("import_library", path)  # detected as a link list this time
    assert "References: 0 new" in again and "Conflicts: 0." in again
    assert library() == before


def test_titles_tags_and_summaries_come_from_where_each_link_sits(write):
    run("import_library", write("awesome.md", AWESOME_LIST))

    toy = Reference.objects.get(identity="transformer-circuits.pub/2022/toy_model")
    assert toy.title == "Toy Models of Superposition"
    assert sorted(toy.tags.names()) == ["Papers", "Superposition"]
    assert toy.summary.endswith("- Elhage et al., 2022.")
    induction = Reference.objects.get(identity__contains="induction-heads")
    assert induction.title == "Induction heads, explained in"
    lens = Reference.objects.get(identity__contains="TransformerLens")
    assert lens.kind == Kind.CODE and list(lens.tags.names()) == ["Tools"]
    assert "a library for mechanistic interpretability" in lens.summary


def test_a_table_row_names_its_links(write):
    run("import_library", write("top-papers.md", TOP_PAPERS_TABLE))

    titans = Reference.objects.get(identity="arxiv:2501.00663")
    assert titans.title == "Titans - a new architecture with memory at test time."
    assert titans.summary.startswith("1) **Titans** - a new architecture")
    assert list(titans.tags.names()) == ["Week 1 (Jan 6 - Jan 12)"]
    tweet = Reference.objects.get(identity="x.com/omarsar0/status/1")
    assert tweet.title == "Titans - a new architecture with memory at test time. (Tweet)"
    assert Reference.objects.get(identity="github.com/hhhuang/CAG").kind == Kind.CODE


def test_links_without_words_and_paths(write):
    output = run("import_library", write("notes.md", PAPER_NOTES))

    assert Reference.objects.get(identity="arxiv:1706.03762").title == "Attention Is All You Need"
    assert Reference.objects.get(identity="path:drafts/notes.md").url == "./drafts/notes.md"
    assert "not-a-reference" not in str(library())
    assert "References: 5 new" in output
    bare = "## Reading\n\n- https://example.org/a-post\n"
    run("import_library", write("bare.md", "# List\n\n- <https://example.org/x>\n"), "--format", "links")
    run("import_library", write("bare2.md", bare), "--format", "links")
    untitled = Reference.objects.get(identity="example.org/x")
    assert untitled.needs_title and untitled.title == "example.org/x"


def test_the_web_preview_asks_before_importing_a_link_list(curator_client, curator):
    url = reverse("library:import")
    response = curator_client.post(
        url, {"file": SimpleUploadedFile("awesome.md", AWESOME_LIST.encode()), "reader": curator.pk}
    )

    page = response.content.decode()
    assert "none of the team's formats" in page and "Import it as a list of links" in page
    assert "References to add (7)" in page
    assert not Reference.objects.exists()

    curator_client.post(url, {"confirm": "1", "token": response.context["token"]})

    assert Reference.objects.count() == 7


def test_hostile_link_lists_import_or_are_refused_cleanly(write):
    nasty = (
        "# \u202e🔥\x07\n\n"
        + "- [x](javascript:alert(1)) [y](data:text/html,1)\n"
        + "[" * 500
        + "](https://deep.example.org/)\n"
        + "| a |\n" * 3
        + "- "
        + "word " * 30_000
        + "[long](https://long.example.org/)\n"
    )

    output = run("import_library", write("nasty.md", nasty), "--format", "links")

    assert "links are neither http(s) links nor relative paths" in output
    identities = set(Reference.objects.values_list("identity", flat=True))
    assert identities == {"deep.example.org", "long.example.org"}
    assert len(Reference.objects.get(identity="long.example.org").summary) <= links.SUMMARY_LIMIT


def test_a_file_with_no_links_and_no_format_is_still_refused(write):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no links to import as a link list"):
        run("import_library", write("plain.md", "just some notes\nwith no structure\n"))
