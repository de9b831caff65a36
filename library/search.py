"""Full-text search over references, log notes, ideas and comments, the same on both databases.

Every searchable object has one SearchDocument row (kind, object id, title, body, what to show).
The database indexes those rows (FTS5 on SQLite, a tsvector on PostgreSQL; migration 0005) and
ranks matches: title above body, newer above older on a tie.

Queries match first, on the index alone, with their own limit; other filters are applied to
the handful of ids that come back. (Joining an FTS5 match to other conditions lets SQLite plan
the join the wrong way round, orders of magnitude slower.)

Apps declare what they index with `register`; the library registers references and log
entries below, the ideas app its ideas and comments.
"""

import datetime
import functools
import html
import importlib
import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone

from .models import LogEntry, Reference, SearchDocument
from .rendering import plain_text

COUNT_LIMIT = 1000
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # cannot occur in indexed text; become <mark> after escaping
TOKEN_RE = re.compile(r'"([^"]*)"?|(\w+)', re.UNICODE)
WORD_RE = re.compile(r"\w+", re.UNICODE)


@dataclass
class Indexer:
    """How one kind of object becomes search documents."""

    kind: str
    label: str
    queryset: object  # callable returning the queryset of objects to index
    document: object  # callable(obj) -> dict(title, body, heading, url, stamp), or None to leave out


INDEXERS = {}


def register(kind, label, queryset, document, *, model, related=()):
    """Index `model` objects as `kind`, kept in step on every save and delete."""
    INDEXERS[kind] = Indexer(kind, label, queryset, document)

    def saved(sender, instance, raw=False, **kwargs):
        if not raw:
            index_objects(kind, [instance.pk])

    def deleted(sender, instance, **kwargs):
        remove_objects(kind, [instance.pk])

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"search-save-{kind}")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"search-delete-{kind}")


def kinds():
    return {kind: indexer.label for kind, indexer in INDEXERS.items()}


# Keeping the index in step


def index_objects(kind, ids):
    """(Re)index the objects of `kind` with these ids; ones that should not be found are removed."""
    ids = list(ids)
    if not ids:
        return
    with transaction.atomic():
        remove_objects(kind, ids)
        objects = INDEXERS[kind].queryset().filter(pk__in=ids)
        SearchDocument.objects.bulk_create(_documents(kind, objects), batch_size=1000)


def remove_objects(kind, ids):
    SearchDocument.objects.filter(kind=kind, object_id__in=list(ids)).delete()


def _documents(kind, objects):
    """The search documents of these objects, leaving out those that should not be found."""
    document = INDEXERS[kind].document
    for obj in objects:
        if fields := document(obj):
            yield SearchDocument(kind=kind, object_id=obj.pk, **fields)


def rebuild_index(stdout=None, chunk=5000):
    """Index everything again from scratch; returns {kind: documents}.

    The database's own index is set aside while the documents go in and rebuilt once after
    (FTS5's 'rebuild'; a fresh GIN index): far faster than keeping it current row by row.
    """
    counts = {}
    with transaction.atomic(), _bulk_indexing():
        SearchDocument.objects.all().delete()
        for kind, indexer in INDEXERS.items():
            counts[kind] = 0
            batch = []
            for document in _documents(kind, indexer.queryset().order_by("pk").iterator(chunk_size=chunk)):
                batch.append(document)
                if len(batch) >= chunk:
                    counts[kind] += len(SearchDocument.objects.bulk_create(batch))
                    batch = []
            counts[kind] += len(SearchDocument.objects.bulk_create(batch))
            if stdout:
                stdout.write(f"{indexer.label}: {counts[kind]}")
    return counts


@contextmanager
def _bulk_indexing():
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            for trigger in FTS5_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        elif vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS library_search_vector")
    yield
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("INSERT INTO library_search_fts(library_search_fts) VALUES ('rebuild')")
            for statement in FULL_TEXT_MIGRATION.SQLITE_FORWARD[1:]:
                cursor.execute(statement)
        elif vendor == "postgresql":
            cursor.execute(FULL_TEXT_MIGRATION.POSTGRES_FORWARD[1])


# The triggers and index are defined once, in the migration that made them.
FULL_TEXT_MIGRATION = importlib.import_module("library.migrations.0005_full_text_index")
FTS5_TRIGGERS = ("library_search_ai", "library_search_ad", "library_search_au")


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

    def fts5(self):
        parts = ['"' + " ".join(tokens) + '"' for tokens in self.phrases]
        parts += [f'"{word}"' for word in self.words]
        if self.prefix:
            parts.append(f'"{self.prefix}"*')
        return " ".join(parts)

    def tsquery(self, weight=""):
        """PostgreSQL's form; with weight "A", only matches in the title (weighted A) count."""
        parts = [
            " <-> ".join(f"{token}:{weight}" if weight else token for token in tokens)
            for tokens in self.phrases
        ]
        parts += [f"{word}:{weight}" if weight else word for word in self.words]
        if self.prefix:
            parts.append(f"{self.prefix}:*{weight}")
        return " & ".join(f"({part})" for part in parts)


@dataclass
class Hit:
    document: SearchDocument
    snippet: str

    @property
    def label(self):
        return INDEXERS[self.document.kind].label if self.document.kind in INDEXERS else self.document.kind


def search(text, kind=None, offset=0, limit=20):
    """The ranked hits for `text` (optionally one kind) from `offset`; returns (hits, has_more)."""
    query = Query.parse(text)
    if not query:
        return [], False
    rows = _ranked_ids(query, kind, offset, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    documents = SearchDocument.objects.in_bulk([doc_id for doc_id, _ in rows])
    return [
        Hit(documents[doc_id], _marked(snippet)) for doc_id, snippet in rows if doc_id in documents
    ], has_more


def count(text, kind=None):
    """How many documents match, counted up to COUNT_LIMIT (shown as "1000+")."""
    query = Query.parse(text)
    if not query:
        return 0
    if connection.vendor == "postgresql":
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM library_searchdocument "
            "WHERE vector @@ to_tsquery('simple', %s)"
            + (" AND kind = %s" if kind else "")
            + " LIMIT %s) AS hits"
        )
        params = [query.tsquery(), *([kind] if kind else []), COUNT_LIMIT + 1]
    else:
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM library_search_fts WHERE library_search_fts MATCH %s"
            + (" AND kind = %s" if kind else "")
            + " LIMIT %s)"
        )
        params = [query.fts5(), *([kind] if kind else []), COUNT_LIMIT + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def matching_ids(text, kind, limit=2000):
    """Object ids of `kind` matching `text`, best first: for list pages' text filters."""
    query = Query.parse(text)
    if not query:
        return []
    rows = _ranked_ids(query, kind, 0, limit, snippets=False)
    object_of = dict(
        SearchDocument.objects.filter(pk__in=[doc_id for doc_id, _ in rows]).values_list("pk", "object_id")
    )
    return [object_of[doc_id] for doc_id, _ in rows if doc_id in object_of]


def _ranked_ids(query, kind, offset, limit, snippets=True):
    """(document id, snippet) pairs, best first, found on the index before anything is joined.

    Matches in a title rank above matches only in a body, as two tiers: the title matches are
    ranked first, and the (usually many more) body-only matches only when a page needs them.
    Ranking fewer rows is what keeps a common word fast in a big library.
    """
    if connection.vendor == "postgresql":
        return _ranked_ids_postgres(query, kind, offset, limit, snippets)
    match, wanted = query.fts5(), offset + limit
    in_title = f"title : ({match})"
    ranked = _fts5_ranked(in_title, kind, wanted)
    if len(ranked) < wanted:
        ranked += _fts5_ranked(f"({match}) NOT {in_title}", kind, wanted - len(ranked))
    page = ranked[offset:wanted]
    if not snippets or not page:
        return [(rowid, "") for rowid in page]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, snippet(library_search_fts, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 24) "
            f"FROM library_search_fts WHERE library_search_fts MATCH %s "
            f"AND rowid IN ({', '.join(['%s'] * len(page))})",
            [match, *page],
        )
        snippet_of = dict(cursor.fetchall())
    return [(rowid, snippet_of.get(rowid, "")) for rowid in page]


def _fts5_ranked(match, kind, limit):
    """Row ids for an FTS5 match, by bm25 (title weighing ten times body), newer first on ties.

    "Newer" is the document indexed last (ids grow as things are added or edited): a tie is
    broken inside the index's own query, so pages never overlap however a limit cuts a tie.
    """
    kind_filter = " AND kind = %s" if kind else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, bm25(library_search_fts, 10.0, 1.0, 0.0) AS score FROM library_search_fts "
            f"WHERE library_search_fts MATCH %s{kind_filter} ORDER BY score, rowid DESC LIMIT %s",
            [match, *([kind] if kind else []), limit],
        )
        return [rowid for rowid, _ in cursor.fetchall()]


# The body's best fragment (its beginning when only the title matched), as FTS5's snippet().
HEADLINE = "ts_headline('simple', body, to_tsquery('simple', %s), %s)"


def _ranked_ids_postgres(query, kind, offset, limit, snippets):
    wanted = offset + limit
    in_title = query.tsquery(weight="A")
    ranked = _postgres_ranked(in_title, None, kind, wanted)
    if len(ranked) < wanted:
        ranked += _postgres_ranked(query.tsquery(), in_title, kind, wanted - len(ranked))
    page = ranked[offset:wanted]
    if not snippets or not page:
        return [(doc_id, "") for doc_id in page]
    options = f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, MaxWords=35, MinWords=15"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {HEADLINE} FROM library_searchdocument WHERE id = ANY(%s)",
            [query.tsquery(), options, page],
        )
        snippet_of = dict(cursor.fetchall())
    return [(doc_id, snippet_of.get(doc_id, "")) for doc_id in page]


def _postgres_ranked(tsquery, excluded, kind, limit):
    """Document ids matching `tsquery` and not `excluded`, by ts_rank, newer (indexed) first on ties."""
    conditions = "vector @@ to_tsquery('simple', %s)"
    params = [tsquery]
    if excluded:
        conditions += " AND NOT vector @@ to_tsquery('simple', %s)"
        params.append(excluded)
    if kind:
        conditions += " AND kind = %s"
        params.append(kind)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM library_searchdocument WHERE {conditions} "
            f"ORDER BY ts_rank(vector, to_tsquery('simple', %s), 1) DESC, id DESC LIMIT %s",
            [*params, tsquery, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _marked(snippet):
    """Escape the snippet's text, then turn the engine's markers into <mark> elements."""
    escaped = html.escape(snippet or "")
    return escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


# The library's own kinds


def _reference_url(pk):
    return url_maker("library:detail")(pk)


def _reference_document(reference):
    facts = " ".join(filter(None, [reference.authors, reference.affiliation, reference.venue]))
    return {
        "title": reference.title,
        "body": f"{facts}\n{plain_text(reference.summary_html)}".strip(),
        "heading": reference.title,
        "url": _reference_url(reference.pk),
        "stamp": reference.created,
    }


def _log_entry_document(entry):
    stamp, day = _reading_day(entry.read_on)
    return {
        "title": entry.display_title,
        "body": plain_text(entry.notes_html),
        "heading": f"{entry.reader.get_username()} read “{entry.display_title}” on {day}",
        "url": f"{_reference_url(entry.reference_id)}#log-{entry.pk}",
        "stamp": stamp,
    }


@functools.lru_cache(maxsize=4096)
def _reading_day(read_on):
    """Noon of a reading day and its label; a rebuild meets the same few thousand days again and again."""
    return timezone.make_aware(datetime.datetime.combine(read_on, datetime.time(12))), f"{read_on:%b %-d, %Y}"


register(
    "reference",
    "References",
    lambda: Reference.objects.only("title", "authors", "affiliation", "venue", "summary_html", "created"),
    _reference_document,
    model=Reference,
)
register(
    "log",
    "Reading log",
    # Only what a document needs: 300,000 entries each joined to a whole reference add up.
    lambda: LogEntry.objects.select_related("reference", "reader").only(
        "logged_title", "notes_html", "read_on", "reference__title", "reader__username"
    ),
    _log_entry_document,
    model=LogEntry,
)


def _reference_saved(sender, instance, raw=False, **kwargs):
    # A log entry shows its reference's title unless it logged its own.
    if not raw:
        index_objects("log", instance.log_entries.filter(logged_title="").values_list("pk", flat=True))


post_save.connect(_reference_saved, sender=Reference, dispatch_uid="search-reference-entries")
