"""How the library recognises the same reference under different urls and titles."""

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit

# New-style (1706.03762, with optional version) and old-style (hep-th/9901001) arXiv ids.
ARXIV_RE = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|ref|ref_src)$")


def arxiv_id(url):
    """The arXiv identifier in an abs/pdf/html url, without its version; else None."""
    match = ARXIV_RE.search(url or "")
    if not match:
        return None
    found = match.group("id").lower()
    # Since January 2015 the number has five digits: "1706.0376" is a typo, not an id.
    if re.fullmatch(r"\d{4}\.\d{4}", found) and found[:4] >= "1501":
        return None
    return found


# What a member may paste instead of a link: an arXiv id (with or without "arXiv:", any version),
# a DOI (bare, "doi:…" or a doi.org link) or a link without its scheme ("arxiv.org/abs/…").
PASTED_ARXIV_RE = re.compile(
    r"(?:arxiv:\s*)?(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z.-]*/\d{7}(?:v\d+)?)", re.I
)
PASTED_DOI_RE = re.compile(r"(?:doi:\s*)?(?P<doi>10\.\d{4,9}/\S+)", re.I)
SCHEMELESS_RE = re.compile(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?", re.I)


def link_from(text):
    """The link a pasted identifier stands for: arXiv ids and DOIs become their canonical
    https links, a host without a scheme gets https://; anything else is returned as it is."""
    text = (text or "").strip()
    if match := PASTED_ARXIV_RE.fullmatch(text):
        return f"https://arxiv.org/abs/{match['id']}"
    if match := PASTED_DOI_RE.fullmatch(text):
        return f"https://doi.org/{match['doi']}"
    if SCHEMELESS_RE.fullmatch(text):
        return f"https://{text}"
    return text


def is_web_link(url):
    """An http(s) link, which a source can be asked about (not a relative path, not empty)."""
    return (url or "").lower().startswith(("http://", "https://"))


def normalize_url(url):
    """A canonical form for comparing urls: no scheme, www, fragment, tracking or trailing slash."""
    url = (url or "").strip()
    if not url:
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.IGNORECASE):
        # Repo-relative paths such as ./projects/fnn: compare without the leading ./ and slash.
        return "path:" + re.sub(r"^(\./)+", "", url).strip("/")
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[": not a link a browser could open; compare it as text
        return url.lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not TRACKING_PARAMS.match(k)))
    path = re.sub(r"/index\.html?$", "", parts.path).rstrip("/")
    return f"{host}{path}" + (f"?{query}" if query else "")


def identity_key(url):
    """One reference per identity: its arXiv id when it has one, else its normalized url."""
    found = arxiv_id(url)
    if found:
        return f"arxiv:{found}"
    return normalize_url(url)


WORD_RE = re.compile(r"\w+")


def normalize_title(title):
    """Case-, accent- and punctuation-blind form of a title, for matching."""
    text = title or ""
    if not text.isascii():  # ASCII has nothing to decompose (an import asks for thousands of titles)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(WORD_RE.findall(text.casefold()))
