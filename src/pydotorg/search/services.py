"""The site-wide search: every declared index matched, filtered by what the caller may see,
ranked the same way on every engine, and a typo-tolerant second try when nothing matches."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Date,
    DateTime,
    String,
    and_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.exceptions import FieldError, ParameterError
from pydotorg.core.pagination import Page, Window
from pydotorg.core.search import (
    IndexSpec,
    Role,
    SearchDocument,
    SearchPosting,
    analyse,
    corrected,
    query_terms,
    score_of,
)
from pydotorg.core.services import Service
from pydotorg.search.schemas import SearchHit, SearchQuery, Suggestion

SNIPPET_WORDS = 30
AUTOCOMPLETE_SCAN = 50
AUTOCOMPLETE_POSTINGS = 200
EXACT = 1000  # an index's matches are counted up to this many
RANKED = 200  # an index with at most this many matches has them all ranked (and pageable)
SCAN = 2000  # matches are counted among this many postings of the query's rarest term
NEWEST = 100  # one with more has its newest this many ranked (and pageable)
SORTED = 2000  # up to this many postings of its rarest term, the newest may be found by sorting
COUNTS_HEADER = "X-Search-Counts"
EXACT_HEADER = "X-Total-Count-Exact"
OLDEST = datetime.min.replace(tzinfo=UTC)

Found = tuple[int, datetime, str, int, str]  # score, date, index name, id, title


def rank(hit: Found) -> tuple[int, float, str, int]:
    """Best score first, then newest, then index name, then id."""
    return (-hit[0], -hit[1].timestamp(), hit[2], hit[3])


class BodyFieldError(FieldError):
    """A body field out of range (400)."""

    status_code = 400


@cache
def registry() -> dict[str, IndexSpec]:
    """Every index the domains declare, by name, in the domains' order."""
    from pydotorg.domains import DOMAINS  # the registry imports this domain

    return {spec.name: spec for domain in DOMAINS for spec in domain.search_indexes()}


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


def _in_query_order(rows: list[Any], order: list[int]) -> list[tuple[Any, ...]]:
    """Rows of (id, date, title, then each term's positions with the terms bound rarest
    first, ``order``) with the positions put back in the query's order (phrases need it)."""
    bound = {number: place for place, number in enumerate(order)}
    return [(*row[:3], *(row[3 + bound[number]] for number in range(len(order)))) for row in rows]


def _split(positions: Any) -> tuple[list[str], list[str]]:
    """Each term's ``"title|body"`` positions as the title's and the body's lists."""
    pairs = [str(found).split("|") for found in positions]
    return [title for title, _ in pairs], [body for _, body in pairs]


def highlight(words: list[str], terms: set[str]) -> str:
    """A window of indexed words around the first match, HTML-escaped, matches in ``<mark>``."""
    first = next((n for n, word in enumerate(words) if word in terms), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    shown = words[start : start + SNIPPET_WORDS]
    parts = [
        f"<mark>{html.escape(word)}</mark>" if word in terms else html.escape(word)
        for word in shown
    ]
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return prefix + " ".join(parts) + suffix


def _term(number: int) -> Any:
    """The query's term ``number`` (parameter ``t<number>``)."""
    return bindparam(f"t{number}", type_=String)


@lru_cache(maxsize=256)
def posting_counts(names: tuple[str, ...], terms: int) -> Any:
    """The statement of :meth:`SearchService._postings` for these indexes and this many terms
    (parameters ``t0``, ``t1``, ...), made once."""
    specs = registry()
    counts = [
        select(func.count())
        .select_from(
            select(SearchPosting.object_id)
            .where(
                SearchPosting.kind == specs[name].kind,
                SearchPosting.term == _term(number),
            )
            .limit(SORTED + 1)
            .subquery()
        )
        .scalar_subquery()
        for name in names
        for number in range(terms)
    ]
    return select(*counts)


@lru_cache(maxsize=256)
def suggestion_statement(role: Role, user_id: int | None, *, single_word: bool) -> Any:
    """Autocomplete's statement, one for every index (one round trip), made once per role
    (and signed-in caller) and kind of prefix: the prefix comes as parameters ``low`` and
    ``high`` (one word: a range of terms) or ``first`` and ``pattern`` (several).

    From each index: a bounded run of the title postings of the prefix's first word (the
    whole word when more follow), then the visible documents holding the whole prefix."""
    parts = []
    for spec in registry().values():
        posting = select(SearchPosting.term, SearchPosting.object_id).where(
            SearchPosting.kind == spec.kind, SearchPosting.title_at != ""
        )
        if single_word:
            posting = posting.where(
                SearchPosting.term >= bindparam("low"), SearchPosting.term < bindparam("high")
            )
        else:
            posting = posting.where(SearchPosting.term == bindparam("first"))
        run = (
            posting.order_by(SearchPosting.term, SearchPosting.object_id)
            .limit(AUTOCOMPLETE_POSTINGS)
            .subquery()
        )
        query = (
            select(
                literal(spec.name, String).label("name"),
                cast(spec.title, String).label("title"),
                SearchDocument.title_terms,
            )
            .select_from(run)
            .join(spec.model, spec.model.id == run.c.object_id)
            .join(
                SearchDocument,
                and_(
                    SearchDocument.kind == spec.kind,
                    SearchDocument.object_id == run.c.object_id,
                ),
            )
            .where(spec.visible(role, user_id))
            .order_by(run.c.term, run.c.object_id)
            .limit(AUTOCOMPLETE_SCAN)
        )
        if not single_word:
            query = query.where((" " + SearchDocument.title_terms).like(bindparam("pattern")))
        parts.append(select(query.subquery()))
    return union_all(*parts)


def _posting(spec: IndexSpec, number: int, object_id: Any) -> tuple[Any, ...]:
    """The conditions on the posting of the query's term ``number`` in the document of
    ``object_id``: its primary key."""
    return (
        SearchPosting.kind == spec.kind,
        SearchPosting.term == _term(number),
        SearchPosting.object_id == object_id,
    )


def _holds(spec: IndexSpec, number: int, object_id: Any) -> Any:
    """Whether the document of ``object_id`` in the index holds the query's term ``number``."""
    return exists().where(*_posting(spec, number, object_id))


def _held(spec: IndexSpec, number: int, object_id: Any) -> Any:
    """:func:`_holds` as a correlated scalar subquery: one key lookup per row on both engines,
    answered from the primary key's index alone (``EXISTS`` lets PostgreSQL hash every
    posting of the term instead)."""
    found = select(literal(1)).where(*_posting(spec, number, object_id)).scalar_subquery()
    return found.is_not(None)


class Shape(NamedTuple):
    """What an index's search statements depend on, but for the parameters' values: the
    index, how many terms (bound rarest first: ``t0`` is the rarest), who asks and which date
    bounds are given."""

    name: str
    terms: int
    role: Role
    user_id: int | None
    date_from: bool
    date_to: bool


@dataclass(frozen=True)
class IndexStatements:
    """One index's search statements (see :meth:`SearchService._index`). Parameters: the
    terms ``t0``, ``t1``, ..., ``date_from``/``date_to``; a walk's ``room`` (how many rows
    are still wanted)."""

    matching: Any
    newest_sorted: Any
    counted: Any
    walks: tuple[Any, Any]  # dated documents newest first, then undated, highest id first


def _positions(spec: IndexSpec, number: int, object_id: Any) -> Any:
    """The query's term ``number``'s positions in the document of ``object_id`` (``"title
    positions|body positions"``), NULL when it lacks the term: a correlated subquery, which
    both engines run as one key lookup per row (a join or ``EXISTS`` lets PostgreSQL hash
    every posting of the term instead)."""
    return (
        select(SearchPosting.title_at + "|" + SearchPosting.body_at)
        .where(*_posting(spec, number, object_id))
        .scalar_subquery()
    )


def _joined(spec: IndexSpec, shape: Shape, driver: Any, conditions: list[Any]) -> Any:
    """(id, date, title, then each term's positions as ``"title|body"``) of the visible
    documents of ``driver`` (object ids of the rarest term's postings, read from an index
    alone) holding every other term. Positions are read for the rows returned only."""
    positions = [_positions(spec, number, driver.c.object_id) for number in range(shape.terms)]
    return (
        select(spec.model.id, spec.date, spec.title, *positions)
        .select_from(driver)
        .join(spec.model, spec.model.id == driver.c.object_id)
        .where(
            *conditions,
            *(_held(spec, number, driver.c.object_id) for number in range(1, shape.terms)),
        )
    )


@lru_cache(maxsize=1024)
def index_statements(shape: Shape) -> IndexStatements:
    """An index's search statements, made once per :class:`Shape`: SQLAlchemy building them
    again for every search cost more than running some of them (``bench/README.md``)."""
    spec = registry()[shape.name]
    conditions = [
        spec.visible(shape.role, shape.user_id),
        *_date_conditions(spec, shape.date_from, shape.date_to),
    ]
    of_rarest = (SearchPosting.kind == spec.kind, SearchPosting.term == _term(0))
    # Every match, from the rarest term's postings: a bounded subquery (that keeps the
    # database on key lookups, where PostgreSQL would otherwise hash every posting of the
    # other terms, positions included).
    rarest = select(SearchPosting.object_id).where(*of_rarest).limit(SORTED + 1).subquery()
    matching = _joined(spec, shape, rarest, conditions)
    # Newest first: by date, then by id (the postings' order, ``ix_search_postings_newest``).
    newest = (spec.date.desc().nulls_last(), spec.model.id.desc())
    # Counted among the rarest term's first SCAN postings only: bounded work.
    scan = (
        select(SearchPosting.object_id)
        .where(*of_rarest)
        .order_by(SearchPosting.object_id)
        .limit(SCAN)
        .subquery()
    )
    counted = (
        select(scan.c.object_id)
        .join(spec.model, spec.model.id == scan.c.object_id)
        .where(
            *conditions,
            *(_holds(spec, number, scan.c.object_id) for number in range(1, shape.terms)),
        )
        .limit(EXACT + 1)
        .subquery()
    )
    # The rarest term's postings newest first (those with a date, then those without), from
    # ``ix_search_postings_newest`` alone, each checked by key for the other terms: both
    # engines nest the lookups in the index scan and stop at the ``room``-th match.
    walks = []
    for dated in (True, False):
        driver = SearchPosting.__table__.alias("newest")
        walk = _joined(spec, shape, driver, conditions).where(
            driver.c.kind == spec.kind,
            driver.c.term == _term(0),
            driver.c.at.is_not(None) if dated else driver.c.at.is_(None),
        )
        by_date = (driver.c.at.desc(),) if dated else ()
        walks.append(walk.order_by(*by_date, driver.c.object_id.desc()).limit(bindparam("room")))
    return IndexStatements(
        matching=matching,
        newest_sorted=matching.order_by(*newest).limit(NEWEST),
        counted=select(func.count()).select_from(counted),
        walks=(walks[0], walks[1]),
    )


# A page of documents' words (for snippets).
WORDS = select(
    SearchDocument.kind,
    SearchDocument.object_id,
    SearchDocument.title_terms,
    SearchDocument.body_terms,
).where(
    SearchDocument.kind.in_(bindparam("kinds", expanding=True)),
    SearchDocument.object_id.in_(bindparam("ids", expanding=True)),
)


class SearchService(Service):
    """Search and autocomplete over the indexes of every domain."""

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

    async def _postings(self, specs: list[IndexSpec], terms: list[str]) -> list[list[int]]:
        """Each term's number of postings in each index, counted up to ``SORTED``: one
        statement, index ranges only."""
        statement = posting_counts(tuple(spec.name for spec in specs), len(terms))
        params = {f"t{number}": term for number, term in enumerate(terms)}
        row = list((await self.session.execute(statement, params)).one())
        return [
            [int(count) for count in row[n : n + len(terms)]]
            for n in range(0, len(row), len(terms))
        ]

    async def _index(
        self, spec: IndexSpec, terms: list[str], counts: list[int], data: SearchQuery
    ) -> tuple[int, bool, int, list[tuple[Any, ...]]]:
        """One index's visible matches: how many (up to ``EXACT + 1``), whether that is
        exact (else at least), how many can be paged through, and the rows to rank: (id,
        date, title, then each term's title and body positions).

        Matches are read from ``search_postings``: from the term with the fewest postings
        (``counts``), the others looked up by key. With at most ``RANKED`` matches, all are
        ranked; with more, the newest ``NEWEST``: sorted by date when the rarest term has at
        most ``SORTED`` postings, else by reading its postings newest first."""
        if not min(counts):
            return 0, True, 0, []
        order = sorted(range(len(terms)), key=lambda number: (counts[number], number))
        statements = index_statements(
            Shape(
                name=spec.name,
                terms=len(terms),
                role=self.role_name,
                user_id=self.caller.id if self.caller is not None else None,
                date_from=data.date_from is not None,
                date_to=data.date_to is not None,
            )
        )
        params = {
            **{f"t{bound}": terms[number] for bound, number in enumerate(order)},
            **_date_params(spec, data.date_from, data.date_to),
        }
        if counts[order[0]] <= RANKED:
            rows: list[Any] = list(await self.session.execute(statements.matching, params))
            return len(rows), True, len(rows), _in_query_order(rows, order)
        total = int(await self.session.scalar(statements.counted, params) or 0)
        complete = counts[order[0]] <= SCAN and total <= EXACT
        if complete and total <= RANKED:
            rows = list(await self.session.execute(statements.matching, params))
            return total, True, total, _in_query_order(rows, order)
        # The newest NEWEST: sort the matches by date, or walk the rarest term's postings
        # newest first, the cheaper by an estimate of the postings each reads.
        rarest = counts[order[0]]
        share = max(total, 1) / min(rarest, SCAN)  # of the rarest term's postings, matches
        walked = NEWEST / share
        if rarest <= SORTED and rarest < walked:
            rows = list(await self.session.execute(statements.newest_sorted, params))
        else:
            rows = await self._newest(statements, params)
        return max(total, len(rows)), complete, NEWEST, _in_query_order(rows, order)

    async def _newest(
        self, statements: IndexStatements, params: dict[str, Any]
    ) -> list[tuple[Any, ...]]:
        """The newest ``NEWEST`` visible documents holding every term, each as (id, date,
        title, then each term's positions): the rarest term's postings read newest first
        (those without a date last, highest id first), each checked by key for the others."""
        rows: list[Any] = []
        for walk in statements.walks:
            if len(rows) < NEWEST:
                rows += await self.session.execute(walk, {**params, "room": NEWEST - len(rows)})
        return rows

    async def _ranked(
        self, specs: list[IndexSpec], terms: list[str], data: SearchQuery
    ) -> tuple[dict[str, tuple[int, bool, int]], list[Found]]:
        """How many matches each index has (counted up to ``EXACT + 1``) and how many can be
        paged through, and the page of hits asked for, ranked by score, then newest, then
        index name, then id: the same order on every engine."""
        counts: dict[str, tuple[int, bool, int]] = {}
        found: list[Found] = []
        postings = await self._postings(specs, terms)
        for spec, posting_counts in zip(specs, postings, strict=True):
            total, exact, pageable, rows = await self._index(spec, terms, posting_counts, data)
            counts[spec.name] = (total, exact, pageable)
            found += [
                (
                    score_of(*_split(row[3:])),
                    _as_datetime(row[1]) or OLDEST,
                    spec.name,
                    row[0],
                    row[2],
                )
                for row in rows
            ]
        found.sort(key=rank)
        return counts, found[data.offset : data.offset + data.limit]

    async def search(self, data: SearchQuery) -> Page[SearchHit]:
        if not data.query.strip():
            raise BodyFieldError("query", "must not be empty")
        if data.date_from and data.date_to and data.date_from > data.date_to:
            raise BodyFieldError("date_to", "must not be before date_from")
        specs = self._specs(data.indexes)
        window = Window(limit=data.limit, offset=data.offset)
        terms = query_terms(data.query)
        counts, shown = await self._ranked(specs, terms, data) if terms else ({}, [])
        if terms and not sum(total for total, _, _ in counts.values()):
            fixed = await corrected(self.session, terms)
            if fixed != terms:
                terms = fixed
                counts, shown = await self._ranked(specs, terms, data)
        header = ", ".join(
            f"{spec.name}={min(total, EXACT)}{'' if exact else '+'}"
            for spec in specs
            for total, exact, _ in [counts.get(spec.name, (0, True, 0))]
        )
        pageable = sum(shown for _, _, shown in counts.values())
        exact = all(exact and total == shown for total, exact, shown in counts.values())
        headers = {COUNTS_HEADER: header, EXACT_HEADER: "true" if exact else "false"}
        hits = await self._hits(shown, set(terms))
        return Page(hits, pageable, window, headers=headers)

    async def _hits(self, shown: list[Found], terms: set[str]) -> list[SearchHit]:
        specs = registry()
        texts: dict[tuple[str, int], list[str]] = {}
        wanted = {(specs[hit[2]].kind, hit[3]) for hit in shown}
        if wanted:
            # One statement for every index shown (a row of another index with a shown id is
            # read and dropped: at most a page of them).
            rows = await self.session.execute(
                WORDS,
                {
                    "kinds": sorted({kind for kind, _ in wanted}),
                    "ids": sorted({object_id for _, object_id in wanted}),
                },
            )
            for kind, object_id, title_terms, body_terms in rows:
                if (kind, object_id) not in wanted:
                    continue
                words = body_terms.split()
                if not terms.intersection(words):
                    words = title_terms.split() + words
                texts[kind, object_id] = words
        return [
            SearchHit(
                index=name,
                id=object_id,
                title=title,
                snippet=highlight(texts.get((specs[name].kind, object_id), []), terms),
                url=self.links.url(specs[name].route, object_id),
                date=None if when == OLDEST else when,
                score=score,
            )
            for score, when, name, object_id, title in shown
        ]

    async def autocomplete(self, q: str, limit: int) -> list[Suggestion]:
        """Frequent words of visible titles starting with the last word typed, then the
        titles holding the prefix at a word's start."""
        words = analyse(q)
        prefix = " ".join(words)
        if len(prefix) < 2:
            raise ParameterError("q", "needs at least 2 letters or digits")
        user_id = self.caller.id if self.caller is not None else None
        last = words[-1]
        titles: list[Suggestion] = []
        frequency: Counter[tuple[str, str]] = Counter()
        if len(words) == 1:
            params = {"low": last, "high": last[:-1] + chr(ord(last[-1]) + 1)}
        else:
            params = {"first": words[0], "pattern": f"% {prefix}%"}
        statement = suggestion_statement(self.role_name, user_id, single_word=len(words) == 1)
        # One statement for every index: one round trip to the database.
        for name, title, title_terms in await self.session.execute(statement, params):
            titles.append(Suggestion(text=title, type="title", index=name))
            for word in set(title_terms.split()):
                if word.startswith(last) and len(word) > len(last):
                    frequency[word, name] += 1
        totals: Counter[str] = Counter()
        source: dict[str, tuple[int, str]] = {}
        for (word, index), count in sorted(frequency.items()):
            totals[word] += count
            if word not in source or count > source[word][0]:
                source[word] = (count, index)
        terms = sorted(totals, key=lambda word: (-totals[word], word))
        stem = " ".join(words[:-1])
        suggestions = [
            Suggestion(text=f"{stem} {word}".strip(), type="term", index=index)
            for word in terms
            for index in [source[word][1]]
        ]
        seen: set[str] = set()
        unique_titles = []
        for suggestion in sorted(titles, key=lambda s: (s.text.casefold(), s.index)):
            if suggestion.text not in seen:
                seen.add(suggestion.text)
                unique_titles.append(suggestion)
        return (suggestions + unique_titles)[:limit]


async def index_rows(
    session: AsyncSession,
    spec: IndexSpec,
    *,
    missing_only: bool,
    advance: Callable[[int], None] | None = None,
) -> int:
    """Put the rows of an index's table in it (``missing_only``: those with no document);
    how many were put."""
    query = select(spec.model).where(spec.indexed()).order_by(spec.model.id)
    if missing_only:
        indexed = select(SearchDocument.object_id).where(SearchDocument.kind == spec.kind)
        query = query.where(spec.model.id.not_in(indexed))
    index = spec.index
    count = 0
    for row in (await session.scalars(query)).unique():
        await index.put(session, row.id, *spec.document(row))
        count += 1
        if advance is not None:
            advance(1)
    return count


async def reindex(
    session: AsyncSession, spec: IndexSpec, advance: Callable[[int], None] | None = None
) -> int:
    """Rebuild one index from its table: the same documents however often it runs."""
    await session.execute(delete(SearchDocument).where(SearchDocument.kind == spec.kind))
    await session.execute(delete(SearchPosting).where(SearchPosting.kind == spec.kind))
    return await index_rows(session, spec, missing_only=False, advance=advance)


async def indexable(session: AsyncSession, spec: IndexSpec) -> int:
    """How many rows an index holds once rebuilt."""
    total = await session.scalar(select(func.count()).select_from(spec.model).where(spec.indexed()))
    return int(total or 0)
