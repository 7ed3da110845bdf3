"""Full-text search, built once for every domain: SQLite FTS5 or PostgreSQL tsvector + GIN.

Documents live in ``search_documents`` (kind, object id, title, body), written by the services
in the same transaction as the rows they describe. Text is analysed here, in Python, before
either engine sees it (lower-cased word tokens, plural endings folded), and each engine only
matches whole tokens with AND. So a query finds the same documents on SQLite and PostgreSQL,
and no query text ever reaches an engine as syntax: it is reduced to word tokens first.

The engine-specific index (an FTS5 table kept by triggers, or a generated ``tsvector`` column
with a GIN index) is made by the migration; matching it is one :class:`SearchEngine` class per
database, chosen once when the app starts (:func:`search_engine`), like the rate-limit store.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Float, Integer, String, Text, UniqueConstraint, delete, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import Subquery

from pydotorg.db.base import Base, Id

MAX_TERMS = 16
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


class SearchEngine(Protocol):
    """Matches analysed query terms against ``search_documents``; one class per database."""

    name: str

    def matches(self, kind: str, terms: list[str]) -> Subquery:
        """``(object_id, score)`` of the documents of ``kind`` holding every term."""
        ...


class SQLiteSearch:
    """SQLite's FTS5 table ``search_fts`` (kept by triggers), ranked by BM25, titles weighted."""

    name = "sqlite"

    def matches(self, kind: str, terms: list[str]) -> Subquery:
        statement = text(
            "SELECT d.object_id AS object_id, -bm25(search_fts, 10.0, 1.0) AS score "
            "FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH :q AND d.kind = :kind"
        ).bindparams(kind=kind, q=" AND ".join(f'"{term}"' for term in terms))
        return statement.columns(object_id=Integer, score=Float).subquery(f"{kind}_matches")


class PostgresSearch:
    """PostgreSQL's generated ``tsvector`` column with a GIN index, ranked by ``ts_rank``."""

    name = "postgresql"

    def matches(self, kind: str, terms: list[str]) -> Subquery:
        statement = text(
            "SELECT d.object_id AS object_id, "
            "ts_rank(d.tsv, plainto_tsquery('simple', :q)) AS score "
            "FROM search_documents d "
            "WHERE d.kind = :kind AND d.tsv @@ plainto_tsquery('simple', :q)"
        ).bindparams(kind=kind, q=" ".join(terms))
        return statement.columns(object_id=Integer, score=Float).subquery(f"{kind}_matches")


def search_engine(database_url: str) -> SearchEngine:
    """The engine of the configured database, chosen once when the app starts."""
    if database_url.startswith("postgresql"):
        return PostgresSearch()
    return SQLiteSearch()


@dataclass(frozen=True)
class SearchIndex:
    """Index and match documents of one kind (``"job"``, ``"event"``, ...)."""

    kind: str

    async def put(self, session: AsyncSession, object_id: int, title: str, body: str) -> None:
        """Add or replace the document of one object, inside the caller's transaction."""
        await self.remove(session, object_id)
        session.add(
            SearchDocument(
                kind=self.kind,
                object_id=object_id,
                title_terms=" ".join(analyse(title)),
                body_terms=" ".join(analyse(body)),
            )
        )
        await session.flush()

    async def remove(self, session: AsyncSession, object_id: int) -> None:
        await session.execute(
            delete(SearchDocument).where(
                SearchDocument.kind == self.kind, SearchDocument.object_id == object_id
            )
        )

    def matches(self, engine: SearchEngine, query: str) -> Subquery | None:
        """A subquery of ``(object_id, score)`` for documents with every term, best first by
        ``score`` descending; None when the query has no searchable words."""
        terms = query_terms(query)
        return engine.matches(self.kind, terms) if terms else None


__all__ = [
    "PostgresSearch",
    "SQLiteSearch",
    "SearchDocument",
    "SearchEngine",
    "SearchIndex",
    "analyse",
    "query_terms",
    "search_engine",
]
