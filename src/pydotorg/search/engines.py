"""Each database's own full-text search behind one interface, chosen once when the app starts
(:func:`search_engine`), like the rate-limit store.

- **SQLite**: FTS5 over ``search_documents`` (an external-content table kept by triggers;
  columns ``kind``, ``title``, ``body``; the ``porter`` stemmer over ``unicode61`` without
  diacritics; prefix indexes of 2 and 3 characters), ranked by ``bm25()`` with a title word
  worth ten body words; snippets by ``snippet()``; typo candidates from an FTS5 ``trigram``
  table over the vocabulary.
- **PostgreSQL**: a stored ``tsvector`` (title weight A, body weight B, the ``english``
  configuration) with a GIN index on (kind, tsvector) (``btree_gin``), ranked by
  ``ts_rank_cd`` (weights A 1.0, B 0.4, divided by 1 + the logarithm of the document's
  length); snippets by ``ts_headline``, for the page shown only; typo candidates from
  ``pg_trgm``'s nearest neighbours. Its parser reads ``a/b``, ``a.b`` and ``a@b`` as one
  token (a path, a host, a version); the indexed text has a zero-width space after ``/ . @ :``
  so that, as on SQLite, their words are words.

Both take the same query (:mod:`pydotorg.search.query`), rendered as each engine's own text.
The service builds its statements from the subqueries here; an engine only supplies its own
SQL for matching, scoring, snippets, title prefixes and word candidates.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Float, Integer, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Subquery

from pydotorg.search.models import SearchDocument
from pydotorg.search.query import Query, parse

MARK, UNMARK = "\x01", "\x02"  # around matched words in snippets, before HTML escaping
SNIPPET_WORDS = 30
CANDIDATES = 40  # typo correction looks at this many of the nearest vocabulary words
AT = SearchDocument.__table__.c.at.type
# PostgreSQL: what its parser would read as one token (a path, a host, a version) split.
SPLIT = "regexp_replace({}, '([/.@:])', '\\1' || chr(8203), 'g')"
ZERO_WIDTH_SPACE = "\u200b"


def _subquery(sql: str, name: str, params: dict[str, Any] | None, **columns: Any) -> Subquery:
    """A text statement as a named subquery of typed columns, its values bound if given."""
    statement = text(sql)
    if params:
        named = set(re.findall(r"(?<![:\w]):(\w+)", sql))
        statement = statement.bindparams(**{k: v for k, v in params.items() if k in named})
    return statement.columns(**columns).subquery(name)


class SQLiteSearch:
    """SQLite's FTS5 (``search_fts``, ``search_word_trigrams``)."""

    name = "sqlite"
    RANK = "-bm25(search_fts, 0.0, 10.0, 1.0)"

    def query_params(self, kind: str, query: Query, *, title_only: bool = False) -> dict[str, Any]:
        """The values of the statements below for one kind: FTS5's query, matching the words
        in the title or the body (never the ``kind`` column), or in the title alone."""
        words = query.fts5(title_only=title_only)
        return {"sq": f'{{kind}} : "{kind}" AND {{title body}} : ({words})', "skind": kind}

    def scored(self, name: str, params: dict[str, Any] | None = None) -> Subquery:
        """``(object_id, at, doc, score)`` of every match of ``:sq``: FTS5 read first (``CROSS
        JOIN``), ``LIMIT -1`` keeps SQLite from flattening it into the caller's join."""
        return _subquery(
            f"SELECT d.object_id AS object_id, d.at AS at, d.id AS doc, {self.RANK} AS score "  # noqa: S608
            "FROM search_fts CROSS JOIN search_documents d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH :sq LIMIT -1",
            name,
            params,
            object_id=Integer,
            at=AT,
            doc=Integer,
            score=Float,
        )

    def matching(self, name: str) -> Subquery:
        """``(object_id, at)`` of every match of ``:sq`` (no score: for counting)."""
        return _subquery(
            "SELECT d.object_id AS object_id, d.at AS at "
            "FROM search_fts CROSS JOIN search_documents d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH :sq LIMIT -1",
            name,
            None,
            object_id=Integer,
            at=AT,
        )

    def newest(self, name: str) -> Subquery:
        """``(object_id, at, doc, score)`` of the kind's documents newest first (its date
        index read backwards), each looked up in FTS5 by rowid: it stops as soon as the caller
        has what it wants, however many documents match."""
        return _subquery(
            f"SELECT d.object_id AS object_id, d.at AS at, d.id AS doc, {self.RANK} AS score "  # noqa: S608
            "FROM search_documents d CROSS JOIN search_fts ON search_fts.rowid = d.id "
            "WHERE d.kind = :skind AND search_fts MATCH :sq "
            "ORDER BY d.at DESC, d.id DESC LIMIT -1",
            name,
            None,
            object_id=Integer,
            at=AT,
            doc=Integer,
            score=Float,
        )

    async def snippets(
        self, session: AsyncSession, query: Query, ids: list[int]
    ) -> dict[int, tuple[str, str]]:
        """Each document's (body, title) with the matched words between ``MARK`` and
        ``UNMARK``: the body's best window, the whole title."""
        rows = await session.execute(
            text(
                "SELECT rowid, snippet(search_fts, 2, :mark, :unmark, '…', :words), "
                "highlight(search_fts, 1, :mark, :unmark) FROM search_fts "
                "WHERE search_fts MATCH :sq AND rowid IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {
                "sq": f"{{title body}} : ({query.fts5()})",
                "mark": MARK,
                "unmark": UNMARK,
                "words": SNIPPET_WORDS,
                "ids": ids,
            },
        )
        return {int(doc): (str(body or ""), str(title or "")) for doc, body, title in rows}

    def title_prefix(self, name: str) -> Subquery:
        """``object_id`` of the kind's documents whose title holds the typed words with the
        last one as a prefix (``prefix_params``), most recently indexed first."""
        return _subquery(
            "SELECT d.object_id AS object_id FROM search_fts CROSS JOIN search_documents d "  # noqa: S608
            f"ON d.id = search_fts.rowid WHERE search_fts MATCH :sq_{name} "
            "ORDER BY search_fts.rowid DESC LIMIT -1",
            name,
            None,
            object_id=Integer,
        )

    def prefix_params(self, name: str, kind: str, words: list[str]) -> dict[str, Any]:
        """The values of :meth:`title_prefix`'s statement ``name``."""
        return {f"sq_{name}": f'{{kind}} : "{kind}" AND {{title}} : "{" ".join(words)}" *'}

    async def near_words(self, session: AsyncSession, word: str) -> list[tuple[str, int]]:
        """Vocabulary words sharing the most trigrams with ``word`` (padded with a space at
        each end, so that its first and last letters count), and their document counts."""
        padded = f" {word} "
        trigrams = sorted({padded[n : n + 3] for n in range(len(padded) - 2)})
        try:
            rows = await session.execute(
                text(
                    "SELECT w.word, sum(w.documents) FROM ("
                    "SELECT rowid FROM search_word_trigrams WHERE search_word_trigrams MATCH :q "
                    "ORDER BY rank LIMIT :many) t JOIN search_words w ON w.rowid = t.rowid "
                    "GROUP BY w.word"
                ),
                {"q": " OR ".join(f'"{t}"' for t in trigrams), "many": CANDIDATES},
            )
        except Exception as error:  # SQLite before 3.34: no trigram tokenizer, no table
            if "no such table" in str(error):
                return []
            raise
        return [(str(found), int(count)) for found, count in rows]

    def matches(self, kind: str, query: str) -> Subquery | None:
        parsed = parse(query)
        if parsed.empty:
            return None
        return self.scored(f"{kind}_matches", self.query_params(kind, parsed))


class PostgresSearch:
    """PostgreSQL's ``tsvector`` (``search_documents.tsv``) and ``pg_trgm``."""

    name = "postgresql"
    RANK = "ts_rank_cd(d.tsv, to_tsquery('english', :sq), 1)"

    def query_params(self, kind: str, query: Query, *, title_only: bool = False) -> dict[str, Any]:
        return {"sq": query.tsquery(title_only=title_only), "skind": kind}

    def scored(self, name: str, params: dict[str, Any] | None = None) -> Subquery:
        return _subquery(
            f"SELECT d.object_id AS object_id, d.at AS at, d.id AS doc, {self.RANK} AS score "  # noqa: S608
            "FROM search_documents d WHERE d.kind = :skind "
            "AND d.tsv @@ to_tsquery('english', :sq)",
            name,
            params,
            object_id=Integer,
            at=AT,
            doc=Integer,
            score=Float,
        )

    def matching(self, name: str) -> Subquery:
        return _subquery(
            "SELECT d.object_id AS object_id, d.at AS at FROM search_documents d "
            "WHERE d.kind = :skind AND d.tsv @@ to_tsquery('english', :sq)",
            name,
            None,
            object_id=Integer,
            at=AT,
        )

    def newest(self, name: str) -> Subquery:
        return _subquery(
            f"SELECT d.object_id AS object_id, d.at AS at, d.id AS doc, {self.RANK} AS score "  # noqa: S608
            "FROM search_documents d "
            "WHERE d.kind = :skind AND d.tsv @@ to_tsquery('english', :sq)",
            name,
            None,
            object_id=Integer,
            at=AT,
            doc=Integer,
            score=Float,
        )

    async def snippets(
        self, session: AsyncSession, query: Query, ids: list[int]
    ) -> dict[int, tuple[str, str]]:
        options = (
            f"StartSel={MARK}, StopSel={UNMARK}, MaxWords={SNIPPET_WORDS}, MinWords=12, "
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        whole = f"StartSel={MARK}, StopSel={UNMARK}, HighlightAll=true"
        rows = await session.execute(
            text(
                f"SELECT d.id, ts_headline('english', {SPLIT.format('d.body')}, q, :options), "  # noqa: S608
                f"ts_headline('english', {SPLIT.format('d.title')}, q, :whole) "
                "FROM search_documents d, to_tsquery('english', :sq) q WHERE d.id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"sq": query.tsquery(), "options": options, "whole": whole, "ids": ids},
        )
        return {
            int(doc): (
                str(body or "").replace(ZERO_WIDTH_SPACE, ""),
                str(title or "").replace(ZERO_WIDTH_SPACE, ""),
            )
            for doc, body, title in rows
        }

    def title_prefix(self, name: str) -> Subquery:
        return _subquery(
            "SELECT d.object_id AS object_id FROM search_documents d "  # noqa: S608
            f"WHERE d.kind = :skind_{name} AND d.tsv @@ to_tsquery('english', :sq_{name}) "
            "ORDER BY d.id DESC",
            name,
            None,
            object_id=Integer,
        )

    def prefix_params(self, name: str, kind: str, words: list[str]) -> dict[str, Any]:
        # Words are letters and digits only (query.words): safe inside to_tsquery's quotes.
        parts = [f"'{word}':A" for word in words[:-1]] + [f"'{words[-1]}':*A"]
        return {f"sq_{name}": " <-> ".join(parts), f"skind_{name}": kind}

    async def near_words(self, session: AsyncSession, word: str) -> list[tuple[str, int]]:
        """The vocabulary's nearest words by trigram distance (``pg_trgm``'s ``<->``, read
        from its GiST index), and their document counts."""
        rows = await session.execute(
            text(
                "SELECT n.word, sum(n.documents) FROM (SELECT word, documents "
                "FROM search_words ORDER BY word <-> :word LIMIT :many) n GROUP BY n.word"
            ),
            {"word": word, "many": CANDIDATES},
        )
        return [(str(found), int(count)) for found, count in rows]

    def matches(self, kind: str, query: str) -> Subquery | None:
        parsed = parse(query)
        if parsed.empty:
            return None
        return self.scored(f"{kind}_matches", self.query_params(kind, parsed))


Engine = SQLiteSearch | PostgresSearch


def search_engine(database_url: str) -> Engine:
    """The engine of the configured database, chosen once when the app starts."""
    if database_url.startswith("postgresql"):
        return PostgresSearch()
    return SQLiteSearch()


__all__ = ["MARK", "UNMARK", "Engine", "PostgresSearch", "SQLiteSearch", "search_engine"]
