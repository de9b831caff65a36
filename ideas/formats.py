"""The team's ideas file: area headings, then numbered ideas with a bold label and links.

    ## Safety / Interpretability / Alignment
    The basic target is to learn how deep learning models work …

    1. **Interpretability** Playing around with toy models … [Paper](https://…)
    2. **Intepretability** Some proposals by [Apollo](https://…)
        - This one in particular seems doable. [Apply SAEs …](https://…)
           1. Additional thoughts: https://arxiv.org/abs/…
    ![](attachments/diagram.png)

Everything under an idea up to the next idea or heading is its body, markdown as written:
sub-points bulleted or numbered at any indent, continuation lines, images, paragraphs. The
body keeps its lines less the idea's own indent (that of its first indented line), so the
export, which indents them four spaces, reads back to the same body. Text under an area
before its first idea is the area's description; an area without ideas ("Not exactly project
ideas") is kept with its text as that description. Every link in a body, `[text](url)` or a
bare url, is a reference; images are not.
"""

import re
from dataclasses import dataclass, field

from library.formats.errors import ImportFormatError
from library.formats.lines import numbered_lines
from library.formats.links import BARE_URL_RE, IMAGE_RE, LINK_RE, links_at

HEADER = "# Ideas and References\n"
AREA_RE = re.compile(r"^##\s+(?P<name>.+?)\s*$")
TOP_HEADING_RE = re.compile(r"^#(\s|$)")
ITEM_RE = re.compile(r"^(?P<number>\d+)\.\s+(?P<rest>.*)$")
LABEL_RE = re.compile(r"^\*\*(?P<label>[^*]+)\*\*\s*(?P<text>.*)$")
SUB_INDENT = "    "
TITLE_LENGTH = 90


@dataclass
class IdeaItem:
    line: int
    area: str
    area_description: str
    label: str
    title: str
    body: str
    links: list = field(default_factory=list)  # (text, url) in order
    link_lines: list = field(default_factory=list)  # the file's line of each link
    text: str = ""  # the idea's lines as written
    position: int = 0
    pk: int | None = None  # the idea it became

    @property
    def values(self):
        """The fields a later import compares, as JSON stores them."""
        return {"area": self.area, "label": self.label, "title": self.title, "body": self.body}


@dataclass
class IdeasFile:
    items: list
    areas: list  # (name, description, line) in the file's order, areas without ideas too
    introduction: tuple | None  # (first line, last line) of text before the first area


def parse(text, filename="<ideas>"):
    """The file's ideas in order; raises ImportFormatError when it has none."""
    return parse_file(text, filename).items


def parse_file(text, filename="<ideas>"):
    raw_items, areas = [], {}
    area, current, introduction = "", None, None
    for number, line in numbered_lines(text):
        stripped = line.rstrip()
        if match := AREA_RE.match(stripped):
            current = _finish(current, raw_items)
            area = match["name"]
            areas.setdefault(area, {"lines": [], "line": number})
            continue
        if TOP_HEADING_RE.match(stripped):
            current = _finish(current, raw_items)
            area = ""  # a top-level heading: the file's own title and introduction
            continue
        if match := ITEM_RE.match(stripped):
            current = _finish(current, raw_items)
            current = _start_item(match["rest"], number, area, filename)
            current["raw"].append(line)
            continue
        if current is not None:
            current["lines"].append(line)
            current["raw"].append(line)
        elif area:
            areas[area]["lines"].append(stripped)
        elif stripped.strip():
            introduction = (introduction[0] if introduction else number, number)
    _finish(current, raw_items)
    if not raw_items:
        raise ImportFormatError(filename, 1, "no numbered ideas (“1. **Label** text”) in this file")
    descriptions = {name: "\n".join(found["lines"]).strip("\n") for name, found in areas.items()}
    items = [_item(raw, descriptions.get(raw["area"], "")) for raw in raw_items]
    for position, item in enumerate(items):
        item.position = position
    return IdeasFile(
        items,
        [(name, descriptions[name], found["line"]) for name, found in areas.items()],
        introduction,
    )


def _start_item(rest, number, area, filename):
    if not rest.strip():
        raise ImportFormatError(filename, number, "a numbered idea without any text")
    label, first = "", rest.strip()
    if match := LABEL_RE.match(first):
        label, first = match["label"].strip(), match["text"].strip()
    return {"line": number, "area": area, "label": label, "first": first, "lines": [], "raw": []}


def _finish(current, items):
    if current is not None:
        items.append(current)
    return None


def _dedent(lines):
    """The lines less the indent of the first indented one (tabs count four columns)."""
    lines = [line.expandtabs(len(SUB_INDENT)).rstrip("\r") for line in lines]
    indented = [line for line in lines if line.strip() and line[0] == " "]
    unit = len(indented[0]) - len(indented[0].lstrip(" ")) if indented else 0
    return [line[min(unit, len(line) - len(line.lstrip(" "))) :] for line in lines]


def _item(raw, description):
    sub_lines = _dedent(raw["lines"])
    while sub_lines and not sub_lines[-1].strip():
        sub_lines.pop()
    raw_lines = raw["raw"]
    while raw_lines and not raw_lines[-1].strip():
        raw_lines.pop()
    if raw["label"]:
        title = derive_title(raw["first"])
        body = "\n".join([raw["first"], *sub_lines])
    else:
        # Written without a label (as the site exports ideas made on the site): the text is the title.
        title, body = raw["first"], "\n".join(sub_lines)
    first_line = raw["line"] if raw["label"] else raw["line"] + 1
    found = links_at(body)
    return IdeaItem(
        raw["line"],
        raw["area"],
        description,
        raw["label"],
        title,
        body,
        [(text, url) for _, text, url in found],
        [first_line + body.count("\n", 0, start) for start, _, _ in found],
        "\n".join(raw_lines),
    )


def links_in(markdown):
    """Every link of a text in order, [text](url) and bare urls alike, images left out:
    (text, url) pairs, the text empty for a bare url."""
    return [(text, url) for _, text, url in links_at(markdown)]


def derive_title(text):
    """A short title from an idea's first line: its first clause of at least four words."""
    # Italic labels after the bold one ("**Safety** *Easy* …") label the idea; they are no title.
    text = re.sub(r"^(?:(\*|_)[^*_]+\1\s+)+", "", text.strip())
    plain = LINK_RE.sub(lambda m: m["text"], IMAGE_RE.sub("", text))
    plain = BARE_URL_RE.sub("", plain)
    # Italic or bold words after the label ("*(easy)*") are emphasis, not title.
    plain = re.sub(r"(\*{1,2}|_{1,2})(?=\S)(.+?)(?<=\S)\1", r"\2", plain)
    plain = re.sub(r"\s+", " ", plain).strip()
    # Asides in parentheses ("(e.g. Alex Net)") make poor titles and hide commas and full stops.
    without_asides = re.sub(r"\s*\([^()]*\)", "", plain)
    if len(without_asides.split()) >= 4:
        plain = without_asides
    clauses = re.split(r"(?<=[.,;:!?])\s+|\s+-\s+", plain)
    title = ""
    for clause in clauses:
        title = f"{title} - {clause}" if title else clause
        if len(title.split()) >= 4:
            break
    title = title.rstrip(".,;:!? ")
    if len(title) > TITLE_LENGTH:
        title = title[:TITLE_LENGTH].rsplit(" ", 1)[0] + "…"
    return title or plain[:TITLE_LENGTH] or "Untitled idea"


def write(areas):
    """The ideas file for [(area name, description, ideas)], ideas having label, title, body."""
    parts = [HEADER]
    for name, description, ideas in areas:
        parts.append(f"## {name}")
        if description:
            parts.append(description)
        parts.append("")
        for number, idea in enumerate(ideas, start=1):
            first, *rest = idea.body.split("\n") if idea.body else [""]
            if idea.label:
                parts.append(f"{number}. **{idea.label}** {first}".rstrip())
            else:
                parts.append(f"{number}. {idea.title}")
                rest = idea.body.split("\n") if idea.body else []
            parts += [f"{SUB_INDENT}{line}" if line.strip() else "" for line in rest]
        parts.append("")
    return "\n".join(parts).rstrip("\n") + "\n"
