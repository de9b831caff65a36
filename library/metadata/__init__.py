"""Capture by identifier: what arXiv, Crossref or the page itself says about a pasted link.

    lookup("1706.03762")            -> Metadata(title="Attention Is All You Need", ...)
    lookup("doi:10.1038/nature14539")
    lookup("https://lilianweng.github.io/posts/2023-06-23-agent/")

Raises NotFound (the source knows nothing usable) or SourceUnreachable (timeout, refused,
5xx, or a link to a private address); str(error) is fit to show a member. Answers are cached:
a found one for a day, a not-found one for a few minutes, an unreachable one never.
`fill` (library/metadata/fill.py) applies them to saved references.
"""

import dataclasses
import hashlib
import re
from urllib.parse import unquote, urlsplit

from django.core.cache import cache

from library.identity import arxiv_id, is_web_link, link_from
from library.models import Reference
from wiki.text import clean_text

from . import arxiv, crossref, page
from .errors import MetadataError, NotFound, SourceUnreachable
from .model import Metadata

__all__ = ["Metadata", "MetadataError", "NotFound", "SourceUnreachable", "doi_of", "lookup"]

FOUND_SECONDS = 24 * 60 * 60
NOT_FOUND_SECONDS = 5 * 60
DOI_HOSTS = ("doi.org", "dx.doi.org", "www.doi.org")


def doi_of(link):
    """The DOI in a doi.org link, else None."""
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if (parts.hostname or "").lower() in DOI_HOSTS and parts.path.startswith("/10."):
        return unquote(parts.path[1:])
    return None


def lookup(text):
    """The metadata for a pasted arXiv id, DOI or http(s) link (see the module's docstring)."""
    link = link_from(text)
    if not is_web_link(link):
        raise NotFound("Paste an arXiv id (1706.03762), a DOI (10.1038/nature14539) or an http(s) link.")
    found_arxiv, found_doi = arxiv_id(link), doi_of(link)
    # One cache entry per paper, however it was written (a version, "arXiv:", a DOI's case).
    identity = f"arxiv:{found_arxiv}" if found_arxiv else f"doi:{found_doi.lower()}" if found_doi else link
    key = "metadata:" + hashlib.sha256(identity.encode()).hexdigest()
    cached = cache.get(key)
    if isinstance(cached, Metadata):
        return cached
    if isinstance(cached, str):
        raise NotFound(cached)
    try:
        if found_arxiv:
            found = arxiv.lookup(found_arxiv)
        elif found_doi:
            found = crossref.lookup(found_doi)
        else:
            found = page.lookup(link)
    except NotFound as error:
        cache.set(key, str(error), NOT_FOUND_SECONDS)
        raise
    found = fitted(found)
    cache.set(key, found, FOUND_SECONDS)
    return found


# Control characters an outside page may carry: PostgreSQL refuses NUL, XML the rest.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def fitted(found):
    """What a source said, as the library can store it: no hidden or control characters, and
    each text within its Reference field's length (a link too long to keep is dropped)."""

    def cleaned(name):
        return clean_text(CONTROLS.sub("", getattr(found, name) or "")).strip()

    def limit(name):
        return Reference._meta.get_field(name).max_length

    values = {name: cleaned(name)[: limit(name)].strip() for name in ("title", "authors", "venue", "summary")}
    url = cleaned("url")
    return dataclasses.replace(found, url=url if len(url) <= limit("url") else "", **values)
