"""Markdown to safe HTML, the one place user text becomes markup.

Raw HTML in the source is shown as text (the markdown HTML parsers are switched off), `$…$`
and `$$…$$` become MathML on the server (their `\\text{…}` stays text too), and the result passes
an allow-list sanitizer (nh3, the Ammonia bindings) before it is stored or shown.
"""

import re
import threading
import xml.etree.ElementTree as etree
from html import unescape

import markdown
import nh3
from latex2mathml.converter import convert_to_element
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "dd", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
MATHML_TAGS = {
    "math", "annotation", "semantics", "menclose", "merror", "mfrac", "mi", "mmultiscripts",
    "mn", "mo", "mover", "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace",
    "msqrt", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder",
    "munderover", "none",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "span": {"class"},
    "td": {"align"},
    "th": {"align"},
    "math": {"display", "xmlns"},
    "annotation": {"encoding"},
    "mo": {"stretchy", "fence", "separator", "lspace", "rspace", "form"},
    "mi": {"mathvariant"},
    "mstyle": {"displaystyle", "scriptlevel"},
    "mtable": {"columnalign", "rowspacing", "columnspacing"},
    "mspace": {"width"},
    "mfrac": {"linethickness"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# latex2mathml writes symbols into element text as character references ("&#x02211;"), which
# serializing escapes to "&amp;#x02211;".
_ESCAPED_CHARACTER_REFERENCE = re.compile(r"&amp;(#x[0-9A-Fa-f]+;)")


def latex_to_mathml(source, display):
    """MathML markup for LaTeX source, every piece of the source's text escaped.

    latex2mathml's own convert() unescapes its whole output to restore those references, which
    also turns `\\text{<img/src=x/onerror=alert(1)>}` into live markup and eats `\\text{a<b}`;
    here only the character references are restored, so text stays text.
    """
    element = convert_to_element(source, display=display)
    return _ESCAPED_CHARACTER_REFERENCE.sub(r"&\1", etree.tostring(element, encoding="unicode"))


# Pandoc's rule, so prices ("$5 and $10") stay text: no space inside the dollars, no digit after.
INLINE_MATH = r"(?<![\\$])\$(?![\s$])(.+?)(?<![\s\\])\$(?![\d$])"
DISPLAY_MATH = r"(?<!\\)\$\$(.+?)\$\$"


class MathProcessor(InlineProcessor):
    def __init__(self, pattern, md, display):
        super().__init__(pattern, md)
        self.display = display

    def handleMatch(self, m, data):
        source = m.group(1).strip()
        try:
            mathml = latex_to_mathml(source, display="block" if self.display else "inline")
        except Exception:  # latex2mathml raises many kinds; any of them means "show the source"
            code = etree.Element("code")
            code.text = m.group(0)
            return code, m.start(0), m.end(0)
        return self.md.htmlStash.store(mathml), m.start(0), m.end(0)


LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)]) ")


class ListAfterTextPreprocessor(Preprocessor):
    """Start a list right under a line of text, as people expect from GitHub and their notes.

    Python-Markdown wants a blank line before a list; without one "Notes:\n- a\n- b" stays one
    paragraph of hyphens. Runs after fenced code is stashed, so code blocks are untouched.
    """

    def run(self, lines):
        result = []
        for line in lines:
            previous = result[-1] if result else ""
            if (
                LIST_ITEM.match(line)
                and previous.strip()
                and not LIST_ITEM.match(previous)
                and not previous.startswith((" ", "\t"))
            ):
                result.append("")
            result.append(line)
        return result


class SafeMarkdownExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.preprocessors.register(ListAfterTextPreprocessor(md), "list_after_text", 20)
        # Above backticks (190) would break code spans; just below, and above emphasis.
        md.inlinePatterns.register(MathProcessor(DISPLAY_MATH, md, display=True), "math_display", 186)
        md.inlinePatterns.register(MathProcessor(INLINE_MATH, md, display=False), "math_inline", 185)


_local = threading.local()


def _converter():
    """One Markdown instance per thread: building one costs more than converting a note."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(
            extensions=["fenced_code", "tables", "sane_lists", "nl2br", SafeMarkdownExtension()],
            output_format="html",
        )
    return md


# Characters XML 1.0 forbids, typed or written as references (`&#1;`, which the sanitizer
# decodes): one of them in a note would make the Atom feeds that embed this HTML fail to build.
# HTML counts them as parse errors too.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_markdown(text):
    """Render user markdown to sanitized HTML; safe to mark safe in a template."""
    if not text:
        return ""
    md = _converter()
    try:
        html = md.convert(text)
    finally:
        md.reset()  # clears the stash and footnote-like state between documents
    return _NOT_XML.sub("", sanitize_html(html))


def sanitize_html(html):
    return nh3.clean(
        html,
        tags=HTML_TAGS | MATHML_TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
    )


_TAG_RE = re.compile(r"<[^>]+>")


_MATH_RE = re.compile(r"<math\b[^>]*>(.*?)</math>", re.DOTALL)


def plain_text(html):
    """The text of rendered HTML, for excerpts and the search index (entities decoded).

    A formula's symbols are each an element; joined without spaces, “softmax(QKT)” reads as
    written instead of “s o f t m a x ( Q K T )”.
    """
    html = _MATH_RE.sub(lambda math: " " + _TAG_RE.sub("", math[1]) + " ", html)
    return unescape(re.sub(r"\s+", " ", _TAG_RE.sub(" ", html)).strip())
