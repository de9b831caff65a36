"""Any other page: Highwire (citation_*) tags, then OpenGraph and plain meta, then <title>."""

import datetime
import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from . import fetch
from .errors import NotFound
from .model import Metadata

CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co", "colab.research.google.com")
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com")
POST_HOSTS = (
    "medium.com",
    "substack.com",
    "github.io",
    "distill.pub",
    "thegradient.pub",
    "ghost.io",
    "wordpress.com",
    "blogspot.com",
    "bair.berkeley.edu",
    "openai.com",
    "huggingface.co/blog",
)


def kind_for(url):
    """The kind a link's host suggests: code, video, post, or ""."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = host + parts.path

    def on(hosts):
        return any(
            path == h or path.startswith(h + "/") or host.endswith("." + h) or host == h for h in hosts
        )

    if on(("huggingface.co/blog",)) or host.endswith(".github.io"):
        return "post"
    if on(CODE_HOSTS):
        return "code"
    if on(VIDEO_HOSTS):
        return "video"
    if on(POST_HOSTS):
        return "post"
    return ""


def lookup(url):
    response = fetch.get(url, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
    if response.content_type and "html" not in response.content_type and "xml" not in response.content_type:
        raise NotFound(f"{urlsplit(url).hostname} is not a web page ({response.content_type}).")
    return parse(response.text(), response.url)


class _Head(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta = {}
        self.title = ""
        self._in_title = False
        self._in_svg = 0

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "svg":
            self._in_svg += 1
        elif tag == "meta":
            name = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").strip().lower()
            if name and "content" in attrs:
                self.meta.setdefault(name, []).append(attrs["content"])
        elif tag == "title" and not self._in_svg and not self.title:
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "svg" and self._in_svg:
            self._in_svg -= 1
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _clean(text):
    return " ".join(html.unescape(text or "").split())


def parse(text, url):
    head = _Head()
    try:
        head.feed(text)
        head.close()
    except Exception:  # html.parser is lenient; anything it still rejects is unreadable
        raise NotFound("The page could not be read.") from None

    def first(*names):
        for name in names:
            for value in head.meta.get(name, []):
                if _clean(value):
                    return _clean(value)
        return ""

    title = first("citation_title", "dc.title", "og:title", "twitter:title") or _clean(head.title)
    if not title:
        raise NotFound(f"The page at {urlsplit(url).hostname} has no title to use.")
    authors = [_person(_clean(a)) for a in head.meta.get("citation_author", []) if _clean(a)]
    if not authors:
        authors = [
            _clean(a) for a in head.meta.get("author", []) + head.meta.get("article:author", []) if _clean(a)
        ]
        authors = [a for a in authors if not a.lower().startswith(("http://", "https://"))]
    return Metadata(
        url=url,
        title=title[:500],
        authors=", ".join(dict.fromkeys(authors)),
        published=_date(
            first(
                "citation_publication_date",
                "citation_date",
                "citation_online_date",
                "dc.date",
                "article:published_time",
            )
        ),
        venue=first("citation_journal_title", "citation_conference_title", "citation_conference"),
        summary=first("citation_abstract", "og:description", "description", "twitter:description"),
        kind=kind_for(url) or ("paper" if head.meta.get("citation_title") else ""),
        tags=[],
        source="page",
    )


def _person(name):
    """Highwire authors are often "Family, Given": turned into "Given Family"."""
    family, comma, given = name.partition(",")
    if comma and given.strip() and "," not in given:
        return f"{given.strip()} {family.strip()}"
    return name


def _date(value):
    match = re.match(r"\s*(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?", value or "")
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None
