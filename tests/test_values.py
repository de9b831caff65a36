"""Nothing a member types, or a file or crawler sends, breaks a page or stores what it should not.

Tags without letters, values longer than their columns (PostgreSQL refuses them, SQLite keeps
them: both must give the same error), links that only look relative, unbalanced math in
BibTeX, invisible comments and an empty papers heading.
"""

import importlib
import re
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from taggit.models import Tag

from ideas.models import Comment, Idea, IdeaReference
from library.bibtex import to_bibtex
from library.formats.errors import ImportFormatError
from library.importer import LibraryImporter, Source
from library.models import LogEntry, Reference, validate_reference_url
from library.tags import tag_counts

pytestmark = pytest.mark.django_db

NO_LETTERS = ["🔥", "!!!", "?"]


def main_pages(reference, member):
    return [
        reverse("home"),
        reverse("library:list"),
        reverse("library:log"),
        reference.get_absolute_url(),
        reverse("member", args=[member.username]),
    ]


def assert_pages_work(client, urls):
    for url in urls:
        assert client.get(url).status_code == 200, url


# Tags without letters


def test_tags_without_letters_from_the_form_get_usable_slugs_and_every_page_works(member_client, member):
    response = member_client.post(
        reverse("library:add"),
        {"kind": "paper", "title": "Fire", "url": "https://example.org/fire", "tags": "🔥, !!!, ?, ml"},
    )
    assert response.status_code == 302
    reference = Reference.objects.get()
    member_client.post(
        reverse("library:log_add"),
        {"reference": reference.pk, "read_on": "2024-09-25", "tags": "🔥, !!!"},
    )
    assert LogEntry.objects.count() == 1
    slugs = dict(Tag.objects.values_list("name", "slug"))
    assert set(slugs) == {*NO_LETTERS, "ml"}
    assert all(slugs.values()) and len(set(slugs.values())) == 4
    assert slugs["🔥"] == "tag-1f525"

    assert_pages_work(member_client, main_pages(reference, member))
    for slug in slugs.values():
        page = member_client.get(reverse("tag", args=[slug]))
        assert page.status_code == 200 and "Fire" in page.content.decode()


def test_tags_without_letters_from_code_an_import_and_the_admin_work(client, curator, member, tmp_path):
    reference = Reference.objects.create(title="Made in a shell", url="https://example.org/shell")
    reference.tags.add("🔥")
    reference.tags.add("💧")  # a second empty slugify must not clash with the first
    ideas = tmp_path / "ideas.md"
    ideas.write_text(
        "# Ideas\n\n## Area\n\n1. **!!!** Something loud to try, with [Paper](https://example.org/p)\n"
    )
    call_command("import_ideas", str(ideas), stdout=StringIO())
    client.force_login(curator)
    response = client.post(reverse("admin:taggit_tag_add"), {"name": "?", "slug": "", **EMPTY_INLINE})
    assert response.status_code == 302, response.context["adminform"].form.errors

    tags = {tag.name: tag.slug for tag in Tag.objects.all()}
    assert set(tags) == {"🔥", "💧", "!!!", "?"} and all(tags.values())
    assert len(set(tags.values())) == 4
    idea = Idea.objects.get()
    assert_pages_work(
        client, [*main_pages(reference, member), idea.get_absolute_url(), reverse("ideas:list")]
    )
    for slug in tags.values():
        assert client.get(reverse("tag", args=[slug])).status_code == 200


EMPTY_INLINE = {
    "taggit_taggeditem_items-TOTAL_FORMS": "0",
    "taggit_taggeditem_items-INITIAL_FORMS": "0",
}


def test_a_tag_left_with_an_empty_slug_never_breaks_the_pages(member_client, member):
    """A row from before the fix (or written by hand): the pages show it unlinked."""
    reference = Reference.objects.create(title="Old row", url="https://example.org/old")
    reference.tags.add("🔥")
    Tag.objects.filter(name="🔥").update(slug="")
    assert_pages_work(member_client, main_pages(reference, member))
    assert "🔥" in member_client.get(reverse("home")).content.decode()


def test_the_migration_gives_old_tags_without_letters_a_slug(member):
    reference = Reference.objects.create(title="Old rows", url="https://example.org/rows")
    reference.tags.add("🔥", "!!!", "ml")
    Tag.objects.filter(name="🔥").update(slug="")
    Tag.objects.filter(name="!!!").update(slug="_1")  # taggit's second try after an empty one
    migration = importlib.import_module("library.migrations.0011_tag_slugs")

    migration.give_slugs(django_apps, None)

    assert dict(Tag.objects.values_list("name", "slug")) == {
        "🔥": "tag-1f525",
        "!!!": "tag-21-21-21",
        "ml": "ml",
    }


def test_a_deleted_tag_leaves_the_cached_counts_at_once(member_client, member):
    reference = Reference.objects.create(title="Cached", url="https://example.org/cached")
    reference.tags.add("🔥", "ml")
    assert {tag.name for tag in tag_counts()} == {"🔥", "ml"}

    Tag.objects.get(name="🔥").delete()

    assert {tag.name for tag in tag_counts()} == {"ml"}
    assert "🔥" not in member_client.get(reverse("home")).content.decode()


def test_invisible_and_bidi_tags_are_not_accepted(member_client):
    member_client.post(
        reverse("library:add"),
        {
            "kind": "paper",
            "title": "Hidden",
            "url": "https://example.org/hidden",
            "tags": "\u200b, \u202eevil, \U000e0041\U000e0042, ml\u200b",
        },
    )
    assert sorted(Reference.objects.get().tags.names()) == ["evil", "ml"]


# Over-long values: the same field or import error on SQLite and PostgreSQL


def test_a_tag_over_100_characters_is_a_field_error(member_client):
    long_tag = "x" * 101
    response = member_client.post(
        reverse("library:add"),
        {"kind": "paper", "title": "Long tag", "url": "https://example.org/t", "tags": f"ml, {long_tag}"},
    )
    assert response.status_code == 200
    assert "at most 100 characters" in str(response.context["form"].errors["tags"])
    assert not Reference.objects.exists() and not Tag.objects.exists()


def test_a_tag_over_100_characters_from_code_is_refused(make_reference):
    reference = make_reference()
    with pytest.raises(ValidationError):
        reference.tags.add("y" * 101)
    assert not Tag.objects.exists()


def test_idea_reference_lines_with_an_over_long_link_or_note_are_field_errors(member_client):
    for line in ["https://example.org/" + "a" * 1000, "https://example.org/ok | " + "n" * 501]:
        response = member_client.post(
            reverse("ideas:new"), {"title": "Too long", "status": "proposed", "add_references": line}
        )
        assert response.status_code == 200
        assert "Line 1:" in str(response.context["form"].errors["add_references"])
    assert not Idea.objects.exists() and not Reference.objects.exists()


PAPER = "# Deep Learning Papers\n\n## Papers\n\n### {title}\n\n- **Link**: [x]({url})\n"


@pytest.mark.parametrize(
    "title, url, message",
    [
        ("T" * 501, "https://example.org/a", "the title has 501 characters"),
        ("Fine", "https://example.org/" + "a" * 1000, "the URL has 1,020 characters"),
    ],
)
def test_an_over_long_imported_value_is_an_import_error_naming_file_and_line(title, url, message):
    text = (
        PAPER.format(title="Good one", url="https://example.org/good")
        + "\n"
        + PAPER.format(title=title, url=url)
    )
    with pytest.raises(ImportFormatError) as error:
        LibraryImporter().run([Source.from_text(text, "papers.md")])
    assert str(error.value).startswith("papers.md:13: ") and message in str(error.value)
    assert not Reference.objects.exists()


def test_an_over_long_logged_title_is_an_import_error(member):
    log = "Legend:\n- 📜: papers\n\n09/20/2024\n- 📜[Short](https://example.org/s)\n- 📜[{}](https://example.org/l)\n"
    with pytest.raises(ImportFormatError, match=r"^log\.md:6: the title has 600 characters"):
        LibraryImporter(reader=member).run([Source.from_text(log.format("L" * 600), "log.md")])
    assert not Reference.objects.exists() and not LogEntry.objects.exists()


def test_an_over_long_idea_label_or_link_text_is_an_import_error(tmp_path):
    ideas = tmp_path / "ideas.md"
    for line in [
        f"1. **{'L' * 101}** An idea to try soon. [Paper](https://example.org/p)",
        f"1. **Label** An idea to try soon. [{'N' * 501}](https://example.org/p)",
    ]:
        ideas.write_text(f"# Ideas\n\n## Area\n\n{line}\n")
        with pytest.raises(CommandError, match=r"ideas\.md:5: the .* characters"):
            call_command("import_ideas", str(ideas), stdout=StringIO())
    assert not Idea.objects.exists() and not Reference.objects.exists() and not Tag.objects.exists()


# Links that look relative but lead to another host


EXTERNAL_LOOKING_RELATIVE = [
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "/\t/evil.example/x",
]


@pytest.mark.parametrize("url", EXTERNAL_LOOKING_RELATIVE)
def test_protocol_relative_links_are_refused(url, member_client):
    with pytest.raises(ValidationError):
        validate_reference_url(url)
    response = member_client.post(reverse("library:add"), {"kind": "paper", "title": "Evil", "url": url})
    assert response.status_code == 200 and "url" in response.context["form"].errors
    assert not Reference.objects.exists()


@pytest.mark.parametrize("url", ["/projects/fnn", "./projects/fnn", "../up", "https://example.org/x"])
def test_real_relative_and_http_links_are_accepted(url):
    validate_reference_url(url)


def test_an_imported_protocol_relative_link_is_an_import_error():
    with pytest.raises(ImportFormatError, match=r"^papers\.md:5: the link"):
        LibraryImporter().run(
            [Source.from_text(PAPER.format(title="Evil", url="//evil.example/x"), "papers.md")]
        )
    assert not Reference.objects.exists()


def test_a_protocol_relative_link_saved_before_the_fix_is_shown_but_not_linked(member_client, member):
    reference = Reference.objects.create(title="Old evil", url="https://example.org/placeholder")
    Reference.objects.filter(pk=reference.pk).update(url="//evil.example/x")
    LogEntry.objects.create(reader=member, reference=reference, read_on="2024-09-25")
    idea = Idea.objects.create(title="Cites it", proposer=member)
    IdeaReference.objects.create(idea=idea, reference=reference)
    for url in [reference.get_absolute_url(), reverse("library:log"), idea.get_absolute_url()]:
        page = member_client.get(url).content.decode()
        assert 'href="//evil.example' not in page, url
    assert "//evil.example/x" in member_client.get(reference.get_absolute_url()).content.decode()


# BibTeX


def unescaped_dollars(text):
    return len(re.findall(r"(?<!\\)\$", text))


@pytest.mark.parametrize(
    "title, math",
    [
        ("Math $x^2$ and $\\alpha", "$x^2$"),
        ("Costs $5 and $10", None),
        ("Only $ one", None),
        ("Display $$a+b$$ then $ lone", "$$a+b$$"),
    ],
)
def test_bibtex_never_leaves_math_mode_open(title, math):
    bibtex = to_bibtex([Reference(pk=1, title=title, url="")])
    line = next(line for line in bibtex.splitlines() if "title" in line)
    assert unescaped_dollars(line) % 2 == 0, line
    if math:
        assert math in line


# Invisible comments and an empty papers heading


@pytest.mark.parametrize(
    "body", ["\u200b", "\u200b\u200b \n", "\u202e", "\U000e0041\U000e0042", "\u2066\u2069\ufeff"]
)
def test_a_comment_of_only_invisible_characters_is_a_field_error(member_client, member, body):
    idea = Idea.objects.create(title="Quiet", proposer=member)
    response = member_client.post(reverse("ideas:comment_add", args=[idea.slug]), {"body": body})
    assert response.status_code == 200
    assert "Write something" in str(response.context["form"].errors["body"])
    assert not Comment.objects.exists()


def test_bidi_overrides_are_removed_from_what_members_write(member_client, member):
    idea = Idea.objects.create(title="Quiet", proposer=member)
    member_client.post(
        reverse("ideas:comment_add", args=[idea.slug]),
        {"body": "abc\u202edef 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"},
    )
    assert (
        Comment.objects.get().body == "abcdef 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    )


@pytest.mark.parametrize("heading", ["### ", "###", "### \u200b"])
def test_a_papers_heading_without_a_title_is_an_import_error(heading):
    text = (
        PAPER.format(title="Good", url="https://example.org/good")
        + f"\n{heading}\n\n- **Link**: [x](https://example.org/b)\n"
    )
    with pytest.raises(ImportFormatError, match=r"^papers\.md:9: a paper heading without a title"):
        LibraryImporter().run([Source.from_text(text, "papers.md")])
    assert not Reference.objects.exists()
    assert not IdeaReference.objects.exists()
