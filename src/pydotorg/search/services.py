"""The site-wide search: every declared index matched by the database's own engine, among
what the caller may see; a typo-corrected second try when nothing matches.

Each index's matches are read newest first, up to ``EXACT + 1`` of them (the engine reads them
in date order and stops: bounded work however many documents match). With at most ``RANKED``,
all are ranked; with more, the ``NEWEST`` newest, and the ``NEWEST`` newest holding every word
in the title.
Matches holding every word in their title come first, then the others, by the engine's score.
"""

from __future__ import annotations

import html
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from rapidfuzz.distance import OSA
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.sql import visitors

from pydotorg.core.exceptions import FieldError, ParameterError
from pydotorg.core.metrics import SEARCH_SECONDS, timed
from pydotorg.core.pagination import Page, Window
from pydotorg.core.search import IndexSpec, Role
from pydotorg.core.services import Service
from pydotorg.search.engines import ENGINES, MARK, UNMARK, PostgresSearch, SQLiteSearch
from pydotorg.search.indexing import correctable, registry
from pydotorg.search.models import SearchWord
from pydotorg.search.query import Query, parse, words
from pydotorg.search.schemas import SearchHit, SearchQuery, Suggestion

EXACT = 1000  # an index's matches are counted up to this many
RANKED = 1000  # an index with at most this many matches has them all ranked (and pageable)
NEWEST = 100  # one with more has its newest this many ranked (and its newest title matches)
AUTOCOMPLETE_SCAN = 50  # titles read per index
# A query in at least this share of the public documents has a large kind's matches counted
# among its newest (engine.WINDOW) documents; the newest title matches are looked for among
# TITLE_WINDOWS times as many.
FREQUENT, TITLE_WINDOWS = 0.6, 2
TYPO_MIN_LENGTH, TYPO_TWO_EDITS_LENGTH = 4, 8
COUNTS_HEADER, EXACT_HEADER = "X-Search-Counts", "X-Total-Count-Exact"

# In the title (1) or not (0), score, date, index name, id, title, document id.
Found = tuple[int, float, datetime | None, str, int, str, int]


def _shown_up_to(data: SearchQuery) -> int:
    """How many of an index's best hits a page could show: the page's end, but never more
    than are ranked (an offset near 2**63 would otherwise overflow the statement's integer)."""
    return min(data.offset + data.limit, RANKED)


def rank(hit: Found) -> tuple[int, float, float, str, int]:
    """Every word in the title first, then best score, newest, index name, id."""
    return (-hit[0], -hit[1], -(hit[2].timestamp() if hit[2] else -1e12), hit[3], hit[4])


class BodyFieldError(FieldError):
    """A body field out of range (400)."""

    status_code = 400


class Shape(NamedTuple):
    """What an index's statements depend on, but for the parameters' values."""

    engine: str
    name: str
    role: Role
    user_id: int | None
    date_from: bool
    date_to: bool
    scored: bool = True


class Statements(NamedTuple):
    """An index's statements: ``counted`` is how many visible matches among the first
    ``:room`` and, when more than ``EXACT``, how many hold the required words in the title
    (:meth:`~Engine.kind_titles`); the others read them newest first (all of them, or those
    with every word in the title), ``walk``-ing ones for many matches."""

    counted: Any
    titles: Any
    walk: Any
    titles_walk: Any
    counted_window: Any  # ``counted`` among the kind's newest ``:window`` (engine.WINDOW)
    titles_window: Any
    ranked_best: Any  # the best ``:top`` of the first ``:room``, in the order of :func:`rank`
    # Engines telling title matches by a reading of their own (SQLite): the matches among the
    # first ``:room``, each row with whether it holds every word in the title and how many
    # there are; with more than RANKED, the first ``:top`` read instead (newest first).
    together: Any


def timeless(rule: ColumnElement[bool]) -> bool:
    """Whether a visibility rule holds no value read when its statement runs (a clock, as a
    job's expiry has): then it changes only with a write, which re-indexes the row, and a
    document's ``public`` (the anonymous rule as it held at indexing) is the rule now."""
    return not any(
        isinstance(part, BindParameter) and part.callable is not None
        for part in visitors.iterate(rule)
    )


def visibility(spec: IndexSpec, role: Role, user_id: int | None, found: Any) -> Any:
    """The caller's visibility of the document ``found`` (with its ``object_id`` and
    ``public``): its ``public`` when the caller's rule is the anonymous one and timeless, else
    the rule read from the indexed row, one document at a time (a scalar subquery, which
    PostgreSQL never turns into a join: as an ``EXISTS`` it read the model's visible rows
    first, each looking for its documents, 21 ms for 196 approved jobs and a query matching
    nothing). Either way the row exists: a primary key's index alone, where the rule reads no
    column."""
    row = select(literal(1)).where(spec.model.id == found.c.object_id)
    rule, anyone = spec.visible(role, user_id), spec.visible("anonymous", None)
    if timeless(anyone) and rule.compare(anyone):
        return and_(found.c.public.is_(True), row.exists())
    seen = select(true()).where(spec.model.id == found.c.object_id, rule).scalar_subquery()
    return seen.is_(True)


@lru_cache(maxsize=1024)
def index_statements(shape: Shape) -> Statements:
    """An index's statements, made once per :class:`Shape`."""
    engine, spec = ENGINES[shape.engine], registry()[shape.name]
    suffix = f"_{shape.name}"  # every parameter's name ends with the index's (see named)

    def newest(
        scored: bool,
        *columns: Any,
        title: bool = False,
        walk: bool = False,
        window: bool = False,
        ordered: bool = True,
    ) -> Any:
        """The engine's matches alone in FROM (SQLite streams them), the caller's visibility
        a correlated EXISTS, so that the reading stops at ``:room``."""
        found = engine.source(
            "found", scored=scored, title=title, walk=walk, window=window, suffix=suffix
        )
        columns = columns or (
            found.c.object_id,
            found.c.at,
            found.c.score,
            found.c.doc,
            found.c.titled,
        )
        query = select(*columns).select_from(found)
        query = query.where(visibility(spec, shape.role, shape.user_id, found))
        at = found.c.at.type
        if shape.date_from:
            query = query.where(found.c.at >= bindparam(f"date_from{suffix}", type_=at))
        if shape.date_to:
            query = query.where(found.c.at < bindparam(f"date_to{suffix}", type_=at))
        if ordered and not engine.IN_ORDER:
            query = query.order_by(found.c.at.desc().nulls_last(), found.c.doc.desc())
        return query.limit(bindparam(f"room{suffix}"))

    first = newest(False, literal_column("doc"), ordered=False).subquery()
    windowed = newest(False, literal_column("doc"), window=True, ordered=False).subquery()
    # How many documents the kind has, up to ``:window`` (whether a window was all of it),
    # read only when the count needs it.
    size = engine.kind_size(suffix)
    ranked = newest(shape.scored).subquery()
    best = select(*ranked.c).order_by(
        ranked.c.titled.desc(), ranked.c.score.desc(), ranked.c.at.desc().nulls_last()
    )
    return Statements(
        together=together(engine, newest(shape.scored), suffix),
        counted=select(
            func.count(),
            case((func.count() > EXACT, engine.kind_titles(suffix, RANKED + 1)), else_=null()),
        ).select_from(first),
        titles=newest(shape.scored, title=True),
        walk=newest(shape.scored, walk=True),
        titles_walk=newest(shape.scored, title=True, walk=True),
        counted_window=select(
            func.count(),
            case((func.count() > EXACT, None), else_=size),
        ).select_from(windowed),
        titles_window=newest(shape.scored, title=True, window=True),
        ranked_best=best.order_by(ranked.c.object_id).limit(bindparam(f"top{suffix}")),
    )


def together(engine: Any, newest: Any, suffix: str) -> Any:
    """An index's count and reading in one statement, for an engine that tells title matches
    by a reading of their own (:meth:`~Engine.title_rowids`; else None): the kind's first
    ``:room`` visible matches (read once, newest first), how many they are, and, up to
    ``RANKED`` of them, the best ``:top`` in the order of :func:`rank` (every word in the
    title, score, newest, id), each told whether it holds every word in the title by one
    reading of the title matches up to the last match read; more: the newest ``:top``."""
    matches = newest.cte(f"matches{suffix}")
    title_rows = engine.title_rowids(suffix, select(func.max(matches.c.doc)).scalar_subquery())
    if title_rows is None:
        return None
    total = select(func.count()).select_from(matches).scalar_subquery()
    titled = matches.c.doc.in_(title_rows).label("titled")
    counted = total.label("total")
    return (
        select(matches.c.object_id, matches.c.at, matches.c.score, matches.c.doc, titled, counted)
        .order_by(
            case((counted > RANKED, matches.c.doc), else_=null()),
            titled.desc(),
            matches.c.score.desc(),
            matches.c.at.desc().nulls_last(),
            matches.c.object_id,
        )
        .limit(bindparam(f"top{suffix}"))
    )


@lru_cache(maxsize=256)
def title_statement(engine_name: str, role: Role, user_id: int | None) -> Any:
    """Autocomplete's titles from every index in one statement, made once per engine and
    caller: visible documents whose title holds the typed words (the last as a prefix)."""
    engine, parts = ENGINES[engine_name], []
    for spec in registry().values():
        found = engine.title_prefix(f"t_{spec.name}", spec.index.kind)
        named = select(spec.title).where(spec.model.id == found.c.object_id).scalar_subquery()
        title = select(literal(spec.name, String).label("name"), cast(named, String))
        title = title.select_from(found).where(visibility(spec, role, user_id, found))
        parts.append(select(title.limit(AUTOCOMPLETE_SCAN).subquery()))
    return union_all(*parts)


@lru_cache(maxsize=1024)
def united(parts: tuple[tuple[str, str, Any], ...]) -> Any:
    """The statements ``(index name, part, statement)`` as one (``UNION ALL``), each row led by
    its index name and part; made once per combination (the statements are
    :func:`index_statements`'), so that SQLAlchemy computes its cache key once, not per
    search."""
    selects = []
    for name, part, statement in parts:
        each = statement.subquery()
        label = (literal(name, String).label("name"), literal(part, String).label("part"))
        selects.append(select(*label, *each.c))
    return union_all(*selects)


def named(values: dict[str, Any], name: str) -> dict[str, Any]:
    """Values of an index's statements, their names ending as its parameters' do."""
    return {f"{key}_{name}": value for key, value in values.items()}


def hits_of(
    spec: IndexSpec, total: int, rows: list[Any], titled: set[int]
) -> tuple[int, int, list[Found]]:
    """An index's count, how many of its matches can be paged through, and its hits, from
    the rows read ``(object_id, at, score, doc, ...)`` and those with every word in the
    title (the first reading of a document is its)."""
    found: dict[int, Any] = {}
    for row in rows:
        found.setdefault(row[0], row)
    hits = [
        (int(object_id in titled), float(score), at, spec.name, object_id, "", doc)
        for object_id, at, score, doc, *_ in found.values()
    ]
    return total, total if total <= RANKED else len(hits), hits


def snippet(body: str, title: str) -> str:
    """The body's window around its matched words, else the title: the document's own words,
    HTML-escaped, matched words in ``<mark>``."""
    body, title = body.strip(), title.strip()
    shown = body or title if MARK in body or MARK not in title else f"{title} — {body}".strip(" —")
    return html.escape(shown, quote=False).replace(MARK, "<mark>").replace(UNMARK, "</mark>")


class SearchService(Service):
    """Search and autocomplete over the indexes of every domain."""

    @property
    def engine(self) -> SQLiteSearch | PostgresSearch:
        return ENGINES[self.search_engine.name]

    @property
    def role_name(self) -> Role:
        return "staff" if self.staff else "user" if self.caller is not None else "anonymous"

    def _specs(self, names: list[str] | None) -> list[IndexSpec]:
        known = registry()
        for number, name in enumerate(names or []):
            if name not in known:
                raise BodyFieldError(
                    f"indexes[{number}]", f"unknown index {name!r}; one of {', '.join(known)}"
                )
        return [known[name] for name in dict.fromkeys(names or known)]

    def _shape(self, spec: IndexSpec, data: SearchQuery, scored: bool) -> Shape:
        user_id = self.caller.id if self.caller is not None else None
        return Shape(
            self.engine.name,
            spec.name,
            self.role_name,
            user_id,
            bool(data.date_from),
            bool(data.date_to),
            scored,
        )

    def _plan(
        self, spec: IndexSpec, query: Query, data: SearchQuery, scored: bool
    ) -> tuple[Statements, dict[str, Any], dict[str, Any]]:
        """An index's statements, the values of its query and of its title query (the names
        of neither suffixed yet: :func:`named`)."""
        shape = self._shape(spec, data, scored)
        end = data.date_to and min(data.date_to, date.max - timedelta(days=1)) + timedelta(days=1)
        days = {"date_from": data.date_from, "date_to": end}
        dates = {key: datetime.combine(day, time(), UTC) for key, day in days.items() if day}
        params = {**self.engine.query_params(spec.index, query), **dates}
        in_title = {**self.engine.query_params(spec.index, query, title_only=True), **dates}
        return index_statements(shape), params, in_title

    async def _batched(
        self, specs: list[IndexSpec], query: Query, data: SearchQuery, scored: bool
    ) -> dict[str, tuple[int, int, list[Found]]]:
        """Every index's count (up to ``EXACT + 1`` visible matches), how many can be paged
        through, and its best hits, those with every word in the title first, in few
        statements (engines with a :attr:`~Engine.WINDOW`): every count in one, frequent
        words' among each kind's newest documents (those too few there counted again from
        the GIN index, in one more); then every reading in one: all the matches of an index
        with at most ``RANKED``, else its newest title matches and its newest matches (title
        matches among the kind's newest documents, too few there read from the title index,
        in one more). A date range is read from the GIN index and the date index alone (a
        window of the newest documents may hold none of its days)."""
        window = self.engine.WINDOW or 0
        share = await self._share(query)
        dated = bool(data.date_from or data.date_to)
        frequent = share >= FREQUENT and not dated
        plans = {spec.name: self._plan(spec, query, data, scored) for spec in specs}
        # A word no public document holds (a typo, a word never written, or one of hidden
        # documents only): one look at the GIN index over every kind tells, where the matches
        # are few, which kinds have any; only their indexes are counted.
        kinds = None if share else await self.engine.kinds_matching(self.session, query)
        counted = {
            spec.name: plans[spec.name]
            for spec in specs
            if kinds is None or spec.index.kind in kinds
        }
        if not counted:
            return {spec.name: (0, 0, []) for spec in specs}
        room = EXACT + 1
        counts = await self._union(
            [
                (name, "", statements.counted_window, {**params, "room": room, "window": window})
                if frequent
                else (name, "", statements.counted, {**params, "room": room})
                for name, (statements, params, _) in counted.items()
            ]
        )
        totals = dict.fromkeys(plans, 0)
        totals.update({name: rows[0][2] for (name, _), rows in counts.items()})
        # How many title matches a kind of more than EXACT matches counted from the GIN index
        # has (None: not told): at most RANKED, they are read from the title's index and
        # sorted, which costs less than a window of the kind's newest documents.
        few_titles = {
            name: rows[0][3]
            for (name, _), rows in counts.items()
            if not frequent and rows[0][3] is not None and rows[0][3] <= RANKED
        }
        again = [
            (name, "", plans[name][0].counted, {**plans[name][1], "room": room})
            for (name, _), ((_, _, total, size),) in counts.items()
            if frequent and total <= EXACT and (size is None or size >= window)
        ]
        totals.update({name: rows[0][2] for (name, _), rows in (await self._union(again)).items()})
        reads = []
        for name, (statements, params, in_title) in plans.items():
            total = totals[name]
            if 0 < total <= RANKED:  # ranked in SQL: its best that a page could show
                best = {**params, "room": total, "top": _shown_up_to(data)}
                reads.append((name, "ranked", statements.ranked_best, best))
            elif total:
                if name not in few_titles and dated:  # more than RANKED, newest first
                    title = {**in_title, "room": NEWEST}
                    reads.append((name, "titles", statements.titles_walk, title))
                elif name not in few_titles:
                    title = {**in_title, "room": NEWEST, "window": TITLE_WINDOWS * window}
                    reads.append((name, "titles", statements.titles_window, title))
                elif few_titles[name]:
                    reads.append((name, "titles", statements.titles, {**in_title, "room": NEWEST}))
                reads.append((name, "walk", statements.walk, {**params, "room": NEWEST}))
        read = await self._union(reads)
        short = [
            (name, "titles", plans[name][0].titles, {**plans[name][2], "room": NEWEST})
            for name, total in totals.items()
            if total > RANKED
            and len(read.get((name, "titles"), [])) < NEWEST
            and name not in few_titles
            and not dated
        ]
        read.update(await self._union(short))
        found: dict[str, tuple[int, int, list[Found]]] = {}
        for spec in specs:
            total = totals[spec.name]
            ranked: list[Any] = [row[2:] for row in read.get((spec.name, "ranked"), [])]
            in_titles: list[Any] = [row[2:] for row in read.get((spec.name, "titles"), [])]
            newest: list[Any] = [row[2:] for row in read.get((spec.name, "walk"), [])]
            titled = {row[0] for row in ranked if row[4]} | {row[0] for row in in_titles}
            found[spec.name] = hits_of(spec, total, ranked + in_titles + newest, titled)
        return found

    async def _together(
        self, specs: list[IndexSpec], query: Query, data: SearchQuery, scored: bool
    ) -> dict[str, tuple[int, int, list[Found]]]:
        """Every index as :meth:`_batched` reads one, for an engine that tells title matches
        by a reading of their own (SQLite): every index's count and reading in one
        statement (:attr:`Statements.together`: the matches read once); then, for the
        indexes with more than ``RANKED``, their newest title matches in one more."""
        plans = {spec.name: self._plan(spec, query, data, scored) for spec in specs}
        top = max(_shown_up_to(data), NEWEST)
        read = await self._union(
            [
                (
                    name,
                    "",
                    statements.together,
                    {**params, "room": EXACT + 1, "top": top, "tq": in_title["tq"]},
                )
                for name, (statements, params, in_title) in plans.items()
            ]
        )
        totals = {name: rows[0][7] for (name, _), rows in read.items()}
        titles = await self._union(
            [
                (name, "titles", plans[name][0].titles, {**plans[name][2], "room": NEWEST})
                for name, total in totals.items()
                if total > RANKED
            ]
        )
        found: dict[str, tuple[int, int, list[Found]]] = {}
        for spec in specs:
            total = totals.get(spec.name, 0)
            rows: list[Any] = [row[2:] for row in read.get((spec.name, ""), [])]
            if total > RANKED:  # the newest title matches, then the newest matches
                newest = [row[2:] for row in titles.get((spec.name, "titles"), [])]
                rows = newest + rows[:NEWEST]
                titled = {row[0] for row in newest}
            else:
                titled = {row[0] for row in rows if row[4]}
            found[spec.name] = hits_of(spec, total, rows, titled)
        return found

    async def _union(
        self, parts: list[tuple[str, str, Any, dict[str, Any]]]
    ) -> dict[tuple[str, str], list[Any]]:
        """Run the statements ``(index name, part, statement, values)`` as one (``UNION
        ALL``; none: nothing run); their rows by index name and part, each row led by them."""
        if not parts:
            return {}
        values: dict[str, Any] = {}
        for name, _, _, params in parts:
            values.update(named(params, name))
        statement = united(tuple((name, part, each) for name, part, each, _ in parts))
        rows: dict[tuple[str, str], list[Any]] = {}
        for row in (await self.session.execute(statement, values)).all():
            rows.setdefault((row[0], row[1]), []).append(row)
        return rows

    async def _ranked(
        self, specs: list[IndexSpec], query: Query, data: SearchQuery
    ) -> tuple[dict[str, tuple[int, int]], list[Found]]:
        counts, found = {}, []
        scored = await self._scored(query)
        read = self._batched if self.engine.WINDOW else self._together
        each = await read(specs, query, data, scored)
        for name, (total, pageable, hits) in each.items():
            counts[name] = (total, pageable)
            found += hits
        return counts, sorted(found, key=rank)[data.offset : data.offset + data.limit]

    async def _scored(self, query: Query) -> bool:
        """Whether the engine can score this query at a bounded cost: SQLite's bm25 reads
        every document of each word first, so a query with a word in more than
        ``RANK_LIMIT`` public documents (``search_words`` counts every word, ``is`` too) is
        not scored."""
        limit = self.engine.RANK_LIMIT
        if limit is None:
            return True
        typed = [word for clause in query.clauses for term in clause for word in term.words]
        most = select(func.max(SearchWord.documents)).where(SearchWord.word.in_(typed))
        return int(await self.session.scalar(most) or 0) <= limit

    async def _share(self, query: Query) -> float:
        """The share of the documents the query likely matches (engines with a
        :attr:`~Engine.WINDOW` only): the share of the public documents holding each word
        (``search_words``), a term's its rarest word's, a clause's the sum of its terms', the
        query's the product of its clauses' (independent words); words the engine drops
        (stopwords) narrow nothing, and a query of them alone matches nothing. At least
        ``FREQUENT``: a large kind's count reads its newest documents, which stops at
        ``EXACT + 1`` matches, rather than building the bitmap of every match from the GIN
        index; none (a word no public document holds as typed): whether anything matches at
        all is asked first. Either way a guess: a window that holds too few matches is
        counted again from the GIN index."""
        if self.engine.WINDOW is None:
            return 0.0
        typed = {word for clause in query.positive for term in clause for word in term.words}
        shares = await self.engine.shares(self.session, sorted(typed))
        share, kept = 1.0, False
        for clause in query.positive:
            found = ([shares.get(word, 0.0) for word in term.words] for term in clause)
            terms = [min(k) for each in found if (k := [s for s in each if s is not None])]
            share *= min(1.0, sum(terms)) if terms else 1.0
            kept = kept or bool(terms)
        return share if kept else 0.0

    async def _titles_of(self, shown: list[Found]) -> dict[tuple[str, int], str]:
        """The titles of the hits shown, read from their tables (one statement per index)."""
        titles: dict[tuple[str, int], str] = {}
        for name in {hit[3] for hit in shown}:
            spec = registry()[name]
            ids = [hit[4] for hit in shown if hit[3] == name]
            found = select(spec.model.id, spec.title).where(spec.model.id.in_(ids))
            rows = await self.session.execute(found)
            titles.update({(name, int(object_id)): str(title) for object_id, title in rows})
        return titles

    async def _corrections(self, typed: list[str]) -> dict[str, str]:
        """Each typed word the public vocabulary lacks, with its nearest word there (of 3
        characters or more, not all digits): among the trigram index's nearest candidates,
        the fewest edits (insertions, deletions, substitutions, neighbours swapped; 1 under 8
        letters, else 2), then the most documents, then alphabetically."""
        fixes: dict[str, str] = {}
        long = [word for word in dict.fromkeys(typed) if len(word) >= TYPO_MIN_LENGTH]
        if not long:
            return fixes
        known = select(SearchWord.word).where(SearchWord.word.in_(long))
        found = set(await self.session.scalars(known))
        unknown = [word for word in long if word not in found]
        near = await self.engine.near_words_of(self.session, unknown) if unknown else {}
        for word in unknown:
            limit = 1 if len(word) < TYPO_TWO_EDITS_LENGTH else 2
            scored = [
                (d, -count, candidate)
                for candidate, count in near.get(word, [])
                if correctable(candidate)
                and (d := OSA.distance(word, candidate, score_cutoff=limit)) <= limit
            ]
            if scored:
                fixes[word] = min(scored)[2]
        return fixes

    @timed(SEARCH_SECONDS.labels("search"))
    async def search(self, data: SearchQuery) -> Page[SearchHit]:
        if not data.query.strip():
            raise BodyFieldError("query", "must not be empty")
        if data.date_from and data.date_to and data.date_from > data.date_to:
            raise BodyFieldError("date_to", "must not be before date_from")
        specs, query = self._specs(data.indexes), parse(data.query)
        counts: dict[str, tuple[int, int]] = {}
        shown: list[Found] = []
        if not query.empty:
            await self.engine.prepare(self.session)
            counts, shown = await self._ranked(specs, query, data)
            fixes = (
                {}
                if any(total for total, _ in counts.values())
                else await self._corrections(query.single_words)
            )
            if fixes:
                query = query.corrected(fixes)
                counts, shown = await self._ranked(specs, query, data)
        totals = {spec.name: counts.get(spec.name, (0, 0))[0] for spec in specs}
        header = ", ".join(
            f"{name}={min(n, EXACT)}{'+' if n > EXACT else ''}" for name, n in totals.items()
        )
        exact = all(total == pageable for total, pageable in counts.values())
        headers = {COUNTS_HEADER: header, EXACT_HEADER: "true" if exact else "false"}
        texts = (
            await self.engine.snippets(self.session, query, [hit[6] for hit in shown])
            if shown
            else {}
        )
        titles = await self._titles_of(shown)
        hits = [
            SearchHit(
                index=name,
                id=object_id,
                title=titles[name, object_id],
                snippet=snippet(*texts.get(doc, ("", titles[name, object_id]))),
                url=self.links.url(registry()[name].route, object_id),
                date=at,
                score=score,
            )
            for _, score, at, name, object_id, _title, doc in shown
        ]
        pageable = sum(pageable for _, pageable in counts.values())
        return Page(hits, pageable, Window(limit=data.limit, offset=data.offset), headers=headers)

    @timed(SEARCH_SECONDS.labels("autocomplete"))
    async def autocomplete(self, q: str, limit: int) -> list[Suggestion]:
        """Words of the titles found completing the last word typed, most frequent first, then
        the titles the caller may see holding what was typed at a word's start."""
        typed = words(q)[:8]
        if len(" ".join(typed)) < 2:
            raise ParameterError("q", "needs at least 2 letters or digits")
        user_id = self.caller.id if self.caller is not None else None
        params: dict[str, Any] = {}
        for spec in registry().values():
            params.update(self.engine.prefix_params(f"t_{spec.name}", spec.index, typed))
        statement = title_statement(self.engine.name, self.role_name, user_id)
        await self.engine.prepare(self.session, custom=False)
        titles = sorted(
            set(await self.session.execute(statement, params)),
            key=lambda t: (t[1].casefold(), t[0]),
        )
        last, stem = typed[-1], " ".join(typed[:-1])
        frequency = Counter(
            (word, name)
            for name, title in titles
            for word in set(words(title))
            if word.startswith(last) and word != last
        )
        totals, source = Counter[str](), dict[str, tuple[int, str]]()
        for (word, name), count in sorted(frequency.items()):
            totals[word] += count
            if count > source.get(word, (0, ""))[0]:
                source[word] = (count, name)
        terms = [
            Suggestion(text=f"{stem} {w}".strip(), type="term", index=source[w][1])
            for w in sorted(totals, key=lambda w: (-totals[w], w))
        ]
        seen: dict[str, Suggestion] = {}
        for name, title in titles:
            seen.setdefault(title, Suggestion(text=title, type="title", index=name))
        return (terms + list(seen.values()))[:limit]
