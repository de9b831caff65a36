"""Markdown to safe HTML, the one place user text becomes markup.

Raw HTML in the source is shown as text (the markdown HTML parsers are switched off), `$…$`
and `$$…$$` become MathML on the server (their `\\text{…}` stays text too), and the result passes
an allow-list sanitizer (nh3, the Ammonia bindings) before it is stored or shown. `@username` of a member
becomes a link to the member's page (which is how mentions are found: wiki users' apps read the
links, so a name in code or in a link's text mentions nobody).

Python-Markdown is quadratic on some inputs (runs of `[a](`, `![`, nested brackets, thousands of
inline matches in one paragraph, thousands of headings in one block): 100 KB of them took a
minute. So every render runs on a work budget, counted as it goes (`Budget`): each inline match
costs the length of the text it rewrites, each block step the length of its block, each
character the link parsers scan by hand, each formula its length. Real notes use a few percent
of it; a text that exhausts it is "too complex" (`MarkdownTooComplex`): forms refuse it with a
field error, and anything else shows it as plain text. The count, not a clock, decides, so the
same text always gets the same answer.

Renders are remembered per thread for the last few texts, so a form that renders while it
validates leaves the model's save, inside the write transaction, nothing to compute.
"""

import functools
import re
import threading
import xml.etree.ElementTree as etree
from collections import OrderedDict
from functools import wraps
from html import escape, unescape
from urllib.parse import quote

import markdown
import nh3
from latex2mathml.converter import convert_to_element
from markdown.extensions import Extension
from markdown.inlinepatterns import DelimiterProcessor, InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

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

    Short formulas are remembered: notes repeat them ($O(n^2)$, $x_t$), and latex2mathml builds
    a tree for each, a sixth of rendering a reading log's notes. Source that fails is not.
    """
    if len(source) <= REMEMBERED_FORMULA:
        return _remembered_mathml(source, display)
    return _mathml(source, display)


REMEMBERED_FORMULA = 200  # characters; the MathML of 512 such formulas is a few megabytes at most


@functools.lru_cache(maxsize=512)
def _remembered_mathml(source, display):
    return _mathml(source, display)


def _mathml(source, display):
    element = convert_to_element(source, display=display)
    return _ESCAPED_CHARACTER_REFERENCE.sub(r"&\1", etree.tostring(element, encoding="unicode"))


# Pandoc's rule, so prices ("$5 and $10") stay text: no space inside the dollars, no digit after.
# The formula holds no unescaped `$`: it ends at the next one or not at all, so a line of
# unclosed `$a $a …` costs one pass, not a scan to the end of the line from every dollar.
INLINE_MATH = r"(?<![\\$])\$(?![\s$])((?:[^$\\\n]|\\.)+?)(?<![\s\\])\$(?![\d$])"
DISPLAY_MATH = r"(?<!\\)\$\$(.+?)\$\$"


class MathProcessor(InlineProcessor):
    def __init__(self, pattern, md, display):
        super().__init__(pattern, md)
        self.display = display

    def handleMatch(self, m, data):
        source = m.group(1).strip()
        _charge(MATH_COST + SCAN_COST * len(source))
        try:
            mathml = latex_to_mathml(source, display="block" if self.display else "inline")
        except Exception:  # latex2mathml raises many kinds; any of them means "show the source"
            code = etree.Element("code")
            code.text = m.group(0)
            return code, m.start(0), m.end(0)
        return self.md.htmlStash.store(mathml), m.start(0), m.end(0)


# `@carol` names a member: not inside a word, an e-mail address or a link's path; a final dot
# ends the sentence, not the name.
MENTION = r"(?<![\w@./:+\-])@(\w(?:[\w.+\-]*[\w+\-])?)"
_MENTION_RE = re.compile(MENTION)


def mentioned_names(text):
    """The @names a text may mention (before knowing which are members)."""
    return {match[1] for match in _MENTION_RE.finditer(text)} if "@" in text else set()


class MentionProcessor(InlineProcessor):
    """`@username` of a member becomes a link to the member's page (others stay text)."""

    ANCESTOR_EXCLUDES = ("a",)

    def handleMatch(self, m, data):
        name = m.group(1)
        if name not in getattr(_local, "members", ()):
            return None, None, None
        link = etree.Element("a")
        link.set("href", f"/members/{quote(name)}/")
        link.text = markdown.util.AtomicString(f"@{name}")
        return link, m.start(0), m.end(0)


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


# A character each inline pattern's match must contain. A text with none of its patterns'
# characters can match none of them, and the inline step would hand it back as it was.
INLINE_TRIGGERS = {
    "backtick": "`",
    "math_display": "$",
    "math_inline": "$",
    "escape": "\\",
    "reference": "[",
    "link": "[",
    "mention": "@",
    "image_link": "[",
    "image_reference": "[",
    "short_reference": "[",
    "short_image_ref": "[",
    "autolink": "<",
    "automail": "<",
    "linebreak": "\n",  # two spaces before a line break
    "entity": "&",
    "nl": "\n",  # nl2br
}


class PlainTextTreeprocessor(Treeprocessor):
    """Mark the texts no inline pattern could match as finished (`AtomicString`, Markdown's own
    way to say so), so the inline step does not try each of its 17 patterns on each of them.

    Most of a note's list items and paragraphs are plain words: trying the patterns on them
    was a third of rendering a reading log's notes. The characters come from the patterns
    registered (INLINE_TRIGGERS, and the emphasis delimiters' own tokens); if one unknown here
    is registered, nothing is marked and every text goes through every pattern as before.
    """

    def __init__(self, md):
        super().__init__(md)
        self.may_match = None

    def prepare(self):
        characters = set()
        for name in self.md.inlinePatterns._priority:
            processor = self.md.inlinePatterns[name.name]
            if name.name in INLINE_TRIGGERS:
                characters |= set(INLINE_TRIGGERS[name.name])
            elif isinstance(processor, DelimiterProcessor):  # emphasis: `*`, `_`
                characters |= set("".join(processor.tokens))
            else:
                return None
        return re.compile("[" + re.escape("".join(sorted(characters))) + "]")

    def run(self, root):
        if self.may_match is None:
            self.may_match = self.prepare() or False
        if not self.may_match:
            return
        search = self.may_match.search
        for element in root.iter():
            text, tail = element.text, element.tail
            if text and type(text) is str and not search(text):
                element.text = AtomicString(text)
            if tail and type(tail) is str and not search(tail):
                element.tail = AtomicString(tail)


class SafeMarkdownExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.preprocessors.register(ListAfterTextPreprocessor(md), "list_after_text", 20)
        # Above backticks (190) would break code spans; just below, and above emphasis.
        md.inlinePatterns.register(MathProcessor(DISPLAY_MATH, md, display=True), "math_display", 186)
        md.inlinePatterns.register(MathProcessor(INLINE_MATH, md, display=False), "math_inline", 185)
        # Below links (160), so a mention inside a link's text stays that link's text.
        md.inlinePatterns.register(MentionProcessor(MENTION, md), "mention", 155)
        # Just before the inline step (20), after every block has its text.
        md.treeprocessors.register(PlainTextTreeprocessor(md), "plain_text", 25)


class MarkdownTooComplex(Exception):
    """The text would cost the renderer more than its work budget (see the module's docstring)."""


TOO_COMPLEX_MESSAGE = (
    "This text is too complex to format: it has long runs of brackets, emphasis marks or other "
    "markdown punctuation, or thousands of formatting marks in one paragraph. Split it into "
    "paragraphs with blank lines, or put code and data in a ``` block."
)

# The work budget, in units of about a nanosecond of rendering on the machine it was tuned on:
# a real 100 KB note with links, lists, tables and math spends about 230 million, the pathological
# inputs of benchmarks/markdown_corpus.py run out within a few tenths of a second.
BUDGET = 400_000_000
SCAN_COST = 200  # per character the link parsers walk in Python, one at a time
MATH_COST = 20_000  # per formula, on top of its length: latex2mathml builds a tree for each
BLOCK_COST = 10  # per character of a block each block step searches
ATTEMPT_COST = 4_000  # per inline pattern tried on a piece of text
DELIMITER_COST = 20_000  # per emphasis delimiter looked at, and per pair found


class Budget:
    def __init__(self, units):
        self.left = units


_local = threading.local()


def _charge(units):
    budget = getattr(_local, "budget", None)
    if budget is not None:
        budget.left -= units
        if budget.left < 0:
            raise MarkdownTooComplex


def _charging_inline(handle):
    """An inline processor's handleMatch, charged the length of the text it may rewrite."""

    @wraps(handle)
    def charged(m, data):
        _charge(len(data) // 2)
        return handle(m, data)

    return charged


def _charging_scan(scan):
    """A link parser's getText/getLink, charged the characters it walked."""

    @wraps(scan)
    def charged(data, index, *args):
        result = scan(data, index, *args)
        _charge(SCAN_COST * max(result[-2] - index, 0))
        return result

    return charged


def _charging_block(step):
    """A block processor's test or run, charged the length of the block it searches."""

    @wraps(step)
    def charged(parent, blocks):
        block = blocks if isinstance(blocks, str) else blocks[0] if blocks else ""
        _charge(BLOCK_COST * len(block))
        return step(parent, blocks)

    return charged


def _charging_delimiter(search):
    @wraps(search)
    def charged(data, start):
        _charge(DELIMITER_COST)
        return search(data, start)

    return charged


def _charging_region(add):
    @wraps(add)
    def charged(*args):
        _charge(DELIMITER_COST)
        return add(*args)

    return charged


def _charging_attempt(compiled):
    """Each inline pattern tried on each piece of text costs its overhead, match or not."""

    @wraps(compiled)
    def charged():
        _charge(ATTEMPT_COST)
        return compiled()

    return charged


def _charging_stash(store, md):
    """Fenced code and display math are stashed one at a time, each rewriting the document."""

    @wraps(store)
    def charged(html):
        _charge(getattr(_local, "length", 0))
        return store(html)

    return charged


def _metered(md):
    """Put every inline and block step of `md` on the thread's budget."""
    for processor in md.inlinePatterns:
        processor.getCompiledRegExp = _charging_attempt(processor.getCompiledRegExp)
        processor.handleMatch = _charging_inline(processor.handleMatch)
        if hasattr(processor, "add_region"):  # emphasis walks its delimiters in one handleMatch
            processor.search = _charging_delimiter(processor.search)
            # Each pair becomes an element the tree walk visits at its depth.
            processor.add_region = _charging_region(processor.add_region)
        for name in ("getText", "getLink"):
            if hasattr(processor, name):
                setattr(processor, name, _charging_scan(getattr(processor, name)))
    for processor in md.parser.blockprocessors:
        processor.test = _charging_block(processor.test)
        processor.run = _charging_block(processor.run)
    md.htmlStash.store = _charging_stash(md.htmlStash.store, md)
    return md


def _converter():
    """One Markdown instance per thread: building one costs more than converting a note."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _metered(
            markdown.Markdown(
                extensions=["fenced_code", "tables", "sane_lists", "nl2br", SafeMarkdownExtension()],
                output_format="html",
            )
        )
    return md


# Characters XML 1.0 forbids, typed or written as references (`&#1;`, which the sanitizer
# decodes): one of them in a note would make the Atom feeds that embed this HTML fail to build.
# HTML counts them as parse errors too.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# The last few texts rendered on this thread and their HTML (or MarkdownTooComplex).
REMEMBERED = 8
REMEMBERED_CHARACTERS = 2_000_000


def render_markdown(text):
    """Render user markdown to sanitized HTML; safe to mark safe in a template.

    A text too complex to render within the budget comes back as escaped plain text.
    """
    try:
        return render_markdown_or_refuse(text)
    except MarkdownTooComplex:
        return plain_html(text)


def render_ahead(model, values):
    """Render the markdown fields of `model` found in `values` (a POST, a revision's data, a
    source's fields) now, before a write transaction opens: the model's save then finds the
    HTML remembered on this thread instead of rendering under the lock."""
    for name in getattr(model, "markdown_fields", {}):
        if isinstance(text := values.get(name), str):
            render_markdown(text)


def render_markdown_or_refuse(text):
    """render_markdown, but MarkdownTooComplex for a text over the budget (forms and preview)."""
    if not text:
        return ""
    remembered = getattr(_local, "remembered", None)
    if remembered is None:
        remembered = _local.remembered = OrderedDict()
    if text in remembered:
        remembered.move_to_end(text)
        result = remembered[text]
    else:
        try:
            result = _render(text)
        except MarkdownTooComplex as refused:
            result = refused
        remembered[text] = result
        while len(remembered) > REMEMBERED or sum(map(len, remembered)) > REMEMBERED_CHARACTERS:
            remembered.popitem(last=False)
            if not remembered:
                break
    if isinstance(result, MarkdownTooComplex):
        raise MarkdownTooComplex(TOO_COMPLEX_MESSAGE)
    return result


def _members_named(text):
    """Which @names in the text are members' usernames: one query, and only for a text with an @."""
    names = mentioned_names(text)
    if not names:
        return set()
    from django.contrib.auth import get_user_model  # the models are not loaded when this module is

    # A few hundred at most: a pasted list of e-mail handles should not become a huge IN (…).
    names = sorted(names)[:300]
    return set(get_user_model().objects.filter(username__in=names).values_list("username", flat=True))


def _render(text):
    md = _converter()
    _local.members = _members_named(text)
    _local.budget, _local.length = Budget(BUDGET), len(text)
    try:
        html = md.convert(text)
    except BaseException as error:
        # A conversion stopped halfway leaves the parsers' state (list nesting, ancestors)
        # behind, which would garble the thread's next document: start it on a fresh instance.
        _local.md = None
        if isinstance(error, RecursionError):  # nesting deeper than the stack: too complex too
            raise MarkdownTooComplex from None
        raise
    finally:
        _local.budget = None
        md.reset()  # clears the stash and footnote-like state between documents
    return _NOT_XML.sub("", sanitize_html(html))


def plain_html(text):
    """The text as escaped paragraphs, line breaks kept: what a too-complex text shows."""
    paragraphs = (part.strip("\n") for part in re.split(r"\n\s*\n", text))
    html = "".join(f"<p>{escape(part).replace(chr(10), '<br>' + chr(10))}</p>" for part in paragraphs if part)
    return _NOT_XML.sub("", html)


# nh3.clean builds its sanitizer from these lists on every call, three times the work of
# cleaning a note; a Cleaner builds it once (the same options, the same defaults).
_SANITIZER = nh3.Cleaner(
    tags=HTML_TAGS | MATHML_TAGS,
    attributes=ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="nofollow noopener",
)


def sanitize_html(html):
    return _SANITIZER.clean(html)


_TAG_RE = re.compile(r"<[^>]+>")


_MATH_RE = re.compile(r"<math\b[^>]*>(.*?)</math>", re.DOTALL)


def plain_text(html):
    """The text of rendered HTML, for excerpts and the search index (entities decoded).

    A formula's symbols are each an element; joined without spaces, “softmax(QKT)” reads as
    written instead of “s o f t m a x ( Q K T )”.
    """
    html = _MATH_RE.sub(lambda math: " " + _TAG_RE.sub("", math[1]) + " ", html)
    return unescape(re.sub(r"\s+", " ", _TAG_RE.sub(" ", html)).strip())
