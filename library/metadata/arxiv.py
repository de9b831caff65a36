"""arXiv's export API (Atom): https://info.arxiv.org/help/api/user-manual.html"""

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from django.conf import settings

from . import fetch
from .errors import NotFound
from .model import Metadata

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}


def lookup(arxiv_id):
    url = f"{settings.IDL_ARXIV_API}?{urlencode({'id_list': arxiv_id})}"
    response = fetch.get(url, accept="application/atom+xml")
    return parse(response.body, arxiv_id)


def parse(body, arxiv_id):
    # The body is capped by fetch; expat refuses external entities and (since 2.4.1) entity bombs.
    try:
        feed = ET.fromstring(body)
    except ET.ParseError:
        raise NotFound(f"arXiv's answer for {arxiv_id} could not be read.") from None
    entry = feed.find("atom:entry", NS)
    if entry is None:
        raise NotFound(f"arXiv has no paper {arxiv_id}.")
    title = _text(entry, "atom:title")
    entry_id = _text(entry, "atom:id")
    if title == "Error" or "/api/errors" in entry_id or not title:
        raise NotFound(f"arXiv has no paper {arxiv_id}.")
    authors = [_clean(name.text) for name in entry.findall("atom:author/atom:name", NS)]
    category = entry.find("arxiv:primary_category", NS)
    journal = _text(entry, "arxiv:journal_ref")
    return Metadata(
        url=f"https://arxiv.org/abs/{arxiv_id}",
        title=title,
        authors=", ".join(name for name in authors if name),
        published=_date(_text(entry, "atom:published")),
        venue=journal or "arXiv",
        summary=_paragraphs(entry.findtext("atom:summary", "", NS)),
        kind="paper",
        tags=[category.get("term")] if category is not None and category.get("term") else [],
        source="arxiv",
    )


def _clean(text):
    return " ".join((text or "").split())


def _text(entry, path):
    return _clean(entry.findtext(path, "", NS))


def _paragraphs(text):
    """The abstract with its hard line wraps undone, blank lines kept as paragraph breaks."""
    paragraphs = re.split(r"\n\s*\n", (text or "").strip())
    return "\n\n".join(_clean(paragraph) for paragraph in paragraphs if paragraph.strip())


def _date(value):
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None
