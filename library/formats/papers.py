"""The team's papers README: `### Title`, then `- **Field**: value` lines.

### Attention Is All You Need

- **Authors**: Ashish Vaswani*, Noam Shazeer*, …
- **Affiliations**: Google Brain, Google Research
- **Published**: June 12, 2017 (31st Conference on Neural Information Processing Systems)
- **Link**: [Attention Is All You Need](https://arxiv.org/abs/1706.03762)
- **Summary**: This paper introduces the Transformer …
"""

import datetime
import re
from dataclasses import dataclass, field

from wiki.text import is_blank

from .errors import ImportFormatError
from .lines import numbered_lines

HEADER = "# Deep Learning Papers\n\nThis directory contains curated research papers related to deep learning.\n\n## Papers\n"
FIELD_RE = re.compile(r"^- \*\*(?P<name>[A-Za-z ]+)\*\*:\s*(?P<value>.*)$")
LINK_RE = re.compile(r"^\[(?P<text>.*)\]\((?P<url>\S*)\)$")
PUBLISHED_RE = re.compile(r"^(?P<date>[^(]*?)\s*(?:\((?P<venue>.*)\))?$")
DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%B %Y", "%b %Y", "%Y-%m-%d", "%m/%d/%Y", "%Y")
FIELDS = {
    "authors": "authors",
    "author": "authors",
    "affiliation": "affiliation",
    "affiliations": "affiliation",
    "published": "published",
    "link": "url",
    "url": "url",
    "summary": "summary",
}


@dataclass
class PaperItem:
    line: int
    title: str
    url: str = ""
    authors: str = ""
    affiliation: str = ""
    published: datetime.date | None = None
    venue: str = ""
    summary: str = ""
    seen: set = field(default_factory=set)


def looks_like_papers(text):
    return bool(re.search(r"^### ", text, re.M)) and "**" in text


def parse(text, filename="<papers>"):
    """Yield the README's papers in order; raise ImportFormatError at the first bad line."""
    current = None
    last_field = None
    for number, line in numbered_lines(text):
        stripped = line.rstrip()
        if stripped.startswith("### ") or stripped == "###":  # "### " without a title too
            if current:
                yield _finish(current, filename)
            current = PaperItem(line=number, title=stripped[4:].strip())
            last_field = None
            continue
        if stripped.startswith("#") or current is None:
            continue  # the README's own headings and introduction
        if not stripped.strip():
            last_field = None if last_field != "summary" else last_field
            continue
        if match := FIELD_RE.match(stripped):
            name = FIELDS.get(match["name"].strip().lower())
            if name is None:
                raise ImportFormatError(
                    filename,
                    number,
                    f"unknown field “{match['name']}” (expected Authors, Affiliation, Published, Link or Summary)",
                )
            _set_field(current, name, match["value"].strip(), filename, number)
            last_field = name
            continue
        if last_field == "summary":
            # A summary may run over several lines or paragraphs, indented or not.
            current.summary += "\n" + (stripped[2:] if stripped.startswith("  ") else stripped)
            continue
        raise ImportFormatError(
            filename,
            number,
            f"expected “- **Field**: value” under “### {current.title}”, got “{stripped[:60]}”",
        )
    if current:
        yield _finish(current, filename)


def _set_field(item, name, value, filename, number):
    if name == "url":
        match = LINK_RE.match(value)
        item.url = match["url"] if match else value
    elif name == "published":
        item.published, item.venue = parse_published(value, filename, number)
    else:
        setattr(item, name, value)
    item.seen.add(name)


def parse_published(value, filename="<papers>", number=0):
    """“June 12, 2017 (31st Conference on …)” → (date, venue)."""
    match = PUBLISHED_RE.match(value)
    text, venue = match["date"].strip(), (match["venue"] or "").strip()
    if not text:
        return None, venue
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date(), venue
        except ValueError:
            continue
    raise ImportFormatError(filename, number, f"“{text}” is not a date such as “June 12, 2017”")


def _finish(item, filename):
    if is_blank(item.title):
        raise ImportFormatError(filename, item.line, "a paper heading without a title")
    item.summary = item.summary.strip()
    return item


def write(references):
    """The README for references (objects with the Reference fields), in the given order."""
    return "".join(stream(references))


def stream(references):
    """`write`'s text in pieces, one per reference, for a download that never holds it all."""
    last = HEADER
    for ref in references:
        yield last + "\n"
        last = "\n".join(_block(ref))
    yield last.rstrip("\n") + "\n"


def _block(ref):
    """A reference's lines, the blank line after it included."""
    parts = [f"### {ref.title}\n"]
    if ref.authors:
        parts.append(f"- **Authors**: {ref.authors}")
    if ref.affiliation:
        label = "Affiliations" if "," in ref.affiliation else "Affiliation"
        parts.append(f"- **{label}**: {ref.affiliation}")
    if ref.published or ref.venue:
        published = f"{ref.published:%B} {ref.published.day}, {ref.published.year}" if ref.published else ""
        venue = f" ({ref.venue})" if ref.venue else ""
        parts.append(f"- **Published**: {published}{venue}".replace(":  (", ": ("))
    if ref.url:
        parts.append(f"- **Link**: [{ref.title}]({ref.url})")
    if ref.summary:
        first, *rest = ref.summary.split("\n")
        parts.append(f"- **Summary**: {first}" + "".join(f"\n  {line}" if line else "\n" for line in rest))
    parts.append("")
    return parts
