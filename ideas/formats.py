"""The team's ideas file: area headings, then numbered ideas with a bold label and links.

    ## Safety / Interpretability / Alignment
    The basic target is to learn how deep learning models work …

    1. **Interpretability** Playing around with toy models … [Paper](https://…)
    2. **Intepretability** Some proposals by [Apollo](https://…)
        - This one in particular seems doable. [Apply SAEs …](https://…)

An idea's body is its text after the label plus its sub-points, four spaces less: exported,
it gives back the same lines.
"""

import re
from dataclasses import dataclass, field

from library.formats.errors import ImportFormatError
from library.formats.lines import numbered_lines

HEADER = "# Ideas and References\n"
AREA_RE = re.compile(r"^##\s+(?P<name>.+?)\s*$")
ITEM_RE = re.compile(r"^(?P<number>\d+)\.\s+(?P<rest>.*)$")
LABEL_RE = re.compile(r"^\*\*(?P<label>[^*]+)\*\*\s*(?P<text>.*)$")
# Link targets may hold parentheses ("(e.g.%20Alex%20Net)"): balanced pairs inside the url.
LINK_RE = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))+)\)")
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


def parse(text, filename="<ideas>"):
    """The file's ideas in order; raises ImportFormatError at the first line it cannot place."""
    items = []
    area, descriptions = "", {}
    current = None
    for number, line in numbered_lines(text):
        stripped = line.rstrip()
        if match := AREA_RE.match(stripped):
            current = _finish(current, items)
            area = match["name"]
            descriptions.setdefault(area, [])
            continue
        if stripped.startswith("#"):
            current = _finish(current, items)
            area = ""  # a top-level heading: the file's own title and introduction
            continue
        if match := ITEM_RE.match(stripped):
            current = _finish(current, items)
            current = _start_item(match["rest"], number, area, filename)
            continue
        if current is not None and (line.startswith((SUB_INDENT, "\t")) or not stripped):
            current["lines"].append(
                line[len(SUB_INDENT) :] if line.startswith(SUB_INDENT) else line.lstrip("\t")
            )
            continue
        if current is not None:
            raise ImportFormatError(
                filename,
                number,
                "text after an idea that is neither indented under it nor a new numbered idea",
            )
        if area and stripped:
            descriptions[area].append(stripped)
    _finish(current, items)
    if not items:
        raise ImportFormatError(filename, 1, "no numbered ideas (“1. **Label** text”) in this file")
    return [_item(raw, "\n".join(descriptions.get(raw["area"], []))) for raw in items]


def _start_item(rest, number, area, filename):
    if not rest.strip():
        raise ImportFormatError(filename, number, "a numbered idea without any text")
    label, first = "", rest.strip()
    if match := LABEL_RE.match(first):
        label, first = match["label"].strip(), match["text"].strip()
    return {"line": number, "area": area, "label": label, "first": first, "lines": []}


def _finish(current, items):
    if current is not None:
        items.append(current)
    return None


def _item(raw, description):
    sub_lines = raw["lines"]
    while sub_lines and not sub_lines[-1].strip():
        sub_lines.pop()
    if raw["label"]:
        title = derive_title(raw["first"])
        body = "\n".join([raw["first"], *sub_lines])
    else:
        # Written without a label (as the site exports ideas made on the site): the text is the title.
        title, body = raw["first"], "\n".join(sub_lines)
    links = [(m["text"].strip(), m["url"]) for m in LINK_RE.finditer(body)]
    return IdeaItem(raw["line"], raw["area"], description, raw["label"], title, body, links)


def derive_title(text):
    """A short title from an idea's first line: its first clause of at least four words."""
    plain = re.sub(r"\s+", " ", LINK_RE.sub(lambda m: m["text"], text)).strip()
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
