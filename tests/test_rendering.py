import re

import pytest

from wiki.rendering import render_markdown

from .html_checks import executable_parts


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "![img](javascript:alert(1))",
        "![img](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[ref][1]\n\n[1]: javascript:alert(1)",
        "<svg onload=alert(1)>",
        "<iframe src=https://evil.example></iframe>",
        "<div style='background:url(javascript:alert(1))'>x</div>",
        "```\n</code><script>alert(1)</script>\n```",
        "$<script>alert(1)</script>$",
        r"$\href{javascript:alert(1)}{x}$",
        "<<script>script>alert(1)<</script>/script>",
    ],
)
def test_nothing_executable_survives(source):
    html = render_markdown(source)
    assert executable_parts(html) == [], html


def test_the_checker_itself_catches_executable_html():
    assert executable_parts('<a href=" javascript:x">a</a><img src=x onerror=y><script></script>') == [
        "a[href= javascript:x]",
        "img[onerror]",
        "script",
    ]


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("Use <b>bold</b> and <script>x</script>")
    assert "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_links_are_nofollow_noopener_and_keep_relative_paths():
    html = render_markdown("[paper](https://arxiv.org/abs/1706.03762) and [fnn](./projects/fnn)")
    assert '<a href="https://arxiv.org/abs/1706.03762" rel="nofollow noopener">paper</a>' in html
    assert 'href="./projects/fnn"' in html


def test_markdown_features_the_team_uses():
    html = render_markdown(
        "- point\n    - nested point\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode *x*\n```"
    )
    assert re.search(r"<li>point<ul>\s*<li>nested point</li>", html)
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code>code *x*" in html


def test_math_becomes_mathml_and_prices_stay_text():
    html = render_markdown("Cost is $O(n^2)$ and it costs $5 or $10.\n\n$$\\sum_i x_i$$")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert "<msup><mi>n</mi><mn>2</mn></msup>" in html
    assert "costs $5 or $10" in html
    assert 'display="block"' in html and "<mo>∑</mo>" in html


def test_math_inside_code_is_left_alone_and_bad_latex_shows_its_source():
    assert render_markdown("`$x$`") == "<p><code>$x$</code></p>"
    html = render_markdown(r"$\frac{1}{$ end")
    assert "<math" not in html


def test_empty_text_renders_empty():
    assert render_markdown("") == ""


def test_a_list_right_under_a_line_of_text_is_a_list():
    html = render_markdown("Notes:\n- dictionary sizes\n    - dead features grow\n- steering works")

    assert html.startswith("<p>Notes:</p>")
    assert html.count("<ul>") == 2
    assert "<li>dead features grow</li>" in html


def test_list_markers_inside_code_blocks_are_left_alone():
    html = render_markdown("```\nx = 1\n- not a list\n```")

    assert "<li>" not in html
    assert "- not a list" in html
