"""Any markdown as a list of links: an awesome-list, weekly "top papers" tables, paper notes.

Every link — in a list item, a table row, a heading or a paragraph, `[text](url)`, `<url>`
or bare — is one reference. Its title is the link's text; when that text says nothing
("Paper", "arXiv", "code", the url itself) it is the text around the link (the table row's
first cell that is not just a link, else the item's words), and a link with no words at all
is a reference still needing its title. The nearest headings are its tags, the text around
it (the item, row or paragraph, as written) its summary. Images and badges (a link around an
image) are not references; code blocks are skipped.

    ## Interpretability
    - [Scaling Monosemanticity](https://transformer-circuits.pub/…) — features of Claude 3
    | Paper | Links |
    |---|---|
    | Titans | [arXiv](https://arxiv.org/abs/2501.00663) · [code](https://github.com/…) |
"""

import re
from dataclasses import dataclass, field

from .lines import numbered_lines

# Link targets may hold balanced parentheses ("(e.g.%20Alex%20Net)"). Not after "!": images.
LINK_RE = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))+)(?:\s+\"[^\"]*\")?\)")
IMAGE_RE = re.compile(r"!\[[^\]]*\]\((?:[^()\s]|\([^()\s]*\))+(?:\s+\"[^\"]*\")?\)")
BARE_URL_RE = re.compile(r"https?://[^\s<>\[\]\"'`|]+", re.IGNORECASE)
HEADING_RE = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
ITEM_RE = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d+[.)])\s+(?:\[[ xX]?\]\s+)?(?P<text>.*)$")
TABLE_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
# Link texts that name the kind of link rather than the work.
GENERIC = {
    "", "paper", "pdf", "arxiv", "abs", "link", "here", "code", "github", "repo", "project",
    "project page", "website", "site", "blog", "post", "video", "slides", "demo", "dataset",
    "data", "model", "weights", "huggingface", "hf", "openreview", "doi", "html", "page", "source",
}  # fmt: skip
TITLE_LIMIT = 300
SUMMARY_LIMIT = 2000


@dataclass
class LinkItem:
    line: int
    url: str
    title: str
    summary: str = ""
    tags: list = field(default_factory=list)
    needs_title: bool = False
    borrowed: bool = False  # the title is the words around the link, not the link's own


def has_links(text):
    return bool(LINK_RE.search(text) or BARE_URL_RE.search(text))


def links_at(markdown):
    """(offset, text, url) of every link of a text in order; images and badges left out, the
    text empty for a bare url."""
    found = []
    without_images = IMAGE_RE.sub(lambda m: " " * len(m[0]), markdown)
    for match in LINK_RE.finditer(without_images):
        if match["text"] and not match["text"].strip():
            continue  # a badge: a link around an image
        found.append((match.start(), match["text"].strip(), match["url"]))
    covered = LINK_RE.sub(lambda m: " " * len(m[0]), without_images)
    for match in BARE_URL_RE.finditer(covered):
        found.append((match.start(), "", trim_url(match[0])))
    return sorted(found)


def trim_url(url):
    """A bare url without the sentence's punctuation after it, or a closing bracket it lacks the
    opening one for."""
    url = url.rstrip(".,;:!?*_>")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".,;:!?*_")
    return url


def plain_text(markdown):
    """The words of a bit of markdown: links by their text, no images, urls or emphasis marks."""
    text = LINK_RE.sub(lambda m: m["text"], IMAGE_RE.sub("", markdown))
    text = BARE_URL_RE.sub("", text)
    text = re.sub(r"[*_`~]+|<[^>]*>", "", text)
    return re.sub(r"\s+", " ", text).strip(" -–—:·|,;")


def is_generic(text, url):
    words = text.strip().lower()
    return words in GENERIC or words.rstrip("s") in GENERIC or words == url.lower() or "://" in words


def parse(text, filename="<links>"):
    """Yield a LinkItem for every link of the markdown, in order (one per link, repeats too)."""
    headings = []  # (level, text) of the headings around the current line
    block, block_line, in_fence = [], 0, False
    for number, line in numbered_lines(text):
        if FENCE_RE.match(line):
            yield from _block(block, block_line, headings)
            block, in_fence = [], not in_fence
            continue
        if in_fence:
            continue
        stripped = line.strip()
        if match := HEADING_RE.match(stripped):
            yield from _block(block, block_line, headings)
            block = []
            level = len(match["level"])
            headings = [h for h in headings if h[0] < level]
            yield from _links(match["text"], number, _tags(headings), "", match["text"])
            headings.append((level, plain_text(match["text"])))
        elif stripped.startswith("|"):
            yield from _block(block, block_line, headings)
            block = []
            if not TABLE_SEPARATOR_RE.match(stripped):
                yield from _row(stripped, number, headings)
        elif not stripped:
            yield from _block(block, block_line, headings)
            block = []
        elif ITEM_RE.match(line) or not block:
            yield from _block(block, block_line, headings)
            block, block_line = [line], number
        else:
            block.append(line)  # a paragraph's or an item's next line
    yield from _block(block, block_line, headings)


def _tags(headings):
    """The headings a link sits under: below the document's own title when it has sections."""
    if len(headings) > 1 and headings[0][0] == 1:
        headings = headings[1:]
    return [text for _, text in headings if text][-3:]


def _block(lines, line, headings):
    if not lines:
        return
    text = "\n".join(lines)
    match = ITEM_RE.match(lines[0])
    written = "\n".join([match["text"], *(part.strip() for part in lines[1:])]) if match else text.strip()
    around = plain_text(written)
    if not match and headings:  # a paragraph under a heading is about what the heading names
        around = headings[-1][1]
    yield from _links(text, line, _tags(headings), around, written)


def _row(row, line, headings):
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    words = next((plain_text(cell) for cell in cells if plain_text(cell) and not _only_links(cell)), "")
    words = re.sub(r"^\d+[.)]\s+", "", words)  # "1) **Titans** …": the row's number is no title
    summary = " | ".join(cell for cell in cells if cell)
    yield from _links(row, line, _tags(headings), words, summary, in_row=True)


def _only_links(cell):
    return not plain_text(LINK_RE.sub("", BARE_URL_RE.sub("", cell)))


def _links(markdown, line, tags, around, summary, in_row=False):
    borrowed = 0  # links titled by the words around them: the second one says which it is
    for _, text, url in links_at(markdown):
        if url.startswith(("#", "mailto:")):
            continue  # a place in the page or an address: not a reference
        text = plain_text(text) if text else ""
        if not is_generic(text, url) and not (in_row and len(text.split()) < 2):
            title = text
        elif around and not is_generic(around, url):
            borrowed += 1
            title = around if borrowed == 1 else f"{around} ({text or f'link {borrowed}'})"
        else:
            title = ""
        shown = summary.strip()
        yield LinkItem(
            line=line,
            url=url,
            title=title[:TITLE_LIMIT].strip(),
            summary="" if plain_text(shown) == title else shown[:SUMMARY_LIMIT],
            tags=tags,
            needs_title=not title,
            borrowed=bool(title) and title != text,
        )
