"""BibTeX of references, written with bibtexparser and LaTeX-escaped by pylatexenc.

Each reference becomes one entry derived from its row alone (no other query):

- key: first author's family name + year + first significant title word, ASCII, lower case
  (`vaswani2017attention`); `anon` without an author, `nd` without a date. Within one export
  the keys are made unique in the order of the references' ids: the first keeps the plain key,
  the next ones get `a`, `b`, … `z`, `aa`, … so a reference keeps its key across exports for as
  long as no reference with a smaller id and the same key appears or goes.
- type: a book is `@book` (`publisher` from the venue, else the affiliation); a paper whose venue
  looks like a conference is `@inproceedings` (`booktitle`), any other venue `@article`
  (`journal`); a paper without a venue (or with "arXiv"/"CoRR"/"preprint" as its venue) is `@misc`.
  Posts, courses, code and videos are `@misc` with `howpublished = {\\url{…}}` and a note of the kind.
- arXiv links add `eprint` and `archivePrefix` (never `primaryClass`: it is not stored); doi.org
  links add `doi`; every http(s) link is the `url`.
- title: see `title_latex`; month as a macro (`month = sep`), year; authors joined with ` and `.
"""

import re
import threading
import unicodedata
from urllib.parse import unquote

import bibtexparser
from bibtexparser import Library
from bibtexparser.middlewares import default_unparse_stack
from bibtexparser.model import Entry, Field
from pylatexenc.latexencode import RULE_REGEX, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from .identity import arxiv_id, is_web_link
from .models import Kind

CONTRIBUTION_MARKS = re.compile(r"[*†‡§¶]+")
# Characters pylatexenc leaves exactly as they are; a value made only of them needs no encoding.
PLAIN_TEXT = re.compile(r"[ !'()*+,\-./0-9:;=?@A-Z\[\]`a-z|]*")


# Math as the site renders it (wiki/rendering.py): `$$…$$`, and `$…$` with no space inside its
# dollars and no digit after the closing one. Kept as it is; any other `$` is text, written `\$`,
# so a title such as “Math $x^2$ and $\alpha” cannot leave LaTeX in math mode.
MATH = re.compile(r"((?<!\\)\$\$.+?\$\$|(?<![\\$])\$(?![\s$]).+?(?<![\s\\])\$(?![\d$]))")
URL_RULE = UnicodeToLatexConversionRule(
    rule_type=RULE_REGEX,
    rule=[
        (re.compile(r"(https?://\S*\.\S*)"), r"\\url{\1}"),
        (re.compile(r"(www.\S*\.\S*)"), r"\\url{\1}"),
    ],
)


def _encoder(math=True):
    rules = [URL_RULE, "defaults"]
    if math:
        rules.insert(0, UnicodeToLatexConversionRule(rule_type=RULE_REGEX, rule=[(MATH, r"\1")]))
    return UnicodeToLatexEncoder(conversion_rules=rules)


def _is_plain(text):
    """Whether pylatexenc would leave the text as it is: most titles and names. Encoding
    character by character in Python costs about half a millisecond an entry."""
    return PLAIN_TEXT.fullmatch(text) and "www." not in text and "://" not in text


# Title words: letters and digits, joined by hyphens ("GPT-2", "DeepSeek-V3", "Low-Rank").
TITLE_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def _needs_braces(word):
    """A hyphen-part with a capital anywhere but as its single leading letter: an acronym
    (`GPT`, `BERT`, `3D`, `V3`) or a mixed-case name (`ResNet`, `ImageNet`, `LoRA`)."""
    for part in word.split("-"):
        rest = part[1:]
        if any(c.isupper() for c in part) and not (
            part[0].isupper() and (not rest or (rest.isalpha() and rest.islower()))
        ):
            return True
    return False


def title_latex(title, text_encoder):
    """The title as LaTeX, its case-sensitive words brace-protected.

    The rule (the usual one of hand-written .bib files): a word is wrapped in braces when a
    hyphen-separated part of it has a capital letter other than a single leading one, i.e. an
    acronym or a mixed-case name: `{GPT}-style`, `{ResNet}`, `{ImageNet}`, `{LoRA}:`,
    `{GPT-2}`, `{DeepSeek-V3}`. Ordinary capitalised words (`Attention Is All You Need`,
    `Low-Rank`) are left for the bibliography style to case, and so is the word after a colon,
    which BibTeX styles keep capitalised by themselves. Math (`$…$`, as the site renders it)
    is kept verbatim and never braced inside; links are never braced; everything else is
    escaped as the other fields are (`\\&`, `\\%`, `\\#`, `\\{`, `\\$` for a lone dollar).
    """
    pieces = MATH.split(title)  # text, math, text, math, …, text
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(piece)
            continue
        last = 0
        for token in re.finditer(r"\S+", piece):
            if "://" in token.group() or "www." in token.group():
                continue
            for word in TITLE_WORD.finditer(token.group()):
                if _needs_braces(word.group()):
                    start, end = token.start() + word.start(), token.start() + word.end()
                    out.append(_text_latex(piece[last:start], text_encoder))
                    out.append("{" + _text_latex(word.group(), text_encoder) + "}")
                    last = end
        out.append(_text_latex(piece[last:], text_encoder))
    return "".join(out)


def _text_latex(text, text_encoder):
    return text if _is_plain(text) else text_encoder.unicode_to_latex(text)


AUTHOR_SPLIT = re.compile(r",\s*|\s+and\s+")
# "…", "...", "et al." in an author list: the names left out, `others` in BibTeX.
OTHERS = re.compile(r"(?:…|\.\.\.|et\s+al\.?|others)", re.IGNORECASE)
REMARK = re.compile(r"\s*\([^()]*\)")  # "Grant Sanderson (3Blue1Brown)"
NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def split_authors(authors):
    """'Ashish Vaswani*, Noam Shazeer*' → ['Ashish Vaswani', 'Noam Shazeer']."""
    cleaned = CONTRIBUTION_MARKS.sub("", authors or "")
    return [name.strip() for name in AUTHOR_SPLIT.split(cleaned) if name.strip()]


def bibtex_authors(authors):
    """The author names for BibTeX: remarks in parentheses dropped, left-out names as one
    trailing `others`."""
    names, others = [], False
    for name in split_authors(authors):
        if OTHERS.fullmatch(name):
            others = True
        elif name := (REMARK.sub("", name).strip() or name):
            names.append(name)
    return [*names, "others"] if others and names else names


# Letters NFKD does not decompose.
ASCII_LETTERS = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "Ð": "D",
        "ð": "d",
        "ß": "ss",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Þ": "Th",
        "þ": "th",
        "ı": "i",
    }
)


def _ascii_lower(text):
    text = unicodedata.normalize("NFKD", text.translate(ASCII_LETTERS))
    return text.encode("ascii", "ignore").decode().lower()


# Skipped as the title's word of a key: articles, prepositions, pronouns and the like.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "to",
        "towards",
        "toward",
        "and",
        "or",
        "nor",
        "but",
        "with",
        "without",
        "within",
        "at",
        "by",
        "from",
        "into",
        "onto",
        "via",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "do",
        "does",
        "did",
        "how",
        "what",
        "why",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "can",
        "we",
        "our",
        "us",
        "my",
        "your",
        "you",
        "i",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "not",
        "no",
        "so",
        "than",
        "about",
        "over",
        "under",
        "beyond",
        "through",
        "between",
        "against",
        "lets",
        "let",
        "s",
        "vs",
        "versus",
    ]
)


def family_name(name):
    words = [w for w in name.split() if _ascii_lower(w).strip(".") not in NAME_SUFFIXES] or name.split()
    return re.sub(r"[^a-z]", "", _ascii_lower(words[-1])) if words else ""


def key_title_word(title):
    """The first significant word of the title, letters only: math and one-letter words skipped."""
    text = _ascii_lower(MATH.sub(" ", title)).replace("'", "")
    return next((w for w in re.findall(r"[a-z]+", text) if len(w) > 1 and w not in STOPWORDS), "")


def base_key(reference):
    """`vaswani2017attention`; `anon` without an author, `nd` without a date."""
    authors = [name for name in bibtex_authors(reference.authors) if name != "others"]
    surname = (family_name(authors[0]) if authors else "") or "anon"
    year = str(reference.published.year) if reference.published else "nd"
    return f"{surname}{year}{key_title_word(reference.title)}"


def _suffix(n):
    """1 → a, 26 → z, 27 → aa: a key's letters after the first duplicate."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def citation_keys(references):
    """The key of each reference, in the given order, made unique in the order of the ids."""
    keys, taken, tried = [None] * len(references), set(), {}
    order = sorted(range(len(references)), key=lambda i: (references[i].pk is None, references[i].pk or 0, i))
    for index in order:
        base = key = base_key(references[index])
        n = tried.get(base, 0)  # the letters this base already used: no quadratic search
        if n or key in taken:
            while key in taken:
                n += 1
                key = base + _suffix(n)
        tried[base] = n
        taken.add(key)
        keys[index] = key
    return keys


# Venues of conference papers: acronyms of the usual meetings and words naming proceedings.
CONFERENCE = re.compile(
    r"\b(?:proc|proceedings|conference|conf|workshops?|symposium|meeting|congress|"
    r"neurips|nips|icml|iclr|cvpr|iccv|eccv|wacv|bmvc|acl|naacl|eacl|aacl|emnlp|coling|conll|"
    r"aaai|ijcai|kdd|sigir|siggraph|www|chi|uai|aistats|colt|corl|rss|icra|iros|interspeech|"
    r"icassp|miccai|findings)\b",
    re.IGNORECASE,
)
PREPRINT = re.compile(r"\b(?:arxiv|corr|preprint|biorxiv|medrxiv)\b", re.IGNORECASE)
DOI_URL = re.compile(r"https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)", re.IGNORECASE)
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
KIND_NOTES = {
    Kind.POST: "Blog post",
    Kind.RESOURCE: "Online resource",
    Kind.CODE: "Code",
    Kind.VIDEO: "Video",
}


def _raw(value):
    """A link or id written verbatim: only braces and backslashes, which would break the entry
    or the \\url around it, are percent-encoded."""
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def entry_type_and_venue(reference):
    """('inproceedings', 'booktitle', venue), ('article', 'journal', venue), ('book', …) or
    ('misc', None, venue or '')."""
    venue = reference.venue.strip()
    if reference.kind == Kind.BOOK:
        return "book", "publisher", venue or reference.affiliation.strip()
    if reference.kind != Kind.PAPER:
        return "misc", None, venue
    if not venue or PREPRINT.search(venue):
        return "misc", None, ""
    if CONFERENCE.search(venue):
        return "inproceedings", "booktitle", venue
    return "article", "journal", venue


def _entry(reference, key, encoder, text_encoder):
    fields = [Field("title", title_latex(reference.title, text_encoder))]

    def prose(name, value):  # LaTeX-encoded
        fields.append(Field(name, value if _is_plain(value) else encoder.unicode_to_latex(value)))

    def raw(name, value, enclosing=None):  # written as it is
        fields.append(Field(name, value, enclosing=enclosing))

    if authors := bibtex_authors(reference.authors):
        prose("author", " and ".join(authors))
    entry_type, venue_field, venue = entry_type_and_venue(reference)
    if venue_field and venue:
        prose(venue_field, venue)
    if reference.published:
        raw("year", str(reference.published.year))
        raw("month", MONTHS[reference.published.month - 1], enclosing="no-enclosing")
    url = reference.url.strip()
    if found := arxiv_id(url):
        raw("eprint", found)
        raw("archivePrefix", "arXiv")
    if match := DOI_URL.fullmatch(url):
        raw("doi", _raw(unquote(match.group(1))))
    if is_web_link(url):
        raw("url", _raw(url))
        if entry_type == "misc" and not found:
            raw("howpublished", rf"\url{{{_raw(url)}}}")
    if note := KIND_NOTES.get(reference.kind):
        prose("note", f"{note}, {venue}" if venue else note)
    return Entry(entry_type, key, fields)


def to_bibtex(references):
    """One BibTeX entry per reference, in the given order (see the module's docstring).

    Entries are derived afresh from the objects given; `export` writes the saved ones.
    """
    references = list(references)
    keys = citation_keys(references)
    return "".join(
        joined(entry_text(reference, key) for reference, key in zip(references, keys, strict=True))
    )


_local = threading.local()


def _encoders():
    """(prose encoder, title text encoder): building them costs more than an entry, so one of each per thread."""
    if getattr(_local, "encoders", None) is None:
        _local.encoders = (_encoder(), _encoder(math=False))
    return _local.encoders


def entry_text(reference, key=None):
    """The reference's entry as an export writes it, under `key` (its base key by default)."""
    library = Library()
    library.add(_entry(reference, key or base_key(reference), *_encoders()))
    # The library is ours alone: no need for the writer to copy it first.
    return bibtexparser.write_string(
        library, unparse_stack=default_unparse_stack(allow_inplace_modification=True)
    )


def derived(reference):
    """(base key, entry under it): what a reference stores of its BibTeX (Reference.prepare), so an
    export of the whole library writes stored text instead of encoding every entry again."""
    key = base_key(reference)
    return key, entry_text(reference, key)


def rekeyed(text, base, key):
    """A stored entry (written under its base key) under the key an export gave it."""
    return text.replace("{" + base + ",", "{" + key + ",", 1) if key != base else text


def joined(entries):
    """The entries as the writer separates them: a blank line between two (each ends in a newline)."""
    for index, text in enumerate(entries):
        yield text if index == 0 else "\n\n" + text


EXPORT_FIELDS = (
    "kind",
    "title",
    "url",
    "authors",
    "affiliation",
    "published",
    "venue",
    "bibtex",
    "bibtex_key",
)


def export(queryset, chunk_size=1000):
    """The BibTeX of a queryset of references, in its order, as texts to stream.

    Two passes, neither holding the library: the stored base keys in id order first (only the
    keys that need a letter are kept), then the stored entries, a chunk of rows at a time. A
    row whose stored entry is missing (written by a bulk insert that skipped prepare) is derived.
    """
    renamed = _renamed_keys(queryset)
    yield from joined(_stored_entries(queryset.only(*EXPORT_FIELDS), renamed, chunk_size))


def _stored_entries(queryset, renamed, chunk_size):
    for reference in queryset.iterator(chunk_size=chunk_size):
        base, text = reference.bibtex_key, reference.bibtex
        if not text or not base:
            base, text = derived(reference)
        yield rekeyed(text, base, renamed.get(reference.pk, base))


def _renamed_keys(queryset):
    """{pk: key} of the references whose key in this export is not their base key (the later
    ones of a duplicated key, as citation_keys names them)."""
    rows = queryset.order_by("pk").values_list("pk", "bibtex_key")
    taken, tried, renamed = set(), {}, {}
    for pk, base in rows.iterator(chunk_size=5000):
        if not base:
            base = base_key(queryset.model.objects.only(*EXPORT_FIELDS).get(pk=pk))
        key = base
        n = tried.get(base, 0)
        if n or key in taken:
            while key in taken:
                n += 1
                key = base + _suffix(n)
            renamed[pk] = key
        tried[base] = n
        taken.add(key)
    return renamed


def fill_stored(queryset, chunk_size=2000):
    """Store the entry of each reference in `queryset` that has none (rows bulk-inserted without
    prepare(), or made before entries were stored); returns how many were filled."""
    filled = 0
    model = queryset.model
    while True:
        batch = list(queryset.filter(bibtex="").only(*EXPORT_FIELDS).order_by("pk")[:chunk_size])
        if not batch:
            return filled
        for reference in batch:
            reference.bibtex_key, reference.bibtex = derived(reference)
        model.objects.bulk_update(batch, ["bibtex_key", "bibtex"], batch_size=500)
        filled += len(batch)
