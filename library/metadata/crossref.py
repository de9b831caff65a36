"""Crossref's works API for DOIs: https://api.crossref.org/swagger-ui/index.html"""

import datetime
import json
import re
from urllib.parse import quote

from django.conf import settings

from . import fetch
from .errors import NotFound
from .model import Metadata

KINDS = {
    "journal-article": "paper",
    "proceedings-article": "paper",
    "posted-content": "paper",
    "report": "paper",
    "dissertation": "paper",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
}


def lookup(doi):
    response = fetch.get(f"{settings.IDL_CROSSREF_API}/{quote(doi, safe='/')}", accept="application/json")
    return parse(response.body, doi)


def parse(body, doi):
    try:
        data = json.loads(body)
        work = data["message"] if data.get("status") == "ok" else None
    except (ValueError, AttributeError, KeyError, TypeError):
        raise NotFound(f"Crossref's answer for {doi} could not be read.") from None
    if not isinstance(work, dict):
        raise NotFound(f"Crossref has no work with the DOI {doi}.")
    title = _first(work.get("title"))
    if not title:
        raise NotFound(f"Crossref has no title for the DOI {doi}.")
    return Metadata(
        url=f"https://doi.org/{work.get('DOI') or doi}",
        title=title,
        authors=", ".join(_author(person) for person in work.get("author") or [] if _author(person)),
        published=_date(work),
        venue=_first(work.get("container-title")),
        summary=_abstract(work.get("abstract")),
        kind=KINDS.get(work.get("type", ""), ""),
        tags=[],
        source="crossref",
    )


def _clean(text):
    return " ".join(str(text or "").split())


def _first(values):
    if isinstance(values, list):
        return _clean(values[0]) if values else ""
    return _clean(values)


def _author(person):
    if not isinstance(person, dict):
        return ""
    name = " ".join(part for part in (_clean(person.get("given")), _clean(person.get("family"))) if part)
    return name or _clean(person.get("name"))


def _date(work):
    for key in ("published-print", "published-online", "published", "issued"):
        try:
            parts = [int(part) for part in work[key]["date-parts"][0] if part is not None]
            if parts:
                return datetime.date(*[*parts, 1, 1][:3])
        except (KeyError, IndexError, TypeError, ValueError):
            continue
    return None


def _abstract(text):
    """Crossref abstracts are JATS XML (<jats:p>…); the words without the tags."""
    text = re.sub(r"<jats:title>.*?</jats:title>", "", str(text or ""), flags=re.S)
    text = re.sub(r"</jats:p>\s*", "\n\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return "\n\n".join(_clean(paragraph) for paragraph in text.split("\n\n") if paragraph.strip())
