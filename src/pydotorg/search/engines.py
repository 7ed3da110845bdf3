"""Each database's own full-text search behind one interface, chosen once at start.

- **SQLite**: FTS5 over ``search_documents`` (external content kept by triggers; ``porter``
  stemming over ``unicode61``; prefix indexes), ranked by ``bm25()`` with a title word worth
  ten body words; snippets by ``snippet()``; typo candidates from a ``trigram`` FTS5 table.
- **PostgreSQL**: a stored ``tsvector`` (``english``; title weight A, body B; the kind a
  lexeme) with a GIN index, and one of the title alone (``title_tsv``, for title matches and
  autocomplete); a few matches read from those, many newest first from the date index;
  ranked by ``ts_rank_cd`` (normalised by the log of the length);
  snippets by ``ts_headline`` for the page shown only; typo candidates from ``pg_trgm``. Its
  parser reads tokens across punctuation (``a/b`` and ``a.b`` as one, ``a-1`` as ``a`` and
  the number ``-1``): the indexed text has a zero-width space after each ASCII punctuation
  character (:data:`SPLIT`), so that it holds the words a query is made of, as on SQLite.

An engine supplies its SQL; the service builds its statements from these subqueries.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    bindparam,
    column,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Subquery

from pydotorg.core.search import SearchIndex
from pydotorg.search.models import SearchDocument
from pydotorg.search.query import Query, parse

MARK, UNMARK = "\x01", "\x02"  # around matched words in snippets, before HTML escaping
SNIPPET_WORDS = 30
CANDIDATES = 40  # typo correction weighs this many of the nearest vocabulary words
# The vocabulary's words a typo may be corrected to (indexing.correctable), as PostgreSQL's
# partial trigram index ix_search_words_trigrams has them; SQLite's search_word_trigrams is
# fed only them (migration 0023).
CORRECTABLE = "length({0}) >= 3 AND {0} !~ '^[0-9]+$'"
# PostgreSQL autocomplete reads a kind's newest SMALL_KIND titles before it asks the GIN index.
SMALL_KIND = 1000
EPOCH = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = int((datetime(3000, 1, 1, tzinfo=UTC) - EPOCH).total_seconds())  # under 2**35
SAME_SECOND = 1 << 20  # SQLite rowids for the documents of one kind dated the same second
PARAMETER = re.compile(r"(?<![:\w]):(\w+)")  # a named parameter of a statement's text
PUNCTUATION = "[\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e]"  # ASCII's (migration 0025)
SPLIT = f"regexp_replace({{}}, '({PUNCTUATION})', '\\1' || chr(8203), 'g')"
COLUMNS: dict[str, Any] = {
    "object_id": Integer,
    "at": SearchDocument.__table__.c.at.type,
    "doc": Integer,
    "public": Boolean,
}


class Engine:
    """What differs between databases; ``:sq`` is the query's text, ``:skind`` the kind."""

    name: ClassVar[str]
    RANK: ClassVar[str]  # the score of the row ``d`` (higher is better)
    IN_ORDER: ClassVar[bool]  # whether the matches come newest first (else the caller sorts)
    TITLED: ClassVar[str]  # whether the row ``d`` holds every word in its title (or "NULL")

    def query_params(
        self, index: SearchIndex, query: Query, *, title_only: bool = False
    ) -> dict[str, Any]:
        raise NotImplementedError

    async def prepare(self, session: AsyncSession, *, custom: bool = True) -> None:
        """Set the transaction up for the search statements (nothing to do by default);
        ``custom``: statements whose plan depends on their values (else one plan serves)."""

    RANK_LIMIT: ClassVar[int | None] = None  # see SQLiteSearch

    def source(
        self,
        name: str,
        *,
        scored: bool = True,
        params: dict[str, Any] | None = None,
        title: bool = False,
        walk: bool = False,
        window: bool = False,
        suffix: str = "",
    ) -> Subquery:
        """``(object_id, at, doc, public, score, titled)`` of the kind's matches (not
        ``scored``: every score 0); ``title``: those holding every word in the title;
        ``walk``: read in date order, for matches too many to sort; ``window``: among the
        kind's newest ``:window`` documents only, read in date order (engines that choose
        how they read: :attr:`WINDOW`). ``suffix`` ends the name of every parameter, so
        that the statements of several indexes can be one."""
        row = "c" if window and title else "d"  # the columns of the date index's entry
        sql = (
            f"SELECT {row}.object_id AS object_id, {row}.at AS at, {row}.id AS doc, "  # noqa: S608
            f"{row}.public AS public, {self.RANK if scored else '0.0'} AS score, "
            f"{self.TITLED} AS titled FROM "
            f"{self.matched(title=title, walk=walk, window=window, scored=scored)}"
        )
        sql = suffixed(sql, suffix)
        statement = text(sql)
        if params:
            named = set(PARAMETER.findall(sql))
            statement = statement.bindparams(**{k: v for k, v in params.items() if k in named})
        return statement.columns(**COLUMNS, score=Float, titled=Boolean).subquery(name)

    # Engines that read many matches in date order: how many of a kind's newest documents a
    # bounded reading looks at (:meth:`source`'s ``window``); None: the engine has no such
    # reading (its ``walk`` is bounded by itself).
    WINDOW: ClassVar[int | None] = None

    def matched(self, *, title: bool, walk: bool, window: bool = False, scored: bool = True) -> str:
        """FROM/WHERE of a kind's matches (see :meth:`source`)."""
        raise NotImplementedError

    def title_rowids(self, suffix: str, last: Any) -> Any:
        """For an engine that tells title matches by a reading of its own (:attr:`TITLED`
        "NULL"): the documents of the kind, up to ``last``, holding every word of the title
        query ``:tq`` in the title; None: the engine tells them in :meth:`source`."""
        return None

    def kind_size(self, suffix: str = "") -> Any:
        """A scalar subquery: how many documents the kind ``:skind`` has, up to ``:window``
        (engines with a :attr:`WINDOW`)."""
        return literal_column("NULL")

    def kind_titles(self, suffix: str, most: int) -> Any:
        """A scalar subquery: how many of the kind's documents, visible or not, hold the
        required words in the title, up to ``most`` (engines with a :attr:`WINDOW`: it
        chooses how the newest title matches are read); NULL: not told."""
        return literal_column("NULL")

    async def shares(self, session: AsyncSession, words: list[str]) -> dict[str, float | None]:
        """The share of the public documents holding each of ``words`` (engines with a
        :attr:`WINDOW`; a word not in the vocabulary: none; None: one the engine drops from a
        query, a stopword)."""
        return {}

    async def kinds_matching(self, session: AsyncSession, query: Query) -> frozenset[str] | None:
        """The kinds of which a document, visible or not, matches ``query``, when they are
        few to tell (engines with a :attr:`WINDOW`; it only spares them the counts of the
        other kinds); None: not told."""
        return None

    def matches(self, index: SearchIndex, query: str) -> Subquery | None:
        """``(object_id, at, doc, score)`` of the matches of a typed query, its values bound
        (a domain's ``q``); None when it has no word to find."""
        parsed = parse(query)
        if parsed.empty:
            return None
        return self.source(f"{index.kind}_matches", params=self.query_params(index, parsed))

    async def snippets(
        self, session: AsyncSession, query: Query, ids: list[int]
    ) -> dict[int, tuple[str, str]]:
        """Each document's (body window, title) with matched words between MARK and UNMARK."""
        raise NotImplementedError

    def title_prefix(self, name: str, kind: str) -> Subquery:
        """``(object_id, public)`` of the kind's documents whose title holds ``:sq_<name>``
        (``kind``: the kind's name, for an engine with indexes of its own for each kind)."""
        raise NotImplementedError

    def prefix_params(self, name: str, index: SearchIndex, words: list[str]) -> dict[str, Any]:
        """The values of :meth:`title_prefix`: the words, the last one as a prefix."""
        raise NotImplementedError

    async def near_words_of(
        self, session: AsyncSession, words: list[str]
    ) -> dict[str, list[tuple[str, int]]]:
        """The vocabulary's correctable words nearest each of ``words`` by trigrams, with
        their document counts."""
        raise NotImplementedError


def suffixed(sql: str, suffix: str) -> str:
    """A statement's text with ``suffix`` ending the name of every parameter."""
    return PARAMETER.sub(lambda found: f":{found.group(1)}{suffix}", sql) if suffix else sql


def _prefix_subquery(sql: str, name: str) -> Subquery:
    return text(sql).columns(object_id=Integer, public=Boolean).subquery(name)


def kind_rowids(number: int) -> tuple[int, int]:
    """The first and last SQLite rowid of a kind's documents (see :func:`sqlite_rowid`)."""
    return number << 56, (number << 56) + (1 << 56) - 1


def sqlite_rowid(number: int, at: datetime | None) -> int:
    """The lowest rowid of a SQLite document of kind ``number`` dated ``at``: the kind, then
    the seconds from ``at`` to 3000 (newest first; undated: last), then 20 bits for documents
    of one second. FTS5 reads rowids upwards (downwards it reads a word's whole list first),
    so it reads a kind's matches newest first, and stops when the caller has enough."""
    seconds = LATEST if at is None else int((at - EPOCH).total_seconds())
    return (number << 56) | ((LATEST - min(max(seconds, 0), LATEST)) * SAME_SECOND)


class SQLiteSearch(Engine):
    """FTS5's ``search_fts``, ``search_titles`` and ``search_word_trigrams``. A kind's
    documents are a range of rowids, in date order (:func:`sqlite_rowid`). ``CROSS JOIN``
    fixes which table is read first; ``LIMIT -1`` keeps a subquery from being flattened."""

    name = "sqlite"
    RANK = "-bm25(search_fts, 10.0, 1.0)"
    IN_ORDER = True
    TITLED = "NULL"  # FTS5 tells it by a second cursor, over the title alone
    # bm25() first reads every document of each query word (its weight): a query with a word
    # in more documents than this is not scored (its hits go by title, then newest).
    RANK_LIMIT = 10_000

    def matched(self, *, title: bool, walk: bool, window: bool = False, scored: bool = True) -> str:
        """One plan whatever the count: FTS5 reads in rowid order (newest first) and stops.
        Title matches: scored, by the search table's query in the title alone (``:sq`` of
        ``query_params(title_only=True)``: bm25 scores them as that query); else from the
        titles' own table (``search_title_stems``, migration 0022: its document lists hold
        titles only), the query's required words (``:tq``), its excluded ones (``:xq``, if
        any) looked for in the search table."""
        if title and not scored:
            return (
                "search_title_stems CROSS JOIN search_documents d "
                "ON d.id = search_title_stems.rowid WHERE search_title_stems MATCH :tq "
                "AND search_title_stems.rowid BETWEEN :lo AND :hi AND (:xq IS NULL OR d.id "
                "NOT IN (SELECT x.rowid FROM search_fts x WHERE x.search_fts MATCH :xq "
                "AND x.rowid BETWEEN :lo AND :hi)) ORDER BY search_title_stems.rowid LIMIT -1"
            )
        return (
            "search_fts CROSS JOIN search_documents d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH :sq AND search_fts.rowid BETWEEN :lo AND :hi "
            "ORDER BY search_fts.rowid LIMIT -1"
        )

    TITLES = table("search_title_stems", column("rowid", Integer), column("search_title_stems"))

    def title_rowids(self, suffix: str, last: Any) -> Any:
        """One reading of the documents holding the query's required words (``:tq``) in the
        title (the titles' own table), newest first, stopping at ``last`` (the kind's matches
        read before it end there): a statement's uncorrelated ``IN``, which SQLite reads
        once. It is asked only of matches: their exclusions already hold."""
        titles = self.TITLES
        return select(titles.c.rowid).where(
            titles.c.search_title_stems.op("MATCH")(bindparam(f"tq{suffix}")),
            titles.c.rowid.between(bindparam(f"lo{suffix}"), last),
        )

    def query_params(
        self, index: SearchIndex, query: Query, *, title_only: bool = False
    ) -> dict[str, Any]:
        """``title_only``: also the required words (``tq``) and the excluded ones (``xq``,
        None without any) for the titles' own table (:meth:`matched`)."""
        lo, hi = kind_rowids(index.number)
        params = {"sq": query.fts5(title_only=title_only), "lo": lo, "hi": hi}
        if title_only:
            params.update(tq=query.required.fts5(), xq=query.fts5_excluded())
        return params

    async def snippets(
        self, session: AsyncSession, query: Query, ids: list[int]
    ) -> dict[int, tuple[str, str]]:
        statement = text(
            "SELECT rowid, snippet(search_fts, 1, :mark, :unmark, '…', :words), "
            "highlight(search_fts, 0, :mark, :unmark) FROM search_fts "
            "WHERE search_fts MATCH :sq AND rowid IN :ids"
        ).bindparams(bindparam("ids", expanding=True))
        values = {"mark": MARK, "unmark": UNMARK, "words": SNIPPET_WORDS, "ids": ids}
        rows = await session.execute(statement, {**values, "sq": query.fts5()})
        return {int(doc): (str(body or ""), str(title or "")) for doc, body, title in rows}

    def title_prefix(self, name: str, kind: str) -> Subquery:
        return _prefix_subquery(
            "SELECT d.object_id AS object_id, d.public AS public FROM search_titles "  # noqa: S608
            "CROSS JOIN search_documents d "
            f"ON d.id = search_titles.rowid WHERE search_titles MATCH :sq_{name} "
            f"AND search_titles.rowid BETWEEN :lo_{name} AND :hi_{name} "
            "ORDER BY search_titles.rowid LIMIT -1",
            name,
        )

    def prefix_params(self, name: str, index: SearchIndex, words: list[str]) -> dict[str, Any]:
        lo, hi = kind_rowids(index.number)
        return {f"sq_{name}": f'"{" ".join(words)}" *', f"lo_{name}": lo, f"hi_{name}": hi}

    NEAR = text(
        "SELECT w.word, w.documents FROM (SELECT rowid FROM search_word_trigrams "
        "WHERE search_word_trigrams MATCH :q ORDER BY rank LIMIT :many) t "
        "JOIN search_words w ON w.rowid = t.rowid"
    )

    async def near_words_of(
        self, session: AsyncSession, words: list[str]
    ) -> dict[str, list[tuple[str, int]]]:
        """One statement a word, each padded with a space at each end, so that the first and
        last letters count; the trigram table holds the correctable words only."""
        if not await session.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'search_word_trigrams'")
        ):
            return {}  # SQLite before 3.34 has no trigram tokenizer: no typo correction
        near: dict[str, list[tuple[str, int]]] = {}
        for word in words:
            padded = f" {word} "
            trigrams = {padded[n : n + 3] for n in range(len(padded) - 2)}
            query = " OR ".join(f'"{t}"' for t in sorted(trigrams))
            rows = await session.execute(self.NEAR, {"q": query, "many": CANDIDATES})
            near[word] = [(str(found), int(count)) for found, count in rows]
        return near


class PostgresSearch(Engine):
    """The stored ``search_documents.tsv`` and ``pg_trgm``. The kind is a lexeme of the
    tsvector (``'§page'``), so that the GIN index narrows a word's documents to one kind.
    Search statements are planned for their values (``force_custom_plan``): a plan made for
    any query reads every match of a frequent word."""

    name = "postgresql"
    RANK = "ts_rank_cd(d.tsv, to_tsquery('english', :sq), 1)"
    IN_ORDER = False
    TITLED = "d.title_tsv @@ to_tsquery('english', :tq)"
    MATCH = "d.tsv @@ to_tsquery('english', :sq)"
    TITLES = text(
        "SELECT count(*) FROM (SELECT 1 FROM search_documents d "  # noqa: S608
        f"WHERE d.title_tsv @@ CAST(:kq AS tsquery) AND {TITLED} LIMIT :room) t"
    )

    SIZE = (
        "SELECT count(*) FROM (SELECT 1 FROM search_documents n "
        "WHERE n.kind = :skind{0} LIMIT :window{0}) n"
    )
    SHARES = text(
        "SELECT t.word, coalesce(w.documents, 0) / c.reltuples, "
        "to_tsvector('english', t.word) = ''::tsvector "
        "FROM unnest(CAST(:words AS text[])) AS t(word) CROSS JOIN pg_class c "
        "LEFT JOIN search_words w ON w.word = t.word "
        "WHERE c.oid = 'search_documents'::regclass AND c.reltuples > 0"
    )

    def kind_size(self, suffix: str = "") -> Any:
        """From the date index alone."""
        return text(self.SIZE.format(suffix)).columns(n=Integer).scalar_subquery()

    def kind_titles(self, suffix: str, most: int) -> Any:
        """From the title's GIN index alone, inside a statement (no row read)."""
        sql = suffixed(self.TITLES.text, suffix).replace(f":room{suffix}", str(most))
        return text(sql).columns(n=Integer).scalar_subquery()

    KINDS = text(
        "SELECT count(*), array_agg(DISTINCT m.kind) FROM (SELECT d.kind FROM search_documents d "
        "WHERE d.tsv @@ to_tsquery('english', :sq) LIMIT :few) m"
    )
    FEW = 50  # matches read to tell their kinds; more: not told

    async def kinds_matching(self, session: AsyncSession, query: Query) -> frozenset[str] | None:
        """One look at the whole table's GIN index, every kind at once, reading at most
        ``FEW`` matches (a query of 16 words took ~1 ms a kind in that index, for the words'
        lists, when each kind's count looked them up again)."""
        found, kinds = (
            await session.execute(self.KINDS, {"sq": query.tsquery(), "few": self.FEW})
        ).one()
        return None if found >= self.FEW else frozenset(kinds or ())

    async def shares(self, session: AsyncSession, words: list[str]) -> dict[str, float | None]:
        """Out of the table's estimated rows (``pg_class.reltuples``, which ``ANALYZE`` and
        autovacuum keep; none before the first: no share, the GIN index), one statement for
        every word; an english stopword (``is``: ``to_tsquery`` drops it) None."""
        if not words:
            return {}
        rows = await session.execute(self.SHARES, {"words": words})
        return {str(word): None if stop else float(share) for word, share, stop in rows}

    WINDOW = 2500

    def matched(self, *, title: bool, walk: bool, window: bool = False, scored: bool = True) -> str:
        """A few matches come from a GIN index (``tsv``, or ``title_tsv`` for title matches),
        then are sorted; many are read newest first from the date index, each checked (``IS
        TRUE`` keeps the GIN index out of that plan), so that the reading stops early.

        ``window``: the kind's newest ``:window`` documents, read newest first from the date
        index; for title matches, that index's entries alone (it holds the title vector, the
        object id and ``public``: migration 0020) until one's title matches, whose row is then
        read for the rest of the query."""
        newest = "ORDER BY k.at DESC NULLS LAST, k.id DESC LIMIT :window"
        if window and title:
            return (
                "(SELECT k.id, k.at, k.object_id, k.public, k.title_tsv FROM search_documents k "  # noqa: S608
                f"WHERE k.kind = :skind {newest}) c JOIN search_documents d ON d.id = c.id "
                f"WHERE ({self.TITLED.replace('d.', 'c.')}) IS TRUE AND ({self.MATCH}) IS TRUE"
            )
        if window:
            return (
                "(SELECT k.id, k.at, k.object_id, k.public, k.tsv, k.title_tsv "  # noqa: S608
                f"FROM search_documents k WHERE k.kind = :skind {newest}) d "
                f"WHERE ({self.MATCH}) IS TRUE"
            )
        if walk:
            checks = [self.MATCH] + ([self.TITLED] if title else [])
            return "search_documents d WHERE d.kind = :skind AND " + " AND ".join(
                f"({check}) IS TRUE" for check in checks
            )
        if title:
            # Sorted newest first before the caller's visibility, limit and score (OFFSET 0
            # keeps them out): a kind's title matches may be a thousand, and each one's score
            # (ts_rank_cd) or existence check costs more than the sort; only the rows shown
            # are scored, and only those the caller reads are checked. A query without
            # exclusions (:sq = :tq, folded where planned for its values) holds in the whole
            # document wherever it holds in the title: its body vector is not read.
            return (
                "(SELECT d.id, d.at, d.object_id, d.public, d.tsv, d.title_tsv "  # noqa: S608
                "FROM search_documents d WHERE d.title_tsv @@ CAST(:kq AS tsquery) "
                f"AND {self.TITLED} AND (CAST(:sq AS text) = CAST(:tq AS text) "
                f"OR ({self.MATCH}) IS TRUE) ORDER BY d.at DESC NULLS LAST, d.id DESC OFFSET 0) d"
            )
        return f"search_documents d WHERE d.tsv @@ CAST(:kq AS tsquery) AND {self.MATCH}"

    def query_params(
        self, index: SearchIndex, query: Query, *, title_only: bool = False
    ) -> dict[str, Any]:
        """The same values whether or not ``title_only``: a title statement is its own."""
        return {
            "sq": query.tsquery(),
            "tq": query.required.tsquery(),
            "skind": index.kind,
            "kq": f"'§{index.kind}'",
        }

    PREPARE = text(
        "SELECT set_config('plan_cache_mode', :plans, true), "
        "set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
    )

    async def prepare(self, session: AsyncSession, *, custom: bool = True) -> None:
        """One round trip: statements planned for their values (``custom``: the search's,
        whose reading depends on how many documents the words are in), or planned once for
        any values (autocomplete's, whose every part has one way to be read: planning it
        took longer than running it); no sequential scan (a kind's rows are not spread over
        the table: a scan "expecting" a match every few rows may read most of it; the GIN or
        the date index instead); no JIT compilation (tens of milliseconds, for plans whose
        cost the disabled scans inflate)."""
        plans = "force_custom_plan" if custom else "force_generic_plan"
        await session.execute(self.PREPARE, {"plans": plans})

    async def snippets(
        self, session: AsyncSession, query: Query, ids: list[int]
    ) -> dict[int, tuple[str, str]]:
        window = f'MaxWords={SNIPPET_WORDS}, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
        marks = f"StartSel={MARK}, StopSel={UNMARK}"
        statement = text(
            f"SELECT d.id, ts_headline('english', {SPLIT.format('d.body')}, q, :body), "  # noqa: S608
            f"ts_headline('english', {SPLIT.format('d.title')}, q, :title) "
            "FROM search_documents d, to_tsquery('english', :sq) q WHERE d.id IN :ids"
        ).bindparams(bindparam("ids", expanding=True))
        options = {"body": f"{marks}, {window}", "title": f"{marks}, HighlightAll=true"}
        rows = await session.execute(statement, {**options, "sq": query.tsquery(), "ids": ids})
        unsplit = {ord("\u200b"): None}
        return {
            int(doc): (str(body or "").translate(unsplit), str(title or "").translate(unsplit))
            for doc, body, title in rows
        }

    def title_prefix(self, name: str, kind: str) -> Subquery:
        """The kind's newest ``SMALL_KIND`` titles that match (read newest first from the date
        index, which holds the title vector: a frequent prefix fills the caller's limit and the
        reading stops), then, for a larger kind, and only if the caller wants more (``UNION
        ALL`` under a ``LIMIT`` reads its second part only then), its older matches from the
        kind's own GIN index of titles (partial: migrations 0021, 0024). The kind is named in
        the statement's text (a name an index declares, never a caller's), which is planned
        once for any values: so the plan reads that kind's index and no other kind's titles."""
        # The query once per statement (a plan made for any values would parse it for every
        # title read, and tell each time when it holds only stop words: "of", "on"). The
        # words before the last are stemmed as the titles were; the last, a prefix, is also
        # taken as typed: stemmed alone it may change ("calypso" typed as "caly" would look
        # for "cali"), and a stop word ("of" in "office") would be dropped.
        last = f"(to_tsquery('english', :sl_{name}) || to_tsquery('simple', :sl_{name}))"
        query = (
            f"(SELECT CASE WHEN :sq_{name} = '' THEN {last} "
            f"ELSE tsquery_phrase(to_tsquery('english', :sq_{name}), {last}) END)"
        )
        match = f"title_tsv @@ {query}"
        newest = (
            f"FROM search_documents d WHERE d.kind = '{kind}' "
            "ORDER BY d.at DESC NULLS LAST, d.id DESC"
        )
        # A larger kind's first title not among its newest SMALL_KIND (the order's key, the
        # undated last): the GIN index's matches are those at or after it.
        key = "(coalesce(d.at, '-infinity'), d.id)"
        return _prefix_subquery(
            "SELECT w.object_id AS object_id, w.public AS public FROM (SELECT d.object_id, "  # noqa: S608
            f"d.public, d.title_tsv {newest} LIMIT {SMALL_KIND}) w WHERE (w.{match}) IS TRUE "
            f"UNION ALL SELECT m.object_id, m.public FROM (SELECT {key} AS key {newest} "
            f"OFFSET {SMALL_KIND} LIMIT 1) b CROSS JOIN LATERAL (SELECT d.object_id, d.public "
            f"FROM search_documents d WHERE d.kind = '{kind}' AND d.{match} AND {key} <= b.key) m",
            name,
        )

    def prefix_params(self, name: str, index: SearchIndex, words: list[str]) -> dict[str, Any]:
        # Letters and digits only (query.words): safe inside to_tsquery's quotes.
        return {
            f"sq_{name}": " <-> ".join(f"'{word}'" for word in words[:-1]),
            f"sl_{name}": f"'{words[-1]}':*",
        }

    NEAR = text(
        "SELECT t.typed, w.word, w.documents FROM unnest(CAST(:words AS text[])) AS t(typed) "  # noqa: S608
        "CROSS JOIN LATERAL (SELECT s.word, s.documents FROM search_words s "
        f"WHERE {CORRECTABLE.format('s.word')} ORDER BY s.word <-> t.typed LIMIT :many) w"
    )

    async def near_words_of(
        self, session: AsyncSession, words: list[str]
    ) -> dict[str, list[tuple[str, int]]]:
        """Every word's in one statement (a 16-word query of unknown words took 16), read from
        the GiST trigram index of the correctable words (``<->``: nearest first)."""
        near: dict[str, list[tuple[str, int]]] = {}
        for typed, found, count in await session.execute(
            self.NEAR, {"words": words, "many": CANDIDATES}
        ):
            near.setdefault(str(typed), []).append((str(found), int(count)))
        return near


ENGINES: dict[str, SQLiteSearch | PostgresSearch] = {
    engine.name: engine for engine in (SQLiteSearch(), PostgresSearch())
}


def search_engine(database_url: str) -> Engine:
    """The engine of the configured database, chosen once when the app starts."""
    return ENGINES["postgresql" if database_url.startswith("postgresql") else "sqlite"]
