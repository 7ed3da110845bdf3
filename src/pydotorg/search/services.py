"""The site-wide search: every declared index matched, filtered by what the caller may see,
ranked the same way on every engine, and a typo-tolerant second try when nothing matches."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Date, DateTime, and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.exceptions import FieldError, ParameterError
from pydotorg.core.pagination import Page, Window
from pydotorg.core.search import (
    IndexSpec,
    Role,
    SearchDocument,
    SearchIndex,
    analyse,
    corrected,
    query_terms,
)
from pydotorg.core.services import Service
from pydotorg.search.schemas import SearchHit, SearchQuery, Suggestion

SNIPPET_WORDS = 30
AUTOCOMPLETE_SCAN = 50
COUNTS_HEADER = "X-Search-Counts"
OLDEST = datetime.min.replace(tzinfo=UTC)


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


def _date_filter(column: Any, first: date | None, last: date | None) -> list[Any]:
    is_day = isinstance(column.type, Date) and not isinstance(column.type, DateTime)
    clauses = []
    if first is not None:
        clauses.append(column >= (first if is_day else datetime.combine(first, time(), UTC)))
    if last is not None:
        end = last + timedelta(days=1)
        clauses.append(column < (end if is_day else datetime.combine(end, time(), UTC)))
    return clauses


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

    def _visible(self, spec: IndexSpec, terms: list[str], data: SearchQuery) -> tuple[Any, Any]:
        """The visible documents of one index holding every term: the statement without its
        columns, and the match subquery (``object_id``, ``score``)."""
        matches = self.search_engine.matches(spec.kind, terms)
        user_id = self.caller.id if self.caller is not None else None
        query = (
            select(spec.model.id)
            .join(matches, matches.c.object_id == spec.model.id)
            .where(spec.visible(self.role_name, user_id))
            .where(*_date_filter(spec.date, data.date_from, data.date_to))
        )
        return query, matches

    async def _top(
        self, spec: IndexSpec, terms: list[str], data: SearchQuery, count: int
    ) -> list[tuple[int, datetime, str, int, str]]:
        """The ``count`` best hits of one index, ordered as :meth:`_ranked` orders all."""
        query, matches = self._visible(spec, terms, data)
        query = (
            query.add_columns(spec.date, matches.c.score, spec.title)
            .order_by(matches.c.score.desc(), spec.date.desc().nulls_last(), spec.model.id)
            .limit(count)
        )
        return [
            (int(score), _as_datetime(when) or OLDEST, spec.name, object_id, title)
            for object_id, when, score, title in await self.session.execute(query)
        ]

    @property
    def role_name(self) -> Role:
        role = self.role
        return "staff" if role == "staff" else "user" if role == "user" else "anonymous"

    async def _ranked(
        self, specs: list[IndexSpec], terms: list[str], data: SearchQuery
    ) -> tuple[dict[str, int], list[tuple[int, datetime, str, int, str]]]:
        """How many hits each index has, and the page of hits asked for. Each index gives its
        best ``offset + limit`` in SQL; merged here by score, then newest, then index name,
        then id: the same order on every engine."""
        counts: dict[str, int] = {}
        for spec in specs:
            query, _ = self._visible(spec, terms, data)
            total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
            counts[spec.name] = int(total or 0)
        wanted = data.offset + data.limit
        found: list[tuple[int, datetime, str, int, str]] = []
        if data.offset < sum(counts.values()):
            for spec in specs:
                if counts[spec.name]:
                    found += await self._top(spec, terms, data, min(wanted, counts[spec.name]))
        found.sort(key=lambda hit: (-hit[0], -hit[1].timestamp(), hit[2], hit[3]))
        return counts, found[data.offset : wanted]

    async def search(self, data: SearchQuery) -> Page[SearchHit]:
        if not data.query.strip():
            raise BodyFieldError("query", "must not be empty")
        if data.date_from and data.date_to and data.date_from > data.date_to:
            raise BodyFieldError("date_to", "must not be before date_from")
        specs = self._specs(data.indexes)
        window = Window(limit=data.limit, offset=data.offset, style="body")
        terms = query_terms(data.query)
        counts, shown = await self._ranked(specs, terms, data) if terms else ({}, [])
        if terms and not sum(counts.values()):
            fixed = await corrected(self.session, terms)
            if fixed != terms:
                terms = fixed
                counts, shown = await self._ranked(specs, terms, data)
        header = ", ".join(f"{spec.name}={counts.get(spec.name, 0)}" for spec in specs)
        hits = await self._hits(shown, set(terms))
        return Page(hits, sum(counts.values()), window, headers={COUNTS_HEADER: header})

    async def _hits(
        self, shown: list[tuple[int, datetime, str, int, str]], terms: set[str]
    ) -> list[SearchHit]:
        specs = registry()
        texts: dict[tuple[str, int], list[str]] = {}
        for kind in {specs[hit[2]].kind for hit in shown}:
            ids = [hit[3] for hit in shown if specs[hit[2]].kind == kind]
            rows = await self.session.execute(
                select(
                    SearchDocument.object_id, SearchDocument.title_terms, SearchDocument.body_terms
                ).where(SearchDocument.kind == kind, SearchDocument.object_id.in_(ids))
            )
            for object_id, title_terms, body_terms in rows:
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
        for spec in registry().values():
            document = and_(
                SearchDocument.kind == spec.kind, SearchDocument.object_id == spec.model.id
            )
            query = (
                select(spec.title, SearchDocument.title_terms)
                .join(SearchDocument, document)
                .where(spec.visible(self.role_name, user_id))
                .where(
                    or_(
                        SearchDocument.title_terms.like(f"{prefix}%"),
                        SearchDocument.title_terms.like(f"% {prefix}%"),
                    )
                )
                .order_by(spec.title, spec.model.id)
                .limit(AUTOCOMPLETE_SCAN)
            )
            for title, title_terms in await self.session.execute(query):
                titles.append(Suggestion(text=title, type="title", index=spec.name))
                for word in set(title_terms.split()):
                    if word.startswith(last) and len(word) > len(last):
                        frequency[word, spec.name] += 1
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
    index = SearchIndex(spec.kind)
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
    return await index_rows(session, spec, missing_only=False, advance=advance)


async def indexable(session: AsyncSession, spec: IndexSpec) -> int:
    """How many rows an index holds once rebuilt."""
    total = await session.scalar(select(func.count()).select_from(spec.model).where(spec.indexed()))
    return int(total or 0)
