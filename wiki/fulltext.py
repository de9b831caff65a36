"""The database's own full-text index over SearchDocument: one class per database, chosen once.

SQLite: an FTS5 table kept in step by triggers. PostgreSQL: a weighted, generated tsvector
column with a GIN index. Both use plain word tokens (no stemming, case- and accent-blind
where the engine can), so a query finds the same documents on either database.

The DDL is here and only here: library migration 0005 creates it with `create()`, and a
rebuild sets the index aside (`suspend`) and builds it again in one go (`resume`).
"""

import functools
import hashlib

from django.core.cache import cache
from django.db import connection

TABLE = "library_searchdocument"
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # cannot occur in indexed text; become <mark> after escaping


class FullText:
    # A word in a fifth of the library matches 20,000 titles; ranking them all cost most of a
    # search. Only the newest RANK_WINDOW matches of a tier are ranked (a recency cut-off): as
    # many as the search page's 50 pages of 20 can show, so every page ranks the same set.
    RANK_WINDOW = 1000
    # Where a tier's window starts (the id of its RANK_WINDOW-th newest match) is kept this long:
    # finding it walks every match of a common word, most of a search's time right after a write.
    # A window found earlier only holds more matches (those added since); one left short by
    # deletions is found again (`windowed`).
    WINDOW_SECONDS = 600

    create_statements = ()
    drop_statements = ()

    def create(self, execute):
        for statement in self.create_statements:
            execute(statement)

    def drop(self, execute):
        for statement in self.drop_statements:
            execute(statement)

    def suspend(self, cursor):
        """Stop keeping the index current, for a bulk load."""

    def resume(self, cursor):
        """Build the index again over every document."""

    def count(self, query, doc_type, limit):
        raise NotImplementedError

    def ranked(self, query, doc_type, offset, limit, snippets):
        """(document id, snippet) pairs, best first: title matches, then body-only matches.

        Matches in a title rank above matches only in a body, as two tiers: the title matches
        are ranked first, and the (usually many more) body-only matches only when a page needs
        them. Ranking fewer rows is what keeps a common word fast in a big library.
        """
        raise NotImplementedError


def windowed(probe_sql, ranked_sql, params, ranked_params, limit):
    """Rows of `ranked_sql` (which ends in a window condition taking the window's first id, and
    a LIMIT) among the newest RANK_WINDOW matches; `probe_sql` finds the window's first id."""

    def probe():
        with connection.cursor() as cursor:
            cursor.execute(probe_sql, [*params, FullText.RANK_WINDOW - 1])
            row = cursor.fetchone()
        return row[0] if row else 0  # fewer matches than the window: all of them

    def rank(start):
        with connection.cursor() as cursor:
            cursor.execute(ranked_sql, [*params, start, *ranked_params, limit])
            return cursor.fetchall()

    key = (
        "search-window:" + hashlib.sha1(repr((probe_sql, params, FullText.RANK_WINDOW)).encode()).hexdigest()
    )
    start = cache.get(key)
    if start is not None:
        rows = rank(start)
        if len(rows) == limit or not start:
            return rows
    start = probe()
    cache.set(key, start, FullText.WINDOW_SECONDS)
    return rank(start)


def _type_filter(doc_type):
    return (" AND kind = %s", [doc_type]) if doc_type else ("", [])


class SQLiteFullText(FullText):
    TRIGGERS = ("library_search_ai", "library_search_ad", "library_search_au")
    FTS_TABLE = """CREATE VIRTUAL TABLE library_search_fts USING fts5(
        title, body, kind UNINDEXED, content='library_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )"""
    # The type column (`kind`) is stored, not indexed: a filter by type stays inside the index.
    TRIGGER_STATEMENTS = (
        """CREATE TRIGGER library_search_ai AFTER INSERT ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(rowid, title, body, kind) VALUES (new.id, new.title, new.body, new.kind);
    END""",
        """CREATE TRIGGER library_search_ad AFTER DELETE ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(library_search_fts, rowid, title, body, kind)
        VALUES ('delete', old.id, old.title, old.body, old.kind);
    END""",
        """CREATE TRIGGER library_search_au AFTER UPDATE ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(library_search_fts, rowid, title, body, kind)
        VALUES ('delete', old.id, old.title, old.body, old.kind);
        INSERT INTO library_search_fts(rowid, title, body, kind) VALUES (new.id, new.title, new.body, new.kind);
    END""",
    )
    create_statements = (FTS_TABLE, *TRIGGER_STATEMENTS)
    drop_statements = (
        *(f"DROP TRIGGER IF EXISTS {trigger}" for trigger in reversed(TRIGGERS)),
        "DROP TABLE IF EXISTS library_search_fts",
    )

    def suspend(self, cursor):
        for trigger in self.TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")

    def resume(self, cursor):
        cursor.execute("INSERT INTO library_search_fts(library_search_fts) VALUES ('rebuild')")
        for statement in self.TRIGGER_STATEMENTS:
            cursor.execute(statement)

    @staticmethod
    def match(query):
        parts = ['"' + " ".join(tokens) + '"' for tokens in query.phrases]
        parts += [f'"{word}"' for word in query.words]
        if query.prefix:
            parts.append(f'"{query.prefix}"*')
        return " ".join(parts)

    def count(self, query, doc_type, limit):
        type_sql, type_params = _type_filter(doc_type)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM library_search_fts WHERE library_search_fts MATCH %s"
                f"{type_sql} LIMIT %s)",
                [self.match(query), *type_params, limit],
            )
            return cursor.fetchone()[0]

    def ranked(self, query, doc_type, offset, limit, snippets):
        match, wanted = self.match(query), offset + limit
        in_title = f"title : ({match})"
        ranked = self._ranked(in_title, doc_type, wanted)
        if len(ranked) < wanted:
            ranked += self._ranked(f"({match}) NOT {in_title}", doc_type, wanted - len(ranked))
        page = ranked[offset:wanted]
        if not snippets or not page:
            return [(rowid, "") for rowid in page]
        with connection.cursor() as cursor:
            # The rowid range is FTS5's own constraint (an IN list is not): only the page's stretch
            # of the index is read again, not every match of a common word.
            cursor.execute(
                f"SELECT rowid, snippet(library_search_fts, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 24) "
                f"FROM library_search_fts WHERE library_search_fts MATCH %s AND rowid >= %s AND rowid <= %s "
                f"AND rowid IN ({', '.join(['%s'] * len(page))})",
                [match, min(page), max(page), *page],
            )
            snippet_of = dict(cursor.fetchall())
        return [(rowid, snippet_of.get(rowid, "")) for rowid in page]

    @staticmethod
    def _ranked(match, doc_type, limit):
        """Row ids for an FTS5 match, by bm25 (title weighing ten times body), newer first on ties.

        "Newer" is the document indexed last (ids grow as things are added or edited): a tie is
        broken inside the index's own query, so pages never overlap however a limit cuts a tie.
        Only the newest RANK_WINDOW matches are ranked (see FullText.RANK_WINDOW).
        """
        type_sql, type_params = _type_filter(doc_type)
        # The newest matches come from the index in rowid order, stopping at the window.
        rows = windowed(
            f"SELECT rowid FROM library_search_fts WHERE library_search_fts MATCH %s{type_sql} "
            "ORDER BY rowid DESC LIMIT 1 OFFSET %s",
            f"SELECT rowid, bm25(library_search_fts, 10.0, 1.0, 0.0) AS score FROM library_search_fts "
            f"WHERE library_search_fts MATCH %s{type_sql} AND rowid >= %s ORDER BY score, rowid DESC LIMIT %s",
            [match, *type_params],
            [],
            limit,
        )
        return [rowid for rowid, _ in rows]


class PostgresFullText(FullText):
    # Each write adds to a GIN index's pending list, which every search reads through in full
    # until it is merged into the index (when it passes gin_pending_list_limit, or by autovacuum).
    # At the default 4 MB, a few hundred edits made the pending list three quarters of a common
    # word's index scan (4.1 ms, 1.4 once merged); 256 kB keeps it short and still batches an
    # import's inserts.
    PENDING_LIMIT = "gin_pending_list_limit = 256"
    INDEX = f"CREATE INDEX library_search_vector ON {TABLE} USING GIN (vector) WITH ({PENDING_LIMIT})"
    # The title tier's own index (migration library 0016): a title match is found without
    # reading bodies, and the newest titled documents are walked in id order without passing
    # the hundreds of thousands of readings and comments, which have no title.
    TITLE_INDEX = (
        f"CREATE INDEX IF NOT EXISTS library_search_title_vector ON {TABLE} USING GIN (title_vector) "
        f"WITH ({PENDING_LIMIT})"
    )
    pending_statements = (
        f"ALTER INDEX library_search_vector SET ({PENDING_LIMIT})",
        f"ALTER INDEX library_search_title_vector SET ({PENDING_LIMIT})",
    )
    TITLED_INDEX = f"CREATE INDEX IF NOT EXISTS library_search_titled ON {TABLE} (id) WHERE title <> ''"
    title_statements = (
        f"""ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS title_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(title, ''))
    ) STORED""",
        TITLE_INDEX,
        TITLED_INDEX,
    )
    create_statements = (
        f"""ALTER TABLE {TABLE} ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(body, '')), 'B')
    ) STORED""",
        INDEX,
        *title_statements,
    )
    drop_statements = (
        "DROP INDEX IF EXISTS library_search_titled",
        "DROP INDEX IF EXISTS library_search_title_vector",
        f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS title_vector",
        "DROP INDEX IF EXISTS library_search_vector",
        f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS vector",
    )

    def add_title_tier(self, execute):
        for statement in self.title_statements:
            execute(statement)

    # The body's best fragment (its beginning when only the title matched), as FTS5's snippet().
    HEADLINE = "ts_headline('simple', body, to_tsquery('simple', %s), %s)"

    def suspend(self, cursor):
        cursor.execute("DROP INDEX IF EXISTS library_search_vector")
        cursor.execute("DROP INDEX IF EXISTS library_search_title_vector")

    def resume(self, cursor):
        cursor.execute(self.INDEX)
        cursor.execute(self.TITLE_INDEX)

    @staticmethod
    def match(query, weight=""):
        """A tsquery; with weight "A", only matches in the title (weighted A) count."""
        parts = [
            " <-> ".join(f"{token}:{weight}" if weight else token for token in tokens)
            for tokens in query.phrases
        ]
        parts += [f"{word}:{weight}" if weight else word for word in query.words]
        if query.prefix:
            parts.append(f"{query.prefix}:*{weight}")
        return " & ".join(f"({part})" for part in parts)

    def count(self, query, doc_type, limit):
        # Every title match is a match (the title is in `vector` too): a common word reaches the
        # limit in the small title index without reading two long lists of body matches.
        type_sql, type_params = _type_filter(doc_type)
        found = 0
        for column in ("title_vector", "vector"):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {column} @@ to_tsquery('simple', %s)"
                    f"{type_sql} LIMIT %s) AS hits",
                    [self.match(query), *type_params, limit],
                )
                found = cursor.fetchone()[0]
            if found >= limit:
                break
        return found

    def ranked(self, query, doc_type, offset, limit, snippets):
        wanted = offset + limit
        in_title = self.match(query)
        ranked = self._ranked(in_title, None, doc_type, wanted, column="title_vector", titled=True)
        if len(ranked) < wanted:
            ranked += self._ranked(self.match(query), in_title, doc_type, wanted - len(ranked))
        page = ranked[offset:wanted]
        if not snippets or not page:
            return [(doc_id, "") for doc_id in page]
        options = f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, MaxWords=35, MinWords=15"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {self.HEADLINE} FROM {TABLE} WHERE id = ANY(%s)",
                [self.match(query), options, page],
            )
            snippet_of = dict(cursor.fetchall())
        return [(doc_id, snippet_of.get(doc_id, "")) for doc_id in page]

    @staticmethod
    def _ranked(tsquery, excluded, doc_type, limit, column="vector", titled=False):
        """Document ids matching `tsquery` in `column` and not `excluded` in the title, by ts_rank,
        newer (indexed) first on ties. `titled`: only documents with a title can match."""
        conditions = f"{column} @@ to_tsquery('simple', %s)"
        params = [tsquery]
        if titled:
            conditions += " AND title <> ''"
        if excluded:
            conditions += " AND NOT title_vector @@ to_tsquery('simple', %s)"
            params.append(excluded)
        type_sql, type_params = _type_filter(doc_type)
        # Only the newest RANK_WINDOW matches are ranked (FullText.RANK_WINDOW): ts_rank reads
        # each match's whole vector, most of a common word's time.
        rows = windowed(
            f"SELECT id FROM {TABLE} WHERE {conditions}{type_sql} ORDER BY id DESC LIMIT 1 OFFSET %s",
            f"SELECT id FROM {TABLE} WHERE {conditions}{type_sql} AND id >= %s "
            f"ORDER BY ts_rank({column}, to_tsquery('simple', %s), 1) DESC, id DESC LIMIT %s",
            [*params, *type_params],
            [tsquery],
            limit,
        )
        return [row[0] for row in rows]


ENGINES = {"sqlite": SQLiteFullText, "postgresql": PostgresFullText}


@functools.cache
def engine_for(vendor):
    if vendor not in ENGINES:
        raise NotImplementedError(f"Search supports SQLite and PostgreSQL, not {vendor}.")
    return ENGINES[vendor]()


def engine():
    """The full-text engine of the default database (chosen once per database vendor)."""
    return engine_for(connection.vendor)
