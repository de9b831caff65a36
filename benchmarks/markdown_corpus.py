"""Markdown that costs a naive renderer quadratic time: runs of the constructs whose openers scan
ahead for a closer. Each input is at most `size` characters (the markdown fields' limit by default).

Used by `make bench` (the worst render time) and by tests/test_markdown_cost.py, which feeds every
input through the comment form and the preview.
"""


def _fill(unit, size, head="", tail=""):
    """`unit` repeated to make head + units + tail at most `size` characters."""
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def pathological_inputs(size=100_000):
    """{name: text}: each a family a quadratic renderer chokes on."""
    half = size // 2 - 1
    return {
        # The three.
        "unclosed link destinations": _fill("[a](", size),
        "unclosed images": _fill("![", size),
        "nested brackets": "[" * half + "x" + "]" * half,
        # Links and references.
        "unclosed links": _fill("[a]", size),
        "link openers": _fill("[", size),
        "link closers": _fill("]", size),
        "nested parentheses": "[a](" + "(" * (size - 10) + "x",
        "unclosed link titles": _fill('[a](b "', size),
        "unclosed reference links": _fill("[a][", size),
        "many reference definitions": _fill("[r]: https://example.org/r\n", size // 2)
        + _fill("[x][r] ", size // 2),
        "undefined references": _fill("[a][b] ", size),
        # Emphasis.
        "emphasis openers": _fill("*a ", size),
        "strong openers": _fill("**a ", size),
        "underscore openers": _fill("_a ", size),
        "triple emphasis openers": _fill("***a ", size),
        "emphasis closers": _fill("a* ", size),
        "nested emphasis": "*" * half + "a" + "*" * half,
        "mixed emphasis": _fill("*_", size),
        "strikethrough-like tildes": _fill("~~a ", size),
        # Code spans and math.
        "backtick runs": "".join("`" * (n % 40 + 1) + "a " for n in range(size // 25)),
        "unclosed backticks": _fill("`a ", size),
        "unclosed math": _fill("$a ", size),
        "unclosed display math": _fill("$$a ", size),
        "deep math braces": "$" + "{" * (size // 2 - 2) + "}" * (size // 2 - 2) + "$",
        # Angle brackets and entities.
        "angle brackets": _fill("<", size),
        "unclosed autolinks": _fill("<http://a", size),
        "unclosed mail autolinks": _fill("<a@b", size),
        "entity runs": _fill("&amp;", size),
        "unterminated entities": _fill("&#x", size),
        "escapes": _fill("\\[", size),
        # Blocks.
        "nested blockquotes": _fill(">", size // 2, tail=" a"),
        "nested blockquote lines": "".join("> " * n + "a\n" for n in range(1, 300)),
        "nested lists": "".join("    " * n + "- a\n" for n in range(200)),
        "nested list markers": _fill("- ", size // 2, tail="a"),
        "many list items": _fill("- a\n", size),
        "many table rows": "| a | b |\n|---|---|\n" + _fill("| `x | [y |\n", size - 20),
        "unclosed fences": _fill("```\na\n", size),
        "many headings": _fill("# [a\n", size),
        "long line breaks": _fill("a  \n", size),
    }
