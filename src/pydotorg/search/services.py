"""The site-wide search: every declared index matched by the database's own engine, filtered
by what the caller may see, ranked by the engine's relevance, and a typo-corrected second try
when nothing matches.

Each index's matches are counted up to ``EXACT + 1``. An index with at most ``RANKED``
matches has them all ranked; one with more has its ``NEWEST`` newest matches ranked, and its
``NEWEST`` newest matches holding every word in the title (each read newest first through a
date index: bounded work however many documents hold the words). Matches holding every word
in their title rank first, then the others, each by the engine's score.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from rapidfuzz.distance import OSA
from sqlalchemy import Date, DateTime, String, bindparam, cast, func, literal, select, union_all

from pydotorg.core.exceptions import FieldError, ParameterError
from pydotorg.core.pagination import Page, Window
from pydotorg.core.search import IndexSpec, Role
from pydotorg.core.services import Service
from pydotorg.search.engines import MARK, UNMARK, Engine, PostgresSearch, SQLiteSearch
from pydotorg.search.indexing import registry
from pydotorg.search.models import SearchWord
from pydotorg.search.query import Query, parse, words
from pydotorg.search.schemas import SearchHit, SearchQuery, Suggestion

EXACT = 1000  # an index's matches are counted up to this many
RANKED = 1000  # an index with at most this many matches has them all ranked (and pageable)
NEWEST = 100  # one with more has its newest this many ranked (and pageable)
AUTOCOMPLETE_SCAN = 50  # titles read per index
AUTOCOMPLETE_WORDS = 500  # vocabulary words read for a prefix, the most frequent kept
MAX_PREFIX_WORDS = 8
TYPO_MIN_LENGTH = 4
TYPO_TWO_EDITS_LENGTH = 8
COUNTS_HEADER = "X-Search-Counts"
EXACT_HEADER = "X-Total-Count-Exact"
OLDEST = datetime.min.replace(tzinfo=UTC)
ENGINES: dict[str, Engine] = {"sqlite": SQLiteSearch(), "postgresql": PostgresSearch()}

# Every word in the title (1) or not (0), score, date, index name, id, title, document id.
Found = tuple[int, float, datetime, str, int, str, int]


def rank(hit: Found) -> tuple[int, float, float, str, int]:
    """Every word in the title first, then best score, newest, index name, id."""
    return (-hit[0], -hit[1], -hit[2].timestamp(), hit[3], hit[4])


class BodyFieldError(FieldError):
    """A body field out of range (400)."""

    status_code = 400


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    return None


def _date_conditions(spec: IndexSpec, first: bool, last: bool) -> list[Any]:
    """``date_from`` and ``date_to`` as bound parameters (their values: :func:`_date_params`)."""
    clauses = []
    if first:
        clauses.append(spec.date >= bindparam("date_from", type_=spec.date.type))
    if last:
        clauses.append(spec.date < bindparam("date_to", type_=spec.date.type))
    return clauses


def _date_params(spec: IndexSpec, first: date | None, last: date | None) -> dict[str, Any]:
    """The bounds of a date range for an index's date column: the first day from its start,
    up to the start of the day after the last (a day or an instant, as the column holds)."""
    is_day = isinstance(spec.date.type, Date) and not isinstance(spec.date.type, DateTime)
    params: dict[str, Any] = {}
    if first is not None:
        params["date_from"] = first if is_day else datetime.combine(first, time(), UTC)
    if last is not None:
        end = last + timedelta(days=1)
        params["date_to"] = end if is_day else datetime.combine(end, time(), UTC)
    return params


class Shape(NamedTuple):
    """What an index's search statements depend on, but for the parameters' values."""

    engine: str
    name: str
    role: Role
    user_id: int | None
    date_from: bool
    date_to: bool


@dataclass(frozen=True)
class IndexStatements:
    """One index's search statements. Parameters: the engine's query (``sq``, ``skind``),
    ``date_from``/``date_to``; ``room``, how many of the best matches are wanted."""

    counted: Any
    ranked: Any
    newest: Any


@lru_cache(maxsize=1024)
def index_statements(shape: Shape) -> IndexStatements:
    """An index's search statements, made once per :class:`Shape` and run with new values
    each time."""
    engine = ENGINES[shape.engine]
    spec = registry()[shape.name]
    model = spec.model
    conditions = [
        spec.visible(shape.role, shape.user_id),
        *_date_conditions(spec, shape.date_from, shape.date_to),
    ]
    matching = engine.matching("matching")
    counted = (
        select(matching.c.object_id)
        .join(model, model.id == matching.c.object_id)
        .where(*conditions)
        .limit(EXACT + 1)
        .subquery()
    )
    scored = engine.scored("scored")
    ranked = (
        select(scored.c.object_id, spec.date, spec.title, scored.c.score, scored.c.doc)
        .join(model, model.id == scored.c.object_id)
        .where(*conditions)
        .order_by(scored.c.score.desc(), scored.c.at.desc().nulls_last(), scored.c.doc.desc())
        .limit(bindparam("room"))
    )
    walk = engine.newest("newest")
    newest = (
        select(walk.c.object_id, spec.date, spec.title, walk.c.score, walk.c.doc)
        .join(model, model.id == walk.c.object_id)
        .where(*conditions)
        .limit(NEWEST)
    )
    if isinstance(engine, PostgresSearch):  # SQLite reads the walk in its own order (no sort)
        newest = newest.order_by(walk.c.at.desc().nulls_last(), walk.c.doc.desc())
    return IndexStatements(
        counted=select(func.count()).select_from(counted), ranked=ranked, newest=newest
    )


@lru_cache(maxsize=256)
def title_statement(engine_name: str, role: Role, user_id: int | None) -> Any:
    """Autocomplete's titles from every index in one statement (one round trip), made once
    per engine and caller: the visible documents whose title holds the typed words, the last
    as a prefix, ``AUTOCOMPLETE_SCAN`` of each index at most."""
    engine = ENGINES[engine_name]
    parts = []
    for spec in registry().values():
        found = engine.title_prefix(f"t_{spec.name}")
        parts.append(
            select(
                select(literal(spec.name, String).label("name"), cast(spec.title, String))
                .select_from(found)
                .join(spec.model, spec.model.id == found.c.object_id)
                .where(spec.visible(role, user_id))
                .limit(AUTOCOMPLETE_SCAN)
                .subquery()
            )
        )
    return union_all(*parts)


def snippet(body: str, title: str) -> str:
    """A hit's snippet: the body's window around its matched words, else the title's; the
    document's own words, HTML-escaped, matched words in ``<mark>``."""
    body, title = body.strip(), title.strip()
    if MARK in body or MARK not in title:
        shown = body or title
    else:
        shown = f"{title} — {body}" if body else title
    escaped = html.escape(shown, quote=False)
    return escaped.replace(MARK, "<mark>").replace(UNMARK, "</mark>")


class SearchService(Service):
    """Search and autocomplete over the indexes of every domain."""

    @property
    def engine(self) -> Engine:
        return ENGINES[self.search_engine.name]

    def _specs(self, names: list[str] | None) -> list[IndexSpec]:
        known = registry()
        if not names:
            return list(known.values())
        for number, name in enumerate(names):
            if name not in known:
                raise BodyFieldError(
                    f"indexes[{number}]",
                    f"unknown index {name!r}; one of {', '.join(known)}",
                )
        return [known[name] for name in dict.fromkeys(names)]

    @property
    def role_name(self) -> Role:
        role = self.role
        return "staff" if role == "staff" else "user" if role == "user" else "anonymous"

    async def _index(
        self, spec: IndexSpec, query: Query, data: SearchQuery
    ) -> tuple[int, int, list[Found]]:
        """One index's visible matches: how many (up to ``EXACT + 1``), how many can be paged
        through, and the best of them (all the page may show). Matches holding every word in
        their title come first (read by a second statement, for the title alone), then the
        others, each by the engine's score."""
        statements = index_statements(
            Shape(
                engine=self.engine.name,
                name=spec.name,
                role=self.role_name,
                user_id=self.caller.id if self.caller is not None else None,
                date_from=data.date_from is not None,
                date_to=data.date_to is not None,
            )
        )
        dates = _date_params(spec, data.date_from, data.date_to)
        params = {**self.engine.query_params(spec.kind, query), **dates}
        total = int(await self.session.scalar(statements.counted, params) or 0)
        if not total:
            return 0, 0, []
        in_title = {**self.engine.query_params(spec.kind, query, title_only=True), **dates}
        if total <= RANKED:
            room = min(total, data.offset + data.limit)
            titled = list(await self.session.execute(statements.ranked, {**in_title, "room": room}))
            room = min(total, room + len(titled))
            rows = list(await self.session.execute(statements.ranked, {**params, "room": room}))
        else:
            titled = list(await self.session.execute(statements.newest, in_title))
            rows = list(await self.session.execute(statements.newest, params))
        found = {row[0]: (1, row) for row in titled}
        for row in rows:
            found.setdefault(row[0], (0, row))
        hits = [
            (tier, float(score), _as_datetime(when) or OLDEST, spec.name, object_id, title, doc)
            for tier, (object_id, when, title, score, doc) in found.values()
        ]
        return total, total if total <= RANKED else len(hits), hits

    async def _ranked(
        self, specs: list[IndexSpec], query: Query, data: SearchQuery
    ) -> tuple[dict[str, tuple[int, int]], list[Found]]:
        counts: dict[str, tuple[int, int]] = {}
        found: list[Found] = []
        for spec in specs:
            total, pageable, rows = await self._index(spec, query, data)
            counts[spec.name] = (total, pageable)
            found += rows
        found.sort(key=rank)
        return counts, found[data.offset : data.offset + data.limit]

    async def _corrections(self, typed: list[str]) -> dict[str, str]:
        """Each typed word the public vocabulary lacks, with its nearest word there: among
        the trigram index's nearest candidates, the fewest edits (insertions, deletions,
        substitutions, swaps of two neighbours: 1 for words under 8 letters, 2 from 8), then
        the most documents, then alphabetically."""
        fixes: dict[str, str] = {}
        for word in dict.fromkeys(typed):
            if len(word) < TYPO_MIN_LENGTH:
                continue
            known = select(SearchWord.word).where(SearchWord.word == word).limit(1)
            if await self.session.scalar(known) is not None:
                continue
            limit = 1 if len(word) < TYPO_TWO_EDITS_LENGTH else 2
            scored = [
                (distance, -documents, candidate)
                for candidate, documents in await self.engine.near_words(self.session, word)
                if (distance := OSA.distance(word, candidate, score_cutoff=limit)) <= limit
            ]
            if scored:
                fixes[word] = min(scored)[2]
        return fixes

    async def search(self, data: SearchQuery) -> Page[SearchHit]:
        if not data.query.strip():
            raise BodyFieldError("query", "must not be empty")
        if data.date_from and data.date_to and data.date_from > data.date_to:
            raise BodyFieldError("date_to", "must not be before date_from")
        specs = self._specs(data.indexes)
        window = Window(limit=data.limit, offset=data.offset)
        query = parse(data.query)
        counts: dict[str, tuple[int, int]] = {}
        shown: list[Found] = []
        if not query.empty:
            counts, shown = await self._ranked(specs, query, data)
            if not any(total for total, _ in counts.values()):
                fixes = await self._corrections(query.single_words)
                if fixes:
                    query = query.corrected(fixes)
                    counts, shown = await self._ranked(specs, query, data)
        header = ", ".join(
            f"{spec.name}={min(total, EXACT)}{'+' if total > EXACT else ''}"
            for spec in specs
            for total, _ in [counts.get(spec.name, (0, 0))]
        )
        pageable = sum(shown_count for _, shown_count in counts.values())
        exact = all(total == shown_count for total, shown_count in counts.values())
        headers = {COUNTS_HEADER: header, EXACT_HEADER: "true" if exact else "false"}
        hits = await self._hits(shown, query)
        return Page(hits, pageable, window, headers=headers)

    async def _hits(self, shown: list[Found], query: Query) -> list[SearchHit]:
        specs = registry()
        texts = await self.engine.snippets(self.session, query, [hit[6] for hit in shown])
        return [
            SearchHit(
                index=name,
                id=object_id,
                title=title,
                snippet=snippet(*texts.get(doc, ("", title))),
                url=self.links.url(specs[name].route, object_id),
                date=None if when == OLDEST else when,
                score=score,
            )
            for _, score, when, name, object_id, title, doc in shown
        ]

    async def _frequent_words(self, last: str) -> Counter[tuple[str, str]]:
        """Public vocabulary words longer than ``last`` that start with it, and their
        document counts by index: a bounded run of the vocabulary's word index."""
        names = {spec.kind: spec.name for spec in registry().values()}
        high = last[:-1] + chr(ord(last[-1]) + 1)
        run = (
            select(SearchWord.word, SearchWord.kind, SearchWord.documents)
            .where(SearchWord.word > last, SearchWord.word < high)
            .order_by(SearchWord.word)
            .limit(AUTOCOMPLETE_WORDS)
            .subquery()
        )
        found: Counter[tuple[str, str]] = Counter()
        for word, kind, documents in await self.session.execute(select(run)):
            if kind in names:
                found[word, names[kind]] += documents
        return found

    async def _titles(self, typed: list[str]) -> list[Suggestion]:
        """The titles the caller may see holding the typed words, the last as a prefix."""
        user_id = self.caller.id if self.caller is not None else None
        statement = title_statement(self.engine.name, self.role_name, user_id)
        params: dict[str, Any] = {}
        for spec in registry().values():
            params.update(self.engine.prefix_params(f"t_{spec.name}", spec.kind, typed))
        return [
            Suggestion(text=title, type="title", index=name)
            for name, title in await self.session.execute(statement, params)
        ]

    async def autocomplete(self, q: str, limit: int) -> list[Suggestion]:
        """Words completing the last word typed, the most frequent first (one word typed:
        from the public vocabulary; more: from the titles found), then the titles the caller
        may see holding what was typed at a word's start."""
        typed = words(q)
        if len(" ".join(typed)) < 2:
            raise ParameterError("q", "needs at least 2 letters or digits")
        typed = typed[:MAX_PREFIX_WORDS]
        last = typed[-1]
        titles = await self._titles(typed)
        if len(typed) == 1:
            frequency = await self._frequent_words(last)
        else:
            frequency = Counter(
                (word, title.index)
                for title in titles
                for word in set(words(title.text))
                if word.startswith(last) and len(word) > len(last)
            )
        totals: Counter[str] = Counter()
        source: dict[str, tuple[int, str]] = {}
        for (word, index), count in sorted(frequency.items()):
            totals[word] += count
            if word not in source or count > source[word][0]:
                source[word] = (count, index)
        stem = " ".join(typed[:-1])
        suggestions = [
            Suggestion(text=f"{stem} {word}".strip(), type="term", index=source[word][1])
            for word in sorted(totals, key=lambda word: (-totals[word], word))
        ]
        seen: set[str] = set()
        unique_titles = []
        for suggestion in sorted(titles, key=lambda s: (s.text.casefold(), s.index)):
            if suggestion.text not in seen:
                seen.add(suggestion.text)
                unique_titles.append(suggestion)
        return (suggestions + unique_titles)[:limit]
