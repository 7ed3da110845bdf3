"""Full-text search, built once for every domain: SQLite FTS5 or PostgreSQL tsvector + GIN.

Documents live in ``search_documents`` (kind, object id, title, body), written by the services
in the same transaction as the rows they describe. Text is analysed here, in Python, before
either engine sees it (lower-cased word tokens, plural endings folded), and each engine only
matches whole tokens with AND. So a query finds the same documents on SQLite and PostgreSQL,
and no query text ever reaches an engine as syntax: it is reduced to word tokens first.

The engine-specific index (an FTS5 table kept by triggers, or a generated ``tsvector`` column
with a GIN index) is made by the migration; matching it is one :class:`SearchEngine` class per
database, chosen once when the app starts (:func:`search_engine`), like the rate-limit store.

Beside each document, ``search_postings`` holds one row per distinct term: where it stands in
the title and in the body. The site-wide search and autocomplete read only that table (plain
B-tree lookups, the same SQL on both engines) and score in Python (:func:`score_of`), which is
what keeps them fast at 100,000 documents.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Literal, Protocol, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Index,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    delete,
    event,
    false,
    insert,
    inspect,
    select,
    text,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column
from sqlalchemy.sql import Subquery

from pydotorg.db.base import Base, Id

SelectT = TypeVar("SelectT", bound=Select[Any])

MAX_TERMS = 16
MAX_TERM_LENGTH = 200
TYPO_MIN_LENGTH = 4
TYPO_TWO_EDITS_LENGTH = 8
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


class SearchDocument(Base):
    """One searchable thing: a job posting, an event, a page, a release..."""

    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("kind", "object_id", name="uq_search_documents_object"),)
    cache_versioned = False

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    object_id: Mapped[int] = mapped_column(Id, nullable=False)
    title_terms: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body_terms: Mapped[str] = mapped_column(Text, nullable=False, default="")


def _fold(token: str) -> str:
    """Fold common English plural endings so 'developers' finds 'developer'."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 4 and token.endswith(("sses", "xes", "ches", "shes")):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def analyse(value: str) -> list[str]:
    """The index terms of a text: NFKC, lower case, word tokens, plurals folded."""
    normalised = unicodedata.normalize("NFKC", value).casefold()
    return [_fold(token) for token in _WORD.findall(normalised)]


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query, at most ``MAX_TERMS``, in the order given."""
    seen: dict[str, None] = {}
    for term in analyse(query):
        seen.setdefault(term, None)
    return list(seen)[:MAX_TERMS]


class SearchPosting(Base):
    """One term of one document: its word positions in the title and in the body (``"0 7"``;
    empty when absent), and the document's date (``at``: see :func:`moment`). Primary key
    (kind, term, object_id): a term's documents are one index range, and a prefix's terms too
    (``term`` sorts by code point on both engines); ``ix_search_postings_newest`` orders a
    term's documents by date, for the newest matches of a frequent word."""

    __tablename__ = "search_postings"
    __table_args__ = (
        Index("ix_search_postings_object", "kind", "object_id"),
        # Autocomplete reads title words only: a prefix's title postings are one range.
        Index(
            "ix_search_postings_title",
            "kind",
            "term",
            "object_id",
            sqlite_where=text("title_at <> ''"),
            postgresql_where=text("title_at <> ''"),
        ),
        Index("ix_search_postings_newest", "kind", "term", "at", "object_id"),
    )
    cache_versioned = False

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    term: Mapped[str] = mapped_column(
        String(200).with_variant(String(200, collation="C"), "postgresql"), primary_key=True
    )
    object_id: Mapped[int] = mapped_column(Id, primary_key=True)
    title_at: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body_at: Mapped[str] = mapped_column(Text, nullable=False, default="")
    at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


def moment(value: datetime | date | None) -> int | None:
    """A document's date as stored in its postings: microseconds since 1970 in UTC (a day:
    its midnight), the same integer on every engine; None without a date. It orders as the
    dates do."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def postings(title_terms: list[str], body_terms: list[str]) -> dict[str, tuple[str, str]]:
    """Each distinct term of a document (at most ``MAX_TERM_LENGTH`` long) with its positions
    in the title and in the body, as stored in ``search_postings``."""
    where: dict[str, tuple[list[str], list[str]]] = {}
    for column, terms in ((0, title_terms), (1, body_terms)):
        for position, term in enumerate(terms):
            if len(term) <= MAX_TERM_LENGTH:
                where.setdefault(term, ([], []))[column].append(str(position))
    return {term: (" ".join(title), " ".join(body)) for term, (title, body) in where.items()}


def _adjacent(positions: list[str]) -> bool:
    """Whether the terms stand side by side in order somewhere, given each one's positions."""
    if any(not at for at in positions):
        return False
    following = [{int(p) - number for p in at.split()} for number, at in enumerate(positions)]
    return bool(set.intersection(*following))


def score_of(title_at: list[str], body_at: list[str]) -> int:
    """The score :func:`score_sql` computes, from each query term's positions in a document
    (in the query's order): 2 per term in the title, 1 per term in the body, and for several
    terms side by side ``2 * len(terms)`` in the title and ``len(terms)`` in the body."""
    score = sum(2 * bool(at) for at in title_at) + sum(bool(at) for at in body_at)
    if len(title_at) > 1:
        score += 2 * len(title_at) * _adjacent(title_at) + len(body_at) * _adjacent(body_at)
    return score


class SearchTerm(Base):
    """Every term ever indexed: the vocabulary typo tolerance corrects a query's words to."""

    __tablename__ = "search_terms"
    cache_versioned = False

    term: Mapped[str] = mapped_column(String(200), primary_key=True)


def _contains(column: str, name: str) -> str:
    return f"(CASE WHEN (' ' || d.{column} || ' ') LIKE :{name} THEN 1 ELSE 0 END)"


def score_sql(terms: list[str]) -> tuple[str, dict[str, str]]:
    """An integer score computed by the same SQL on both engines, so ranking is identical.

    Each term in the title counts 2, in the body 1; all the terms side by side in the query's
    order (a phrase) add ``2 * len(terms)`` in the title and ``len(terms)`` in the body. Terms are
    word characters only (see :func:`analyse`), so they hold no ``LIKE`` wildcard.
    """
    parts: list[str] = []
    params: dict[str, str] = {}
    for number, term in enumerate(terms):
        params[f"t{number}"] = f"% {term} %"
        parts += [f"2 * {_contains('title_terms', f't{number}')}"]
        parts += [_contains("body_terms", f"t{number}")]
    if len(terms) > 1:
        params["phrase"] = f"% {' '.join(terms)} %"
        parts += [f"{2 * len(terms)} * {_contains('title_terms', 'phrase')}"]
        parts += [f"{len(terms)} * {_contains('body_terms', 'phrase')}"]
    return " + ".join(parts), params


class SearchEngine(Protocol):
    """Matches analysed query terms against ``search_documents``; one class per database.

    The engine only decides which documents hold every term (its own index); the score is
    :func:`score_sql`, the same on every engine."""

    name: str

    def matches(self, kind: str, terms: list[str]) -> Subquery:
        """``(object_id, score)`` of the documents of ``kind`` holding every term."""
        ...


class SQLiteSearch:
    """SQLite's FTS5 table ``search_fts`` (kept by triggers).

    ``CROSS JOIN`` makes SQLite read the full-text match first and ``LIMIT -1`` keeps the
    subquery from being flattened into the caller's join: without them it scans the match once
    per row of the joined table (200 ms instead of 10 ms on 8,000 documents)."""

    name = "sqlite"

    def matches(self, kind: str, terms: list[str]) -> Subquery:
        score, params = score_sql(terms)
        statement = text(
            f"SELECT d.object_id AS object_id, {score} AS score "  # noqa: S608 (no values)
            "FROM search_fts CROSS JOIN search_documents d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH :q AND d.kind = :kind LIMIT -1"
        ).bindparams(kind=kind, q=" AND ".join(f'"{term}"' for term in terms), **params)
        return statement.columns(object_id=Integer, score=Integer).subquery(f"{kind}_matches")


class PostgresSearch:
    """PostgreSQL's generated ``tsvector`` column with a GIN index."""

    name = "postgresql"

    def matches(self, kind: str, terms: list[str]) -> Subquery:
        score, params = score_sql(terms)
        statement = text(
            f"SELECT d.object_id AS object_id, {score} AS score "  # noqa: S608 (no values)
            "FROM search_documents d "
            "WHERE d.kind = :kind AND d.tsv @@ plainto_tsquery('simple', :q)"
        ).bindparams(kind=kind, q=" ".join(terms), **params)
        return statement.columns(object_id=Integer, score=Integer).subquery(f"{kind}_matches")


def search_engine(database_url: str) -> SearchEngine:
    """The engine of the configured database, chosen once when the app starts."""
    if database_url.startswith("postgresql"):
        return PostgresSearch()
    return SQLiteSearch()


# The date column of each kind of document, by model: what keeps postings' ``at`` right.
_DATED: dict[type, tuple[str, Any]] = {}


@dataclass(frozen=True)
class SearchIndex:
    """Index and match documents of one kind (``"job"``, ``"event"``, ...).

    ``date`` is the column of the indexed table that orders its documents newest first (the
    site-wide search's ``IndexSpec.date``); each posting keeps it (:func:`moment`), set by
    :meth:`put` and kept when a flush changes it (:func:`install_posting_dates`)."""

    kind: str
    date: Any = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.date is not None:
            _DATED[self.date.class_] = (self.kind, self.date)

    async def put(self, session: AsyncSession, object_id: int, title: str, body: str) -> None:
        """Add or replace the document of one object and its postings, inside the caller's
        transaction."""
        await self.remove(session, object_id)
        title_terms, body_terms = analyse(title), analyse(body)
        await session.flush()
        document = {
            "kind": self.kind,
            "object_id": object_id,
            "title_terms": " ".join(title_terms),
            "body_terms": " ".join(body_terms),
        }
        await session.execute(insert(SearchDocument), [document])
        at = None
        if self.date is not None:  # the row as flushed: its date is the stored one
            model = self.date.class_
            at = moment(await session.scalar(select(self.date).where(model.id == object_id)))
        rows = self.posting_rows(object_id, title_terms, body_terms, at)
        if rows:
            await session.execute(insert(SearchPosting), rows)
        await add_terms(session, [*title_terms, *body_terms])

    def posting_rows(
        self, object_id: int, title_terms: list[str], body_terms: list[str], at: int | None
    ) -> list[dict[str, Any]]:
        """The ``search_postings`` rows of one document (for bulk inserts); ``at`` is its
        date (:func:`moment`)."""
        return [
            {
                "kind": self.kind,
                "term": term,
                "object_id": object_id,
                "title_at": title_at,
                "body_at": body_at,
                "at": at,
            }
            for term, (title_at, body_at) in postings(title_terms, body_terms).items()
        ]

    async def remove(self, session: AsyncSession, object_id: int) -> None:
        """Delete the document of one object and its postings. The session holds no documents
        (``put`` inserts rows, not objects), so there is nothing in it to update: not looking
        saves a scan of every object the session holds, per call (seeding makes thousands)."""
        unsynchronized = {"synchronize_session": False}
        await session.execute(
            delete(SearchDocument).where(
                SearchDocument.kind == self.kind, SearchDocument.object_id == object_id
            ),
            execution_options=unsynchronized,
        )
        await session.execute(
            delete(SearchPosting).where(
                SearchPosting.kind == self.kind, SearchPosting.object_id == object_id
            ),
            execution_options=unsynchronized,
        )

    def matches(self, engine: SearchEngine, query: str) -> Subquery | None:
        """A subquery of ``(object_id, score)`` for documents with every term, best first by
        ``score`` descending; None when the query has no searchable words."""
        terms = query_terms(query)
        return engine.matches(self.kind, terms) if terms else None

    def narrow(
        self,
        engine: SearchEngine,
        rows: SelectT,
        query: str,
        object_id: Any,
        *then_by: Any,
        ranked: bool = True,
    ) -> SelectT:
        """``rows`` kept to those whose document holds every word of ``query`` (none when it
        has no searchable words), joined on ``object_id``; ``ranked``, best match first, then
        ``then_by`` (else ``rows`` keep their own order). Every domain's ``q`` reads this."""
        matches = self.matches(engine, query)
        if matches is None:
            return rows.where(false())
        rows = rows.join(matches, matches.c.object_id == object_id)
        if ranked:
            rows = rows.order_by(None).order_by(matches.c.score.desc(), *then_by)
        return rows


def _dates_after_flush(session: Session, _flush: UOWTransaction) -> None:
    """A flushed change of an indexed row's date (an edit, an approval, ``updated``) reaches
    its postings in the same transaction, whether or not the row is indexed again."""
    for row in list(session.dirty):
        dated = _DATED.get(type(row))
        if dated is None:
            continue
        kind, column = dated
        if column.property.columns[0].onupdate is not None:  # ``updated``: any real change
            changed = session.is_modified(row, include_collections=False)
        else:
            changed = inspect(row).attrs[column.key].history.has_changes()
        if not changed:
            continue
        object_id = row.id
        value = session.execute(select(column).where(column.class_.id == object_id)).scalar()
        session.execute(
            update(SearchPosting)
            .where(SearchPosting.kind == kind, SearchPosting.object_id == object_id)
            .values(at=moment(value)),
            execution_options={"synchronize_session": False},
        )


def install_posting_dates() -> None:
    """Keep postings' dates with their rows' in every ORM session (idempotent)."""
    if not event.contains(Session, "after_flush", _dates_after_flush):
        event.listen(Session, "after_flush", _dates_after_flush)


async def add_terms(session: AsyncSession, terms: list[str]) -> None:
    """Add terms to the vocabulary (those it has are left as they are)."""
    rows = [{"term": term} for term in sorted(set(terms)) if len(term) <= MAX_TERM_LENGTH]
    if rows:
        await session.execute(
            text("INSERT INTO search_terms (term) VALUES (:term) ON CONFLICT DO NOTHING"), rows
        )


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions and swaps of
    two neighbours), or ``limit + 1`` once it is sure to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def tolerance(term: str) -> int:
    """How many edits a term may be away from a word it is corrected to."""
    if len(term) < TYPO_MIN_LENGTH:
        return 0
    return 1 if len(term) < TYPO_TWO_EDITS_LENGTH else 2


async def corrected(session: AsyncSession, terms: list[str]) -> list[str]:
    """Each term the vocabulary lacks replaced by its nearest vocabulary word (same first
    letter, within :func:`tolerance`; ties to the shorter length difference, then
    alphabetically); terms it has, or with no near word, stay. Done in Python, so the same on
    every engine."""
    result: list[str] = []
    for term in terms:
        limit = tolerance(term)
        known = await session.scalar(
            text("SELECT 1 FROM search_terms WHERE term = :term"), {"term": term}
        )
        if known or not limit:
            result.append(term)
            continue
        candidates = await session.scalars(
            text(
                "SELECT term FROM search_terms WHERE term >= :low AND term < :high "
                "AND length(term) BETWEEN :shortest AND :longest"
            ),
            {
                "low": term[0],
                "high": chr(ord(term[0]) + 1),
                "shortest": len(term) - limit,
                "longest": len(term) + limit,
            },
        )
        scored = sorted(
            (distance, abs(len(word) - len(term)), word)
            for word in candidates
            if word.startswith(term[0]) and (distance := edit_distance(term, word, limit)) <= limit
        )
        result.append(scored[0][2] if scored else term)
    return result


Role = Literal["anonymous", "user", "staff"]
Visibility = Callable[[Role, int | None], ColumnElement[bool]]


def staff_or(public: Callable[[], ColumnElement[bool]]) -> Visibility:
    """An index's ``visible``: staff find every row, anyone else the rows ``public()`` keeps."""

    def visible(role: Role, user_id: int | None) -> ColumnElement[bool]:
        return true() if role == "staff" else public()

    return visible


def everyone(role: Role, user_id: int | None) -> ColumnElement[bool]:
    """An index's ``visible`` when every indexed row is public."""
    return true()


@dataclass(frozen=True)
class IndexSpec:
    """One index of the site-wide search (``POST /api/v1/search/``), declared by its domain in
    ``<domain>/indexes.py`` as ``INDEXES = [IndexSpec(...)]``.

    ``name`` is what callers put in ``indexes``; ``index`` the :class:`SearchIndex` the
    domain's services write (its ``kind``, and its ``date``: the column shown in a hit, that
    orders ties and is what ``date_from``/``date_to`` filter); ``model`` the table whose ``id``
    is the document's object id; ``title`` its column shown in a hit; ``route`` the operation
    id of the resource's ``GET /{id}``; ``visible(role, user_id)`` the rows a caller may see;
    ``document(row)`` the (title, body) a row is indexed under and ``indexed()`` which rows
    are, for ``pydotorg search reindex``.
    """

    name: str
    index: SearchIndex
    model: Any
    title: Any
    route: str
    visible: Visibility
    document: Callable[[Any], tuple[str, str]]
    indexed: Callable[[], ColumnElement[bool]] = field(default=lambda: true())

    @property
    def kind(self) -> str:
        return self.index.kind

    @property
    def date(self) -> Any:
        return self.index.date


__all__ = [
    "IndexSpec",
    "PostgresSearch",
    "SQLiteSearch",
    "SearchDocument",
    "SearchEngine",
    "SearchIndex",
    "SearchPosting",
    "SearchTerm",
    "Visibility",
    "analyse",
    "corrected",
    "everyone",
    "install_posting_dates",
    "moment",
    "postings",
    "query_terms",
    "score_of",
    "score_sql",
    "search_engine",
    "staff_or",
]
