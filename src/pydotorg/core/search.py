"""What a domain needs to put its rows in the site-wide search: an index's declaration
(:class:`IndexSpec`), who sees what (:data:`Visibility`), and the interface of the engine a
domain's own ``q`` filter narrows its lists with (:class:`SearchEngine`).

Everything else (the documents table, each database's full-text engine, indexing on every
flush, ranking, snippets, typo correction) is the ``search`` domain's: see
``pydotorg/search/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, false, or_, true
from sqlalchemy.sql import Subquery

SelectT = TypeVar("SelectT", bound=Select[Any])

Role = Literal["anonymous", "user", "staff"]
Visibility = Callable[[Role, int | None], ColumnElement[bool]]


class SearchEngine(Protocol):
    """A database's own full-text engine, chosen once when the app starts
    (``pydotorg.search.engines.search_engine``)."""

    @property
    def name(self) -> str:
        """The engine's name (``"sqlite"``, ``"postgresql"``)."""
        ...

    def matches(self, index: SearchIndex, query: str) -> Subquery | None:
        """``(object_id, score)`` of the documents of ``index`` that match ``query`` (higher
        scores first); None when the query has no searchable words."""
        ...


@dataclass(frozen=True)
class SearchIndex:
    """The documents of one kind (``"job"``, ``"event"``, ...): what a domain's services
    name when they narrow a list to the rows matching a ``q``. ``number`` (1-127, unique,
    never reused) keeps the kind's documents together in the engine's own order."""

    kind: str
    number: int

    def __post_init__(self) -> None:
        # Engines name a kind in their statements' text.
        if not re.fullmatch(r"[a-z_]{1,30}", self.kind) or not 1 <= self.number <= 127:
            raise ValueError(f"a kind is 1-30 of a-z and _, its number 1-127: {self!r}")

    def narrow(
        self,
        engine: SearchEngine,
        rows: SelectT,
        query: str,
        object_id: Any,
        *then_by: Any,
        ranked: bool = True,
    ) -> SelectT:
        """``rows`` kept to those whose document matches ``query`` (none when it has no
        searchable words), joined on ``object_id``; ``ranked``, best match first, then
        ``then_by`` (else ``rows`` keep their own order). Every domain's ``q`` reads this."""
        matches = engine.matches(self, query)
        if matches is None:
            return rows.where(false())
        rows = rows.join(matches, matches.c.object_id == object_id)
        if ranked:
            rows = rows.order_by(None).order_by(matches.c.score.desc(), *then_by)
        return rows


def staff_or(public: Callable[[], ColumnElement[bool]], owner: Any = None) -> Visibility:
    """An index's ``visible``: staff find every row, anyone else the rows ``public()`` keeps,
    and with ``owner`` (a column holding a user id) a signed-in caller also the rows it names
    them in (their own submissions)."""

    def visible(role: Role, user_id: int | None) -> ColumnElement[bool]:
        if role == "staff":
            return true()
        if owner is not None and user_id is not None:
            return or_(public(), owner == user_id)
        return public()

    return visible


def everyone(role: Role, user_id: int | None) -> ColumnElement[bool]:
    """An index's ``visible`` when every indexed row is public."""
    return true()


@dataclass(frozen=True)
class IndexSpec:
    """One index of the site-wide search (``POST /api/v1/search/``), declared by its domain in
    ``<domain>/indexes.py`` as ``INDEXES = [IndexSpec(...)]``: the only place that says what a
    document is. Every ORM write of ``model`` (or of a row ``follows`` names) re-indexes the
    rows it touched, in the same transaction (``pydotorg.search.indexing``).

    ``name`` is what callers put in ``indexes``; ``index`` the kind of its documents;
    ``model`` the table whose ``id`` is the document's object id; ``title`` its column shown
    in a hit; ``date`` the column that dates a document (shown in a hit, newest first among
    equals, what ``date_from``/``date_to`` filter); ``route`` the operation id of the
    resource's ``GET /{id}``; ``visible(role, user_id)`` the rows a caller may see (what
    ``visible("anonymous", None)`` keeps is public: only public documents' words are
    suggested or corrected to); ``document(row)`` the (title, body) a row is found by;
    ``indexed()`` which rows are indexed at all; ``follows`` other models whose writes change
    a document, each with the object id a row of it belongs to.
    """

    name: str
    index: SearchIndex
    model: Any
    title: Any
    date: Any
    route: str
    visible: Visibility
    document: Callable[[Any], tuple[str, str]]
    indexed: Callable[[], ColumnElement[bool]] = field(default=lambda: true())
    follows: dict[type, Callable[[Any], int | None]] = field(default_factory=dict, compare=False)

    @property
    def kind(self) -> str:
        return self.index.kind


__all__ = [
    "IndexSpec",
    "Role",
    "SearchEngine",
    "SearchIndex",
    "Visibility",
    "everyone",
    "staff_or",
]
