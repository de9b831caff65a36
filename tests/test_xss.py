"""Every XSS vector of tests/xss_vectors.py, through every markdown field and every page, feed and
endpoint that shows one, comes out as HTML a browser would not execute.

The yardstick is tests/html_checks.py: it allows URLs of the http, https and mailto schemes and
relative ones only, and no style attribute at all.
"""

import contextlib
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ideas.models import Comment, Idea
from library.models import LogEntry, Reference
from wiki import search
from wiki.rendering import render_markdown

from .html_checks import FORBIDDEN_ELEMENTS, SITE_ELEMENTS, attribute_problems, xss_findings
from .xss_vectors import VECTORS

# --- Pages: the parts that hold user content, and the site's own markup around them ---

# Elements whose content is a member's rendered markdown (or a search snippet of it).
USER_CONTENT_CLASSES = {"prose", "snippet", "excerpt"}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
}  # fmt: skip
MARKER = re.compile(r"xssv\d{3}")


class PageRegions(HTMLParser):
    """Splits a page into user-content regions, each checked strictly and labelled by the vector
    marker it shows, and the rest, checked with the site's own forms and head allowed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.regions = []  # (markers in its text, findings)
        self.outside = []
        self._open = []  # the tags open inside the current region, its own first
        self._text = []
        self._findings = []

    def handle_starttag(self, tag, attrs):
        if self._open:
            if tag in FORBIDDEN_ELEMENTS:
                self._findings.append(tag)
            for name, value in attrs:
                self._findings.extend(attribute_problems(tag, name, value))
            if tag not in VOID_ELEMENTS:
                self._open.append(tag)
            return
        self._check_site_markup(tag, attrs)
        if USER_CONTENT_CLASSES & set((dict(attrs).get("class") or "").split()):
            self._open, self._text, self._findings = [tag], [], []

    def handle_startendtag(self, tag, attrs):
        if self._open:
            self.handle_starttag(tag, attrs)
            if tag not in VOID_ELEMENTS:
                self._open.pop()
        else:
            self._check_site_markup(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in self._open:
            return
        while self._open.pop() != tag:
            pass
        if not self._open:
            self.regions.append((MARKER.findall(" ".join(self._text)), self._findings))

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def _check_site_markup(self, tag, attrs):
        values = dict(attrs)
        static_script = tag == "script" and (values.get("src") or "").startswith("/static/")
        if tag in FORBIDDEN_ELEMENTS - SITE_ELEMENTS and not static_script:
            self.outside.append(tag)
        for name, value in attrs:
            self.outside.extend(attribute_problems(tag, name, value))


def page_regions(html):
    parser = PageRegions()
    parser.feed(html)
    parser.close()
    assert not parser._open, "a user-content element was never closed"
    return parser.regions, parser.outside


def marked(vectors):
    """Each vector after a paragraph naming it, so a page or feed can tell which one it shows."""
    return {f"xssv{i:03d}": f"xssv{i:03d}\n\n{vector.source}" for i, vector in enumerate(vectors)}


NAMES = {f"xssv{i:03d}": vector.name for i, vector in enumerate(VECTORS)}


class Findings:
    """What each vector left executable, across all the regions that showed it."""

    def __init__(self):
        self.by_marker = {}
        self.outside = []

    def add_region(self, markers, findings):
        # One vector a region (a reading's snippet may name it twice: in the title it names and its notes).
        assert len(set(markers)) == 1, f"a region showing {markers or 'no vector'}: {findings}"
        self.by_marker.setdefault(markers[0], []).extend(findings)

    def add_page(self, html):
        regions, outside = page_regions(html)
        for markers, findings in regions:
            self.add_region(markers, findings)
        self.outside.extend(outside)
        return len(regions)

    def assert_inert(self, expected_markers):
        assert self.outside == [], "the site's own markup"
        assert set(self.by_marker) >= set(expected_markers), "vectors missing from the pages"
        executable = {NAMES[marker]: found for marker, found in self.by_marker.items() if found}
        assert executable == {}


def hidden_inputs(html, action):
    """The hidden fields of the page's form posting to action, as a browser would send them."""

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.in_form, self.fields = False, {}

        def handle_starttag(self, tag, attrs):
            values = dict(attrs)
            if tag == "form":
                self.in_form = values.get("action") in {action, "", None}
            elif tag == "input" and self.in_form and values.get("type") == "hidden":
                self.fields[values["name"]] = values.get("value") or ""

        def handle_endtag(self, tag):
            if tag == "form":
                self.in_form = False

    parser = Fields()
    parser.feed(html)
    return parser.fields


# --- The checker itself ---


@pytest.mark.parametrize(
    "html, expected",
    [
        ("<script>alert(1)</script>", ["script"]),
        ("<p><svg><animate values='javascript:alert(1)'></animate></svg></p>", ["svg", "animate", "animate[values=javascript:alert(1)]"]),
        ("<img src=x onerror=alert(1)>", ["img[onerror]"]),
        ("<a href='\x01 JaVa\tScRipt:alert(1)'>x</a>", ["a[href=\x01 JaVa\tScRipt:alert(1)]"]),
        ("<a href='java&#x0A;script:alert(1)'>x</a>", ["a[href=java\nscript:alert(1)]"]),
        ("<img src='data:image/svg+xml;base64,PHN2Zz4='>", ["img[src=data:image/svg+xml;base64,PHN2Zz4=]"]),
        ("<img srcset='a.png 1x, vbscript:x 2x'>", ["img[srcset=a.png 1x, vbscript:x 2x]"]),
        ("<mtext xlink:href=javascript:alert(1)>x</mtext>", ["mtext[xlink:href=javascript:alert(1)]"]),
        ("<math href=ftp://example.com>x</math>", ["math[href=ftp://example.com]"]),
        ("<span style='color:red'>x</span>", ["span[style]"]),
        ("<form><button formaction=javascript:alert(1)>x</button></form>", ["form", "button", "button[formaction=javascript:alert(1)]"]),
        ("<mstyle><foreignObject><template></template></foreignObject></mstyle>", ["foreignobject", "template"]),
    ],
)  # fmt: skip
def test_the_checker_reports_what_a_browser_would_execute(html, expected):
    assert xss_findings(html) == expected


def test_the_checker_lets_safe_markup_through():
    html = (
        '<p><a href="https://arxiv.org/abs/1706.03762" title="javascript:alert(1)">paper</a> '
        '<a href="./projects/fnn">fnn</a> <a href="mailto:a@example.com">mail</a> '
        '<a href="&amp;#106;avascript:alert(1)">a relative path</a> <img src="%6Aavascript:x" alt="">'
        "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><mtext>x</mtext></math></p>'
    )
    assert xss_findings(html) == []


def test_page_regions_are_labelled_and_checked_strictly_while_site_forms_are_allowed():
    page = (
        '<html><head><meta charset="utf-8"><link rel="stylesheet" href="/static/site.css">'
        '<script src="/static/js/site.js" defer></script></head><body>'
        '<form method="post"><input type="hidden" name="x"></form>'
        '<div class="notes prose"><p>xssv001</p><form></form><img src=x onerror=y><br></div>'
        '<section class="prose"><p>xssv002</p><math><mspace width="1em"/></math></section>'
        "<script>alert(1)</script><a href=javascript:alert(1)>x</a></body></html>"
    )
    regions, outside = page_regions(page)
    assert regions == [(["xssv001"], ["form", "img[onerror]"]), (["xssv002"], [])]
    assert outside == ["script", "a[href=javascript:alert(1)]"]


def test_the_corpus_has_over_a_hundred_distinct_vectors_in_every_family_asked_for():
    assert len({vector.source for vector in VECTORS}) == len(VECTORS) >= 100
    families = {vector.family for vector in VECTORS}
    assert {"script tag", "event handler", "markdown link url", "reference-style link", "math"} <= families


# --- Rendering ---


@pytest.mark.django_db  # `@name` in a text is looked up among the members
@pytest.mark.parametrize("vector", VECTORS, ids=[v.name for v in VECTORS])
def test_render_markdown_leaves_nothing_executable(vector):
    html = render_markdown(vector.source)
    assert xss_findings(html) == [], html


def test_text_inside_math_stays_text():
    assert "<mtext>a&lt;b</mtext>" in render_markdown(r"$\text{a<b}$")
    html = render_markdown(r"$\text{</math><img/src=x/onerror=alert(1)>}$")
    assert "<img" not in html and "&lt;img/src=x/onerror=alert(1)&gt;" in html
    assert "<mo>∑</mo>" in render_markdown(r"$\sum_i x_i$")


# --- Every field through the pages, feeds, preview and search that show it ---

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_LENGTH = 50  # a feed shows its newest 50 items: each batch is checked as soon as it is made


def check_feed(client, url, findings, markers):
    """Check each entry's HTML in an Atom feed, decoded as a feed reader does: XML, then HTML."""
    response = client.get(url)
    assert response.status_code == 200
    shown = set()
    for entry in ET.fromstring(response.content).iter(f"{ATOM}entry"):
        assert all(child.tag.startswith(ATOM) for child in entry), "only Atom elements in an entry"
        for html in (
            child.text or "" for child in entry if child.tag in {f"{ATOM}summary", f"{ATOM}content"}
        ):
            findings.add_region(MARKER.findall(html), xss_findings(html))
            shown.update(MARKER.findall(html))
    assert shown >= set(markers), f"vectors missing from {url}"


def check_search(client, kind, markers, findings):
    """Search snippets of one kind of document for every vector: all their markers share a prefix."""
    assert kind in search.doc_types()  # else the type filter would be ignored
    shown = set()
    for page in range(1, len(markers) // 20 + 2):  # 20 results a page
        response = client.get(reverse("search"), {"q": "xssv", "type": kind, "page": page})
        regions, outside = page_regions(response.text)
        findings.outside.extend(outside)
        for region_markers, found in regions:
            findings.add_region(region_markers, found)
            shown.update(region_markers)
    assert shown == set(markers), f"search snippets of {kind}"


def test_reference_summaries_and_reading_notes(member_client, member):
    """Saved through the models: the reference page shows both, the reading log, its feed and
    the dashboard the notes, search a snippet of each."""
    sources = marked(VECTORS)
    findings = Findings()
    references = []
    items = list(sources.items())
    for start in range(0, len(items), FEED_LENGTH):
        batch = dict(items[start : start + FEED_LENGTH])
        for marker, source in batch.items():
            reference = Reference.objects.create(
                title=f"Reference {marker}", url=f"https://example.com/{marker}", summary=source
            )
            LogEntry.objects.create(reference=reference, reader=member, read_on="2024-09-25", notes=source)
            references.append(reference)
        check_feed(member_client, reverse("library:log_feed"), findings, batch)
    for reference in references:
        response = member_client.get(reverse("library:detail", args=[reference.pk]))
        assert findings.add_page(response.text) == 2  # the summary and the reading's notes
    for page in range(1, len(sources) // 50 + 2):  # 50 readings a page
        findings.add_page(member_client.get(reverse("library:log"), {"page": page}).text)
    assert findings.add_page(member_client.get(reverse("home")).text) > 0  # the recent readings
    check_search(member_client, "reference", sources, findings)
    check_search(member_client, "log", sources, findings)
    findings.assert_inert(sources)


def test_ideas_posted_through_the_form(member_client):
    sources = marked(VECTORS)
    new = reverse("ideas:new")
    hidden = hidden_inputs(member_client.get(new).text, new)
    findings = Findings()
    posted = []
    for marker, source in sources.items():
        data = {**hidden, "title": f"Idea {marker}", "status": "proposed", "body": source, "slug": ""}
        response = member_client.post(new, data)
        assert response.status_code == 302, response.text
        assert findings.add_page(member_client.get(response.url).text) == 1
        posted.append(marker)
        if len(posted) % FEED_LENGTH == 0 or len(posted) == len(sources):
            check_feed(member_client, reverse("ideas:feed"), findings, posted[-FEED_LENGTH:])
    assert Idea.objects.count() == len(sources)
    check_search(member_client, "idea", sources, findings)
    findings.assert_inert(sources)


def test_comments_posted_through_the_form(member_client, make_idea):
    sources = marked(VECTORS)
    idea = make_idea(title="Discussion")
    action = reverse("ideas:comment_add", args=[idea.slug])
    hidden = hidden_inputs(member_client.get(idea.get_absolute_url()).text, action)
    findings = Findings()
    posted = []
    for marker, source in sources.items():
        response = member_client.post(action, {**hidden, "body": source})
        assert response.status_code == 302, response.text
        posted.append(marker)
        if len(posted) % FEED_LENGTH == 0 or len(posted) == len(sources):
            check_feed(member_client, reverse("ideas:feed"), findings, posted[-FEED_LENGTH:])
    assert Comment.objects.count() == len(sources)
    for page in range(1, len(sources) // 100 + 2):  # a discussion comes in pages of 100
        findings.add_page(member_client.get(idea.get_absolute_url(), {"page": page}).text)
    assert findings.add_page(member_client.get(reverse("home")).text) > 0  # the latest comments
    check_search(member_client, "comment", sources, findings)
    findings.assert_inert(sources)


def test_the_preview_endpoint(member_client):
    for vector in VECTORS:
        response = member_client.post(reverse("preview"), {"text": vector.source})
        assert response.status_code == 200
        assert xss_findings(response.json()["html"]) == [], vector.name


def test_control_characters_never_reach_the_html_or_break_the_feeds(member_client, member, make_idea):
    """`&#1;` is decoded by the sanitizer; XML 1.0 has no such character, so a feed would fail."""
    text = "a \x01 b &#1; c &#x0e; d &#xFFFE; $\\text{&#x1F;}$ [x](https://example.com/&#x0b;)"
    html = render_markdown(text)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", html), repr(html)
    reference = Reference.objects.create(title="Control", url="https://example.com/c", summary=text)
    LogEntry.objects.create(reference=reference, reader=member, read_on="2024-09-25", notes=text)
    make_idea(title="Control", body=text)
    for feed in ("library:log_feed", "ideas:feed"):
        assert member_client.get(reverse(feed)).status_code == 200


def test_an_imported_reading_log_cannot_put_a_script_url_on_the_pages(member_client, member, tmp_path):
    log = tmp_path / "log.md"
    log.write_text("Legend:\n- 📜: papers\n\n09/25/2024\n- 📜[Evil](javascript:alert(document.cookie))\n")
    with contextlib.suppress(CommandError):  # refusing the file is a fix too
        call_command("import_library", str(log), "--reader", member.username, stdout=StringIO())
    for url in [reverse("library:log"), *(r.get_absolute_url() for r in Reference.objects.all())]:
        _, outside = page_regions(member_client.get(url).text)
        assert outside == [], url
