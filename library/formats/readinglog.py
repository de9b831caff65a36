"""The team's reading log: a legend of kind icons, then days (MM/DD/YYYY, newest first).

    Legend:
    - 📜: papers

    09/25/2024
    - 📜[Title](https://arxiv.org/pdf/2409.13373)
        - a note
            - a nested point

An entry may have no link (`- 🧪Experiments with local models`), a relative link
(`./projects/fnn`) or a url with brackets in it; notes are kept as written, four spaces less.
"""

import datetime
import re
from dataclasses import dataclass

from ..models import KIND_ICONS, Kind
from .errors import ImportFormatError
from .lines import numbered_lines

DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
LEGEND_LINE_RE = re.compile(r"^- (?P<icon>\S+?):\s*(?P<label>.+)$")
# The link target runs to the last ")" of the line, so urls with brackets or parentheses survive.
LINKED_RE = re.compile(r"^\[(?P<title>.*)\]\((?P<url>[^\s]*)\)\s*$")
NOTE_INDENT = "    "
# Points nest by four columns each; markdown renders a level by recursing, and a few hundred
# levels exhaust Python's stack. Deeper notes are refused at their line.
MAX_NOTE_DEPTH = 50

# What the legend's own words say, so an icon that lost a byte still finds its kind.
LABEL_KINDS = [
    (re.compile(r"paper", re.I), Kind.PAPER),
    (re.compile(r"blog|post|project page", re.I), Kind.POST),
    (re.compile(r"book", re.I), Kind.BOOK),
    (re.compile(r"resource|course|general", re.I), Kind.RESOURCE),
    (re.compile(r"code|experiment", re.I), Kind.CODE),
    (re.compile(r"video", re.I), Kind.VIDEO),
]
LEGEND_WORDS = {
    Kind.PAPER: "papers",
    Kind.POST: "blog posts, project pages",
    Kind.BOOK: "books",
    Kind.RESOURCE: "broad/general resources",
    Kind.CODE: "code, experiments",
    Kind.VIDEO: "videos",
}


@dataclass
class LogItem:
    line: int
    read_on: datetime.date
    kind: str
    title: str
    url: str
    notes: str
    text: str = ""  # the entry's lines as written, for the record of what an import brought

    @property
    def values(self):
        """The fields a later import compares, as JSON stores them."""
        return {"day": self.read_on.isoformat(), "title": self.title, "url": self.url, "notes": self.notes}


def looks_like_log(text):
    return bool(re.search(r"^Legend:\s*$", text, re.M)) or bool(
        re.search(r"^\d{1,2}/\d{1,2}/\d{4}\s*$", text, re.M)
    )


def parse(text, filename="<log>"):
    """Yield the log's entries in file order; raise ImportFormatError at the first bad line."""
    icons = {icon: kind for kind, icon in KIND_ICONS.items()}
    day = None
    current = None
    in_legend = False
    for number, line in numbered_lines(text):
        stripped = line.rstrip()
        if not stripped.strip():
            in_legend = False
            continue
        if stripped == "Legend:":
            in_legend = True
            continue
        if in_legend:
            match = LEGEND_LINE_RE.match(stripped)
            if not match:
                raise ImportFormatError(
                    filename, number, f"expected a legend line such as “- 📜: papers”, got “{stripped[:60]}”"
                )
            icons[match["icon"]] = _kind_for_label(match["label"], filename, number)
            continue
        if DATE_RE.match(stripped.strip()):
            if current:
                yield current
                current = None
            day = _parse_date(stripped.strip(), filename, number)
            continue
        if line.startswith((NOTE_INDENT, "\t")):
            if current is None:
                raise ImportFormatError(filename, number, "an indented note that belongs to no entry")
            note = line[len(NOTE_INDENT) :] if line.startswith(NOTE_INDENT) else line[1:]
            if _depth(note) > MAX_NOTE_DEPTH:
                raise ImportFormatError(
                    filename,
                    number,
                    f"the note nests deeper than {MAX_NOTE_DEPTH} levels; flatten it to import the file",
                )
            current.notes = f"{current.notes}\n{note.rstrip()}" if current.notes else note.rstrip()
            current.text += "\n" + line
            continue
        if stripped.startswith("- "):
            if day is None:
                raise ImportFormatError(
                    filename, number, "an entry before any date (dates look like 09/25/2024)"
                )
            if current:
                yield current
            current = _parse_entry(stripped[2:], icons, day, filename, number)
            current.text = line
            continue
        if re.match(r"^\d", stripped):
            raise ImportFormatError(filename, number, f"“{stripped[:40]}” is not a date in MM/DD/YYYY form")
        raise ImportFormatError(
            filename,
            number,
            f"expected a date, an entry “- 📜[title](url)” or an indented note, got “{stripped[:60]}”",
        )
    if current:
        yield current


def _depth(note):
    """The nesting level of a note's line: 1 for a point written at the note's own indent."""
    indent = len(note) - len(note.lstrip())
    columns = len(note[:indent].expandtabs(len(NOTE_INDENT)))
    return columns // len(NOTE_INDENT) + 1


def _kind_for_label(label, filename, number):
    for pattern, kind in LABEL_KINDS:
        if pattern.search(label):
            return kind
    raise ImportFormatError(filename, number, f"the legend label “{label}” names none of the six kinds")


def _parse_date(value, filename, number):
    month, day, year = (int(part) for part in DATE_RE.match(value).groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ImportFormatError(filename, number, f"“{value}” is not a real date (MM/DD/YYYY)") from None


def _parse_entry(rest, icons, day, filename, number):
    # Longest first, so an icon that is a prefix of another cannot steal its entries.
    icon = next((icon for icon in sorted(icons, key=len, reverse=True) if rest.startswith(icon)), None)
    if icon is None:
        raise ImportFormatError(
            filename, number, f"the entry does not start with an icon from the legend: “{rest[:40]}”"
        )
    kind, rest = icons[icon], rest[len(icon) :].strip()
    if match := LINKED_RE.match(rest):
        # Exactly as logged (a stray space included): the export gives the line back unchanged.
        title, url = match["title"], match["url"].strip()
    else:
        title, url = rest, ""
    if not title.strip():
        raise ImportFormatError(filename, number, "the entry has no title")
    return LogItem(line=number, read_on=day, kind=kind, title=title, url=url, notes="")


def write(entries):
    """The log file for entries (newest day first, file order within a day), as the team writes it.

    `entries` is an iterable of (read_on, kind, title, url, notes) in that order.
    """
    return "".join(stream(entries))


def stream(entries):
    """`write`'s text in pieces, one per entry, for a download that never holds it all."""
    yield "Legend:\n" + "".join(f"- {KIND_ICONS[kind]}: {words}\n" for kind, words in LEGEND_WORDS.items())
    day = None
    for read_on, kind, title, url, notes in entries:
        parts = []
        if read_on != day:
            parts += ["", f"{read_on:%m/%d/%Y}"]
            day = read_on
        parts.append(
            f"- {KIND_ICONS.get(kind, '')}[{title}]({url})" if url else f"- {KIND_ICONS.get(kind, '')}{title}"
        )
        parts += [_note_line(line) for line in notes.split("\n") if line.strip()]
        yield "".join(f"{part}\n" for part in parts)


def _note_line(line):
    # Notes typed on the site may be plain sentences; in the file every note is a point.
    if line.startswith((" ", "-", "*", "+")):
        return NOTE_INDENT + line
    return f"{NOTE_INDENT}- {line}"
