"""BibTeX of references, written with bibtexparser and LaTeX-escaped by pylatexenc."""

import re
import time
import unicodedata

import bibtexparser
from bibtexparser import Library
from bibtexparser.middlewares import LatexEncodingMiddleware, default_unparse_stack
from bibtexparser.model import Entry, Field
from django.core.cache import cache
from pylatexenc.latexencode import RULE_REGEX, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from .identity import arxiv_id
from .models import Kind

CONTRIBUTION_MARKS = re.compile(r"[*†‡§¶]+")
# Characters pylatexenc leaves exactly as they are; a value made only of them needs no encoding.
PLAIN_TEXT = re.compile(r"[ !'()*+,\-./0-9:;=?@A-Z\[\]`a-z|]*")


# Math as the site renders it (wiki/rendering.py): `$$…$$`, and `$…$` with no space inside its
# dollars and no digit after the closing one. Kept as it is; any other `$` is text, written `\$`,
# so a title such as “Math $x^2$ and $\alpha” cannot leave LaTeX in math mode.
MATH = re.compile(r"((?<!\\)\$\$.+?\$\$|(?<![\\$])\$(?![\s$]).+?(?<![\s\\])\$(?![\d$]))")


def _encoder():
    return UnicodeToLatexEncoder(
        conversion_rules=[
            UnicodeToLatexConversionRule(rule_type=RULE_REGEX, rule=[(MATH, r"\1")]),
            UnicodeToLatexConversionRule(
                rule_type=RULE_REGEX,
                rule=[
                    (re.compile(r"(https?://\S*\.\S*)"), r"\\url{\1}"),
                    (re.compile(r"(www.\S*\.\S*)"), r"\\url{\1}"),
                ],
            ),
            "defaults",
        ]
    )


class FastLatexEncoding(LatexEncodingMiddleware):
    """pylatexenc's encoding, skipped for the plain ASCII most titles and names are.

    Encoding character by character in Python costs about half a millisecond an entry; most
    values have nothing to escape, and for them the result would be the value itself.
    """

    def __init__(self, **kwargs):
        super().__init__(encoder=_encoder(), **kwargs)

    def _transform_python_value_string(self, python_string):
        if PLAIN_TEXT.fullmatch(python_string) and "www." not in python_string and "://" not in python_string:
            return python_string, ""
        return super()._transform_python_value_string(python_string)


AUTHOR_SPLIT = re.compile(r",\s*|\s+and\s+")


def split_authors(authors):
    """'Ashish Vaswani*, Noam Shazeer*' → ['Ashish Vaswani', 'Noam Shazeer']."""
    cleaned = CONTRIBUTION_MARKS.sub("", authors or "")
    return [name.strip() for name in AUTHOR_SPLIT.split(cleaned) if name.strip()]


def _ascii_word(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def citation_key(reference, taken):
    authors = split_authors(reference.authors)
    surname = _ascii_word(authors[0].split()[-1]) if authors else ""
    year = str(reference.published.year) if reference.published else ""
    words = [_ascii_word(w) for w in reference.title.split()]
    first_word = next((w for w in words if len(w) > 3), words[0] if words else "")
    base = f"{surname}{year}{first_word}" or f"ref{reference.pk}"
    key, suffix = base, ord("a")
    while key in taken:
        key, suffix = f"{base}{chr(suffix)}", suffix + 1
    taken.add(key)
    return key


def _entry(reference, key):
    fields = {"title": reference.title}
    if authors := split_authors(reference.authors):
        fields["author"] = " and ".join(authors)
    if reference.published:
        fields["year"] = str(reference.published.year)
        fields["month"] = reference.published.strftime("%b").lower()
    if reference.kind == Kind.BOOK:
        entry_type = "book"
        if reference.affiliation:
            fields["publisher"] = reference.affiliation
    elif reference.kind == Kind.PAPER and reference.venue:
        entry_type = "inproceedings"
        fields["booktitle"] = reference.venue
    else:
        entry_type = "misc"
        if reference.venue:
            fields["howpublished"] = reference.venue
    if reference.affiliation and entry_type != "book":
        fields["note"] = reference.affiliation
    return Entry(entry_type, key, [Field(name, value) for name, value in fields.items()])


def to_bibtex(references):
    """One BibTeX entry per reference; arXiv ids become eprint, links stay verbatim."""
    library, taken, raw_fields = Library(), set(), {}
    for reference in references:
        key = citation_key(reference, taken)
        library.add(_entry(reference, key))
        extra = []
        if found := arxiv_id(reference.url):
            extra += [Field("eprint", found), Field("archiveprefix", "arXiv")]
        if reference.is_external:
            extra.append(Field("url", reference.url))
        raw_fields[key] = extra
    # Escape the prose fields, then add ids and urls, which must stay exactly as they are.
    library = FastLatexEncoding(allow_inplace_modification=True).transform(library)
    for entry in library.entries:
        for field in raw_fields[entry.key]:
            entry.set_field(field)
    # The library is ours alone: no need for the writer to copy it first.
    return bibtexparser.write_string(
        library, unparse_stack=default_unparse_stack(allow_inplace_modification=True)
    )


# Any change to any reference makes every cached BibTeX stale: a version number in the cache
# keys, dropped by each change (library/tracked.py), retires them all at once.
VERSION_KEY = "library-version"


def library_version():
    return cache.get_or_set(VERSION_KEY, lambda: time.time_ns(), None)
