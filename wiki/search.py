"""Full-text search over every tracked model that has a search label, the same on both databases.

Every searchable object has one SearchDocument row (type, object id, title, body, what to
show). The database indexes those rows (wiki/fulltext.py) and ranks matches: title above body,
newer above older on a tie. The tracked models say what their documents hold
(`Tracked.document`); wiki/changes.py keeps the documents in step with every change.

Queries match first, on the index alone, with their own limit; other filters are applied to
the handful of ids that come back. (Joining an FTS5 match to other conditions lets SQLite plan
the join the wrong way round, orders of magnitude slower.)
"""

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from django.db import connection, transaction
from django.urls import reverse

from . import bulk, tracking
from .fulltext import MARK_CLOSE, MARK_OPEN, engine
from .models import SearchDocument

COUNT_LIMIT = 1000
TOKEN_RE = re.compile(r'"([^"]*)"?|(\w+)', re.UNICODE)
WORD_RE = re.compile(r"\w+", re.UNICODE)


def doc_types():
    """{doc_type: label} of everything searched, for the search page's filter."""
    return {tracked.slug: tracked.label for tracked in tracking.searched()}


# Keeping the index in step (called by wiki.changes)


def index_objects(doc_type, ids, saved=None):
    """(Re)index the objects of `doc_type` with these ids; ones that should not be found are removed.

    `saved`: {pk: object} just created by bulk_create, with what their documents read: they have
    no document yet and are not read back.
    """
    ids = list(ids)
    saved = saved or {}
    if not ids:
        return
    with transaction.atomic():
        if others := [pk for pk in ids if pk not in saved]:
            remove_objects(doc_type, others)
            objects = list(tracking.by_slug(doc_type).search_queryset().filter(pk__in=others))
        else:
            objects = []
        objects += [saved[pk] for pk in ids if pk in saved]
        bulk.insert(_documents(doc_type, objects))


def remove_objects(doc_type, ids):
    SearchDocument.objects.filter(doc_type=doc_type, object_id__in=list(ids)).delete()


def _documents(doc_type, objects):
    """The search documents of these objects, leaving out those that should not be found."""
    document = tracking.by_slug(doc_type).document
    for obj in objects:
        if fields := document(obj):
            yield SearchDocument(doc_type=doc_type, object_id=obj.pk, **fields)


def rebuild_index(stdout=None, chunk=5000):
    """Index everything again from scratch; returns {doc_type: documents}.

    The database's own index is set aside while the documents go in and rebuilt once after
    (FTS5's 'rebuild'; a fresh GIN index): far faster than keeping it current row by row.
    """
    counts = {}
    full_text = engine()
    with transaction.atomic():
        with connection.cursor() as cursor:
            full_text.suspend(cursor)
        SearchDocument.objects.all().delete()
        for tracked in tracking.searched():
            counts[tracked.slug] = 0
            batch = []
            objects = tracked.search_queryset().order_by("pk").iterator(chunk_size=chunk)
            for document in _documents(tracked.slug, objects):
                batch.append(document)
                if len(batch) >= chunk:
                    counts[tracked.slug] += len(bulk.insert(batch))
                    batch = []
            counts[tracked.slug] += len(bulk.insert(batch))
            if stdout:
                stdout.write(f"{tracked.label}: {counts[tracked.slug]}")
        with connection.cursor() as cursor:
            full_text.resume(cursor)
    return counts


@functools.cache
def url_maker(name):
    """A fast get_absolute_url for indexing hundreds of thousands of rows: reverse() once."""
    sample = reverse(name, args=[987654321])
    head, tail = sample.split("987654321")
    return lambda pk: f"{head}{pk}{tail}"


# Querying


@dataclass
class Query:
    """What the user typed, understood: phrases in quotes, words, the last word a prefix."""

    phrases: list
    words: list
    prefix: str

    @classmethod
    def parse(cls, text):
        text = (text or "").lstrip()
        phrases, words = [], []
        for phrase, word in TOKEN_RE.findall(text):
            if phrase:
                tokens = WORD_RE.findall(phrase.lower())
                if len(tokens) > 1:
                    phrases.append(tokens)
                elif tokens:
                    words.append(tokens[0])
            elif word:
                words.append(word.lower())
        # Still typing the last word (no space after it): match it as a prefix.
        prefix = words.pop() if words and text and not text.endswith((" ", '"')) else ""
        return cls(phrases, words, prefix)

    def __bool__(self):
        return bool(self.phrases or self.words or self.prefix)


@dataclass
class Hit:
    document: SearchDocument
    snippet: str

    @property
    def label(self):
        tracked = tracking.by_slug(self.document.doc_type)
        return tracked.label if tracked else self.document.doc_type


def search(text, doc_type=None, offset=0, limit=20):
    """The ranked hits for `text` (optionally of one type) from `offset`; returns (hits, has_more)."""
    query = Query.parse(text)
    if not query:
        return [], False
    rows = engine().ranked(query, doc_type, offset, limit + 1, snippets=False)
    has_more = len(rows) > limit
    rows = rows[:limit]
    documents = SearchDocument.objects.in_bulk([doc_id for doc_id, _ in rows])
    return [
        Hit(documents[doc_id], _marked(snippet(documents[doc_id].body, query)))
        for doc_id, _ in rows
        if doc_id in documents
    ], has_more


SNIPPET_WORDS = 24


def snippet(body, query):
    """The body's stretch of SNIPPET_WORDS words around the first word the query matches, the
    matching words between the engine's markers (its beginning when only the title matched).

    Written here, the same on both databases: FTS5's snippet() and ts_headline tokenise each
    hit's whole body again, most of a search's time for a page of long summaries.
    """
    words = list(WORD_RE.finditer(body or ""))
    if not words:
        return ""
    terms = {_fold(word) for word in query.words} | {
        _fold(token) for tokens in query.phrases for token in tokens
    }
    prefix = _fold(query.prefix)

    def matches(word):
        folded = _fold(word)
        return folded in terms or bool(prefix and folded.startswith(prefix))

    first = next((i for i, word in enumerate(words) if matches(word.group())), 0)
    start = max(0, first - SNIPPET_WORDS // 4)  # a few words before it, for context
    end = min(len(words), start + SNIPPET_WORDS)
    start = max(0, end - SNIPPET_WORDS)
    parts, position = [], words[start].start()
    for word in words[start:end]:
        parts.append(body[position : word.start()])
        parts.append(f"{MARK_OPEN}{word.group()}{MARK_CLOSE}" if matches(word.group()) else word.group())
        position = word.end()
    tail = "…" if end < len(words) else body[position:].rstrip()  # the closing punctuation
    return ("…" if start else body[: words[0].start()].lstrip()) + "".join(parts) + tail


def _fold(word):
    """Case- and accent-blind, as the indexes tokenise."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def count(text, doc_type=None):
    """How many documents match, counted up to COUNT_LIMIT (shown as "1000+")."""
    query = Query.parse(text)
    if not query:
        return 0
    return engine().count(query, doc_type, COUNT_LIMIT + 1)


def matching_ids(text, doc_type, limit=2000):
    """Object ids of `doc_type` matching `text`, best first: for list pages' text filters."""
    query = Query.parse(text)
    if not query:
        return []
    rows = engine().ranked(query, doc_type, 0, limit, snippets=False)
    object_of = dict(
        SearchDocument.objects.filter(pk__in=[doc_id for doc_id, _ in rows]).values_list("pk", "object_id")
    )
    return [object_of[doc_id] for doc_id, _ in rows if doc_id in object_of]


def _marked(snippet):
    """Escape the snippet's text, then turn the engine's markers into <mark> elements."""
    escaped = html.escape(snippet or "")
    return escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
