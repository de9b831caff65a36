"""Texts no inline pattern can match skip the inline step (wiki.rendering.PlainTextTreeprocessor):
the HTML must be exactly what Markdown makes without the shortcut, for every kind of text."""

import random
import xml.etree.ElementTree as etree

import markdown
import pytest

from benchmarks.markdown_corpus import pathological_inputs
from wiki import rendering

from .test_markdown_cost import NOTE_CHUNK

EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]


def converters():
    """The site's converter, and one alike but without the shortcut."""
    with_shortcut = markdown.Markdown(extensions=[*EXTENSIONS, rendering.SafeMarkdownExtension()])
    without = markdown.Markdown(extensions=[*EXTENSIONS, rendering.SafeMarkdownExtension()])
    without.treeprocessors.deregister("plain_text")
    return with_shortcut, without


def same_html(text):
    rendering._local.members = {"carol"}
    rendering._local.budget = None
    with_shortcut, without = CONVERTERS
    try:
        return with_shortcut.convert(text), without.convert(text)
    finally:
        with_shortcut.reset()
        without.reset()


CONVERTERS = converters()

TEXTS = [
    "Plain words only, as most notes are",
    "- a list item\n- another: with a colon, commas; and “quotes”\n    - nested plain item",
    "Two lines\nof plain text",  # nl2br makes a <br>
    "ends with two spaces  \nthen a break",
    "a [link](https://example.org) and plain",
    "@carol read this, @nobody did not",
    "cost $O(n^2)$ and $5 or $10",
    "*em* and _em_ and **strong** and a lone * star",
    "`code` and \\*escaped\\*",
    "<https://example.org> and <me@example.org>",
    "&amp; &copy; &#169; and a lone &",
    "![image](https://example.org/i.png)",
    "| a | b |\n|---|---|\n| plain | `x` |",
    "```\nfenced [not a link] *code*\n```\nafter the fence, plain",
    "> quoted plain\n> and *quoted em*",
    "# A heading\n\nplain paragraph\n\n1. one\n2. two *em*",
    "text with a \\ backslash, a tab\there, ünïcödé, emoji 😀 and rtl \u202e",
    NOTE_CHUNK,
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_html_is_the_same_with_and_without_the_shortcut(text):
    ours, theirs = same_html(text)
    assert ours == theirs


@pytest.mark.parametrize("name", sorted(pathological_inputs(300)))
def test_the_pathological_corpus_renders_the_same(name):
    ours, theirs = same_html(pathological_inputs(300)[name][:300])
    assert ours == theirs


def test_random_texts_of_markdown_punctuation_render_the_same():
    alphabet = [*"ab c\n\n  -*_`$@[]()!<>&#\\|~:;.,1", "- ", "    ", "http://x.y", "$$", "**"]
    rng = random.Random(18)
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        ours, theirs = same_html(text)
        assert ours == theirs, repr(text)


def test_the_site_converter_takes_the_shortcut():
    """Every pattern the site registers is known, so plain texts are marked (were one unknown,
    nothing would be: correct, but the shortcut would be lost without anyone noticing)."""
    md = rendering._converter()
    shortcut = md.treeprocessors["plain_text"]
    assert shortcut.prepare() is not None
    tree = etree.fromstring("<div><p>plain words</p><p>a [link</p></div>")
    shortcut.may_match = None
    shortcut.run(tree)
    plain, bracket = tree
    assert isinstance(plain.text, markdown.util.AtomicString)
    assert not isinstance(bracket.text, markdown.util.AtomicString)
