"""Rows read to answer a request, without loading ORM entities.

A read endpoint only needs a row's values to make its response schema. SQLAlchemy's ORM spends
more on turning a page of rows into entities (identity map, instance state, the eager loads)
and on running the statement through the session than SQLite spends on the query itself
(``bench/README.md``). A *view* is a plain object with the model's attribute names: its
columns, and for each many-to-one relationship the ORM would join eagerly (``lazy="joined"``)
the related row's view, or None. So a service's ``read`` makes the same schema from a view as
from an entity. The statement is the service's own query with the same joins the ORM would add,
selecting columns only; it runs on the request's connection (``core.queries.Database``), in
the ORM session's transaction if the request has one.

A collection the root model loads with ``lazy="selectin"`` (an event's occurrences, a job's
types) is read as the ORM reads it, by one more statement per collection for all the rows at once
(the parents' keys in an ``IN``), into lists of views of the related rows; a collection loaded any
other way, or one whose rows load relationships of their own eagerly, leaves the model without a
view (the query layer returns its entities). Relationships the ORM loads lazily are not on a
view, as they are not loaded on an entity read in async code either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapper, RelationshipProperty, aliased

AnySelect = Select[*tuple[Any, ...]]
EAGER = ("joined", "selectin", "subquery", "immediate")


class View:
    """The attributes of one row: its model's columns and eagerly loaded relationships, and
    the model's properties (made from those)."""

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
class _Collection:
    """A collection the root model loads with ``selectin``: its statement selects the parent's
    key (first, as ``parent``) and the related rows' columns, for the parents in ``:parents``."""

    name: str
    parent_key: str  # the root's attribute the statement's parent column matches
    kind: type[View]
    keys: tuple[str, ...]
    statement: AnySelect


@dataclass(frozen=True)
class ViewStatement:
    """The columns-only form of a query, how to make a view of each of its rows, and the
    collections to read for them (:meth:`fill`)."""

    statement: AnySelect
    build: Callable[[Row[Any]], Any]
    collections: tuple[_Collection, ...] = ()

    async def fill(self, connection: AsyncConnection, views: list[Any]) -> None:
        """Give each of ``views`` (built by :attr:`build`) its collections: one statement per
        collection for all of them."""
        for collection in self.collections:
            members: dict[Any, list[View]] = {}
            for view in views:
                members.setdefault(view.__dict__[collection.parent_key], [])
            rows = await connection.execute(collection.statement, {"parents": list(members)})
            for row in rows:
                member = collection.kind()
                member.__dict__ = dict(zip(collection.keys, row[1:], strict=True))
                members[row[0]].append(member)
            for view in views:
                view.__dict__[collection.name] = members[view.__dict__[collection.parent_key]]


_KINDS: dict[Mapper[Any], type[View]] = {}
_VIEWS: WeakKeyDictionary[AnySelect, ViewStatement | None] = WeakKeyDictionary()


def _kind(mapper: Mapper[Any]) -> type[View]:
    kind = _KINDS.get(mapper)
    if kind is None:
        derived = {
            name: value
            for owner in reversed(mapper.class_.__mro__)
            for name, value in vars(owner).items()
            if isinstance(value, property)
        }
        kind = _KINDS[mapper] = type(f"{mapper.class_.__name__}View", (View,), derived)
    return kind


def _eager(
    mapper: Mapper[Any],
) -> tuple[list[RelationshipProperty[Any]], list[RelationshipProperty[Any]]] | None:
    """The many-to-one relationships the ORM joins eagerly and the collections it loads with
    ``selectin``; None if it loads anything else eagerly (no view then)."""
    joined, collections = [], []
    for relationship in mapper.relationships:
        if relationship.lazy not in EAGER:
            continue
        if relationship.uselist and relationship.lazy == "selectin":
            collections.append(relationship)
        elif not relationship.uselist and relationship.lazy == "joined":
            joined.append(relationship)
        else:
            return None
    return joined, collections


def _collection(relationship: RelationshipProperty[Any]) -> _Collection | None:
    """How to read one ``selectin`` collection for many parents; None if its rows load
    relationships of their own eagerly, or it is not on one column each way."""
    mapper = relationship.mapper
    if _eager(mapper) != ([], []):
        return None
    pairs = relationship.synchronize_pairs
    if len(pairs) != 1:
        return None
    ((parent_column, parent),) = pairs
    keys = tuple(attribute.key for attribute in mapper.column_attrs)
    statement = select(parent.label("parent"), *(getattr(mapper.class_, key) for key in keys))
    if relationship.secondary is not None:
        through = relationship.secondary_synchronize_pairs or []
        if len(through) != 1:
            return None
        ((member, link),) = through
        statement = statement.select_from(mapper.class_).join(
            relationship.secondary, member == link
        )
    statement = statement.where(parent.in_(bindparam("parents", expanding=True)))
    if relationship.order_by:
        statement = statement.order_by(*relationship.order_by)
    parent_key = relationship.parent.get_property_by_column(parent_column).key
    return _Collection(relationship.key, parent_key, _kind(mapper), keys, statement)


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
    collections: list[_Collection] = []
    pending: list[tuple[Any, Mapper[Any], int, str, tuple[Mapper[Any], ...]]] = [
        (entity, inspect(entity), -1, "", ())
    ]
    while pending:
        target, mapper, parent, name, path = pending.pop(0)
        eager = _eager(mapper)
        if eager is None or (eager[1] and parent != -1):
            return None
        joined, loaded = eager
        for relationship in loaded:
            collection = _collection(relationship)
            if collection is None:
                return None
            collections.append(collection)
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
    return ViewStatement(statement, _builder(tuple(parts)), tuple(collections))


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
