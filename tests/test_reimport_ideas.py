"""The ideas file as the team writes it, imported again and again as it changes."""

import pytest
from django.core.management import CommandError

from ideas.exporter import export_ideas
from ideas.formats import links_in, parse_file
from ideas.models import Area, Idea, IdeaReference
from library.models import ImportedText, Reference
from wiki import changes, history
from wiki.models import Revision

from .commands import run
from .reimport_fixtures import AS_THE_TEAM_WRITES_IT, IDEAS_V1, IDEAS_V2, IDEAS_V3, IDEAS_VERSIONS

pytestmark = pytest.mark.django_db


def ideas_state():
    ideas = sorted(
        (idea.title, idea.label, idea.body, idea.area.name if idea.area else "", sorted(idea.tags.names()))
        for idea in Idea.objects.select_related("area")
    )
    links = sorted(IdeaReference.objects.values_list("idea__title", "reference__identity", "note"))
    areas = list(Area.objects.order_by("position", "id").values_list("name", "description"))
    return ideas, links, areas, export_ideas()


def wipe():
    Idea.objects.all().delete()
    Area.objects.all().delete()
    Reference.objects.all().delete()
    ImportedText.objects.all().delete()
    Revision.objects.all().delete()


def test_the_ideas_file_imports_as_the_team_writes_it(write):
    output = run("import_ideas", write("ideas.md", AS_THE_TEAM_WRITES_IT))

    assert "Ideas: 2 new" in output
    assert "ideas.md:3-6: the text before the first area (the file's introduction) is not imported" in output
    toy = Idea.objects.get(label="Interpretability")
    assert toy.title == "Playing around with toy monosemanticity models"
    assert toy.body.splitlines() == [
        "*Easy* Playing around with toy monosemanticity models. https://transformer-circuits.pub/2022/toy_model/index.html",
        "1. Additional thoughts: look at superposition first",
        "2. Then the [circuits thread](https://distill.pub/2020/circuits/zoom-in/)",
        "- two spaces in",
        " - four spaces in",
        "   - six spaces in, see https://arxiv.org/abs/2406.03662.",
        "![](attachments/toy-model.png)",
    ]
    assert '<img alt="" src="attachments/toy-model.png"' in toy.body_html
    cited = [(link.reference.identity, link.note) for link in toy.reference_links.order_by("position")]
    assert cited == [
        ("transformer-circuits.pub/2022/toy_model", ""),
        ("distill.pub/2020/circuits/zoom-in", "circuits thread"),
        ("arxiv:2406.03662", ""),
    ]
    safety = Idea.objects.get(label="Safety")
    assert "continued on an indented line" in safety.body
    assert safety.body.endswith(
        "\n\n\n\n - a sub-point after three blank lines (https://www.lesswrong.com/posts/KfkpgXdgRheSRWDy8/a-list)"
    )
    assert [link.reference.identity for link in safety.reference_links.all()] == [
        "arxiv:2407.01376",
        "lesswrong.com/posts/KfkpgXdgRheSRWDy8/a-list",
    ]
    notes = Area.objects.get(name="Not exactly project ideas/topics")
    assert notes.description.startswith("- Reading group every Friday") and not notes.ideas.exists()
    assert Area.objects.get(name="Safety / Interpretability / Alignment").description == (
        "The basic target is to learn how deep learning models work."
    )


def test_the_export_of_such_a_file_reads_back_to_the_same_ideas(write, tmp_path):
    run("import_ideas", write("ideas.md", AS_THE_TEAM_WRITES_IT))
    before = ideas_state()
    exported = tmp_path / "export.md"
    run("export_ideas", "-o", str(exported))

    output = run("import_ideas", str(exported))

    assert "Ideas: 0 new, 0 updated, 2 already there" in output and "Conflicts: 0." in output
    assert ideas_state() == before
    assert "## Not exactly project ideas/topics\n- Reading group every Friday" in before[3]


def test_replaying_the_ideas_file_ends_where_importing_the_last_alone_ends(write):
    for number, version in enumerate(IDEAS_VERSIONS, start=1):
        run("import_ideas", write(f"ideas-v{number}.md", version))
    replayed = ideas_state()
    wipe()

    run("import_ideas", write("ideas-v3.md", IDEAS_V3))

    assert replayed == ideas_state()


def test_a_newer_ideas_file_updates_its_ideas_as_revisions_and_adds_the_new(write):
    run("import_ideas", write("ideas.md", IDEAS_V1))
    toy = Idea.objects.get(label="Interpretability")

    output = run("import_ideas", write("ideas-v2.md", IDEAS_V2))

    assert "Ideas: 1 new, 2 updated, 1 already there, 0 no longer in the file" in output
    toy.refresh_from_db()
    assert toy.title == "Playing around with toy monosemanticity models"
    assert "to see how neurons store information" in toy.body
    revisions = list(history.revisions_of(Idea, toy.pk).order_by("id"))
    assert [r.note for r in revisions][-1].endswith("Updated from " + write("ideas-v2.md", IDEAS_V2))
    assert "it could be cool." in revisions[0].data["body"]
    safety = Idea.objects.get(label="Safety")
    assert "- Start with the 8B model" in safety.body
    assert sorted(safety.references.values_list("identity", flat=True)) == [
        "arxiv:2311.00117",
        "arxiv:2407.01376",
    ]
    cite = Idea.objects.get(title__startswith="Explore how models cite")
    assert cite.references.get().identity == "docs.anthropic.com/en/docs/build-with-claude/citations"


def test_a_wiki_edit_of_an_idea_survives_and_is_listed(write, curator):
    run("import_ideas", write("ideas.md", IDEAS_V1))
    toy = Idea.objects.get(label="Interpretability")
    toy.body = "Rewritten on the site."
    with changes.change(toy, curator):
        toy.save()

    output = run("import_ideas", write("ideas-v2.md", IDEAS_V2))

    toy.refresh_from_db()
    assert toy.body == "Rewritten on the site."
    assert "— body differs; kept the library's “Rewritten on the site.”" in output
    assert "to see how neurons store information" in output
    assert Idea.objects.filter(label="Interpretability").count() == 1


def test_an_idea_gone_from_the_file_is_listed_not_deleted(write):
    run("import_ideas", write("ideas.md", IDEAS_V1))
    without = IDEAS_V1.replace(
        "2. **Safety** Reproducing results from removing fine tuning from open source models, such as: [Llama 3](https://arxiv.org/abs/2407.01376)\n",
        "",
    )

    output = run("import_ideas", write("ideas.md", without))

    assert "1 no longer in the file" in output and Idea.objects.filter(label="Safety").exists()


def test_a_dangerous_link_names_file_and_line_and_changes_nothing(write):
    run("import_ideas", write("ideas.md", IDEAS_V1))
    before = ideas_state()
    bad = IDEAS_V2.replace("https://arxiv.org/abs/2311.00117", "javascript:alert(1)")

    with pytest.raises(CommandError, match=r"ideas\.md:11: the link “javascript:alert\(1\)”"):
        run("import_ideas", write("ideas.md", bad))

    assert ideas_state() == before


def test_the_dry_run_changes_nothing_and_says_what_would(write):
    run("import_ideas", write("ideas.md", IDEAS_V1))
    before = ideas_state()

    output = run("import_ideas", write("ideas-v3.md", IDEAS_V3), "--dry-run")

    assert ideas_state() == before
    assert "Dry run, nothing saved. Ideas: 1 to add, 2 to update" in output


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("see https://a.org/x.", [("", "https://a.org/x")]),
        ("(https://a.org/x)", [("", "https://a.org/x")]),
        ("[A](https://a.org/(b)) and ![img](https://a.org/i.png)", [("A", "https://a.org/(b)")]),
        ("[![badge](https://img.shields.io/x.svg)](https://ci.org/x)", []),
        ("<https://a.org/y> **https://b.org/z**", [("", "https://a.org/y"), ("", "https://b.org/z")]),
    ],
)
def test_links_in_a_body(text, links):
    assert links_in(text) == links


def test_whatever_follows_an_idea_stays_under_it():
    parsed = parse_file(
        "## Area\n1. **A** first idea\nnot indented, lazy\n\nanother paragraph\n2. second idea\n"
    )

    assert parsed.items[0].body == "first idea\nnot indented, lazy\n\nanother paragraph"
    assert parsed.items[1].title == "second idea"


def test_hostile_ideas_files_import_or_are_refused_with_file_and_line(write):
    deep = (
        "## Area 🔥\n1. **Deep** emoji 🔥\x07 and \u202ebidi\n"
        + "\n".join("    " * level + f"- point {level}" for level in range(1, 120))
        + "\n"
    )
    run("import_ideas", write("deep.md", deep))
    assert Idea.objects.get(label="Deep").body_html
    before = ideas_state()
    huge = "## Area\n1. **Huge** x\n" + ("    " + "word " * 100 + "\n") * 300

    with pytest.raises(
        CommandError, match=r"huge\.md:2: the body has 150,301 characters; at most 100,000 fit"
    ):
        run("import_ideas", write("huge.md", huge))

    assert ideas_state() == before
