"""Rows read to answer a request, without loading ORM entities.

A read endpoint only needs a row's values to make its response schema. SQLAlchemy's ORM spends
more on turning a page of rows into entities (identity map, instance state, the eager loads)
and on running the statement through the session than SQLite spends on the query itself
(``bench/README.md``). A *view* is a plain object with the model's attribute names: its
columns, and for each many-to-one relationship the ORM would join eagerly (``lazy="joined"``)
the related row's view, or None. So a service's ``read`` makes the same schema from a view as
from an entity. The statement is the service's own query with the same joins the ORM would add,
selecting columns only; it runs on the request's connection (``core.database``), in the ORM
session's transaction if the request has one.

A model that eagerly loads a collection (a job's types) has no view: the query layer returns
its entities. Relationships the ORM loads lazily are not on a view, as they are not loaded on an
entity read in async code either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Select, inspect
from sqlalchemy.engine import Row
from sqlalchemy.orm import Mapper, RelationshipProperty, aliased

AnySelect = Select[*tuple[Any, ...]]
EAGER = ("joined", "selectin", "subquery", "immediate")


class View:
    """The attributes of one row: its model's columns and eagerly joined relationships."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__dict__!r})"


@dataclass(frozen=True)
class _Part:
    """One entity of a view: the root model, or a model joined through a relationship."""

    kind: type[View]
    keys: tuple[str, ...]
    start: int
    parent: int  # index of the part it hangs from (-1 for the root)
    name: str  # its relationship's name on the parent
    present: int  # position of its first primary key column: None when the join found no row


@dataclass(frozen=True)
class ViewStatement:
    """The columns-only form of a query and how to make a view of each of its rows."""

    statement: AnySelect
    build: Callable[[Row[Any]], Any]


_KINDS: dict[Mapper[Any], type[View]] = {}
_VIEWS: WeakKeyDictionary[AnySelect, ViewStatement | None] = WeakKeyDictionary()


def _kind(mapper: Mapper[Any]) -> type[View]:
    kind = _KINDS.get(mapper)
    if kind is None:
        kind = _KINDS[mapper] = type(f"{mapper.class_.__name__}View", (View,), {})
    return kind


def _joined(mapper: Mapper[Any]) -> list[RelationshipProperty[Any]] | None:
    """The many-to-one relationships the ORM joins eagerly; None if it loads a collection
    eagerly (no view then)."""
    joined = []
    for relationship in mapper.relationships:
        if relationship.lazy not in EAGER:
            continue
        if relationship.uselist or relationship.lazy != "joined":
            return None
        joined.append(relationship)
    return joined


def view_of(query: AnySelect) -> ViewStatement | None:
    """The view statement of a query of one model's entities; None for any other query."""
    if query in _VIEWS:
        return _VIEWS[query]
    made = _VIEWS[query] = _make(query)
    return made


def _make(query: AnySelect) -> ViewStatement | None:
    descriptions = query.column_descriptions
    entity = descriptions[0].get("entity") if len(descriptions) == 1 else None
    if entity is None or descriptions[0].get("expr") is not entity:
        return None
    parts: list[_Part] = []
    columns: list[Any] = []
    joins: list[tuple[Any, bool]] = []
    pending: list[tuple[Any, Mapper[Any], int, str, tuple[Mapper[Any], ...]]] = [
        (entity, inspect(entity), -1, "", ())
    ]
    while pending:
        target, mapper, parent, name, path = pending.pop(0)
        joined = _joined(mapper)
        if joined is None:
            return None
        keys = tuple(attribute.key for attribute in mapper.column_attrs)
        first_key = mapper.get_property_by_column(mapper.primary_key[0]).key
        start = len(columns)
        columns += [getattr(target, key) for key in keys]
        parts.append(_Part(_kind(mapper), keys, start, parent, name, start + keys.index(first_key)))
        for relationship in joined:
            if relationship.mapper in (*path, mapper):
                continue
            related = aliased(relationship.mapper.class_)
            joins.append(
                (getattr(target, relationship.key).of_type(related), relationship.innerjoin)
            )
            pending.append(
                (related, relationship.mapper, len(parts) - 1, relationship.key, (*path, mapper))
            )
    statement = query.with_only_columns(*columns, maintain_column_froms=True)
    for join, inner in joins:
        statement = statement.join(join, isouter=not inner)
    return ViewStatement(statement, _builder(tuple(parts)))


def _builder(parts: tuple[_Part, ...]) -> Callable[[Row[Any]], Any]:
    root, rest = parts[0], parts[1:]

    def build(row: Row[Any]) -> Any:
        values = tuple(row)
        view = root.kind()
        view.__dict__ = dict(zip(root.keys, values[root.start :], strict=False))
        views: list[View | None] = [view]
        for part in rest:
            parent = views[part.parent]
            related: View | None = None
            if parent is not None:
                if values[part.present] is not None:
                    related = part.kind()
                    related.__dict__ = dict(zip(part.keys, values[part.start :], strict=False))
                parent.__dict__[part.name] = related
            views.append(related)
        return view

    return build
