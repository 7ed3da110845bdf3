"""One query layer for every domain: a page of a list, one row by id or slug or 404, unique
values or 422, references that must exist, and text matching with LIKE's wildcards escaped.

Written here once, on SQLAlchemy's own API, rather than adopted from advanced-alchemy: the
README's Development section says why (what it does not do is what this module is for; and it
is not faster, ``bench/query_layer.py``). A model names itself in messages with ``noun``
(``"OS"``, ``"release file"``); without one, its lower-cased class name is used.

A page is one statement: its total is a column of it, a scalar subquery that the database
evaluates once. The statements derived from a query (its page, its row by id or slug) take
the request's values as bound parameters and are made once per query object, so a service that
reuses its queries (``core.services.by_role``) pays neither for building them nor for
SQLAlchemy's cache key again: tens of µs each per request (``bench/README.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, Generic, Protocol, TypeVar, cast
from weakref import WeakKeyDictionary

from sqlalchemy import BigInteger, ColumnElement, Select, bindparam, func, inspect, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase

from pydotorg.core.exceptions import DOES_NOT_EXIST, UNIQUE, FieldError, NotFoundError
from pydotorg.core.pagination import Window
from pydotorg.core.text import ascii_digits
from pydotorg.core.views import ViewStatement, view_of

M = TypeVar("M", bound=DeclarativeBase)
AnySelect = Select[*tuple[Any, ...]]
SelectT = TypeVar("SelectT", bound=AnySelect)


class Database(Protocol):
    """One request's access to the database, each part made on first use: what the kit reads
    and writes on. The app makes it (``db.database.Database``) and closes it after the
    response; this kernel only names what it needs of it."""

    @property
    def session(self) -> AsyncSession:
        """The ORM session; services commit its transaction, closing rolls back the rest."""
        ...

    async def connection(self) -> AsyncConnection:
        """The connection to read views on: the session's, once there is a session."""
        ...

    async def commit(self) -> None:
        """Commit the session; a write the database refused becomes the client's error (a
        422 naming the field, or a 409), never a 500."""
        ...


def noun(model: type[DeclarativeBase]) -> str:
    return str(getattr(model, "noun", model.__name__.lower()))


def article(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """A case-insensitive substring match; ``%`` and ``_`` in ``text`` match themselves."""
    match: ColumnElement[bool] = column.icontains(text, autoescape=True)
    return match


def key_of(key: int | str) -> tuple[str, int | str]:
    """Which column a key names, and its value: ``id`` for an int (or a string of at most 18
    ASCII digits, so that it fits a 64-bit id), else ``slug``."""
    if isinstance(key, str) and ascii_digits(key):
        key = int(key)
    return ("id", key) if isinstance(key, int) else ("slug", key)


def id_or_slug(model: Any, key: int | str) -> ColumnElement[bool]:
    """Match a row by id (an int, or a string of ASCII digits) or else by slug."""
    column, value = key_of(key)
    match: ColumnElement[bool] = getattr(model, column) == value
    return match


async def free_slug(session: AsyncSession, column: Any, wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``, ... : the first slug no row of ``column`` has,
    within the column's length (a long ``wanted`` loses its end to make room for the number)."""
    limit = getattr(column.type, "length", None)
    stem = wanted
    if limit is not None and len(wanted) > limit - 8:  # room for "-" and 7 digits
        stem = wanted[: limit - 8].rstrip("-_.")
    taken = set(
        await session.scalars(
            select(column).where(
                (column == wanted) | column.startswith(f"{stem}-", autoescape=True)
            )
        )
    )
    slug, number = wanted, 2
    while slug in taken:
        slug, number = f"{stem}-{number}", number + 1
    return slug


def where_given(query: SelectT, *filters: tuple[Any, Any]) -> SelectT:
    """``query`` kept to the rows whose column equals the value, for each (column, value) whose
    value the client gave (not None)."""
    for column, value in filters:
        if value is not None:
            query = query.where(column == value)
    return query


def _described(key: int | str) -> str:
    return f"id {key}" if isinstance(key, int) else f"slug {key!r}"


def count_of(query: AnySelect) -> Select[int]:
    """How many rows ``query`` returns, counting its first entity's primary key."""
    entity = query.column_descriptions[0].get("entity") if query.column_descriptions else None
    if entity is not None:
        query = query.with_only_columns(inspect(entity).primary_key[0], maintain_column_froms=True)
    return select(func.count()).select_from(query.order_by(None).subquery())


_PAGES: WeakKeyDictionary[AnySelect, AnySelect] = WeakKeyDictionary()
_BY_KEY: WeakKeyDictionary[AnySelect, dict[str, AnySelect]] = WeakKeyDictionary()
FRESH = {"populate_existing": True}


def paged(query: AnySelect) -> AnySelect:
    """``query`` (its view statement, if it has one) with the total as a last column and the
    window as parameters ``page_limit`` and ``page_offset``; made once per query object."""
    statement = _PAGES.get(query)
    if statement is None:
        view = view_of(query)
        total = count_of(query).correlate(None).scalar_subquery()
        statement = _PAGES[query] = (
            (query if view is None else view.statement)
            .add_columns(total)
            .limit(bindparam("page_limit", type_=BigInteger))
            .offset(bindparam("page_offset", type_=BigInteger))
        )
    return statement


def by_key(query: AnySelect, model: Any, column: str) -> AnySelect:
    """``query`` narrowed to the rows whose ``column`` (``id`` or ``slug``) is the parameter
    ``key``; made once per query object and column."""
    statements = _BY_KEY.setdefault(query, {})
    statement = statements.get(column)
    if statement is None:
        statement = statements[column] = query.where(getattr(model, column) == bindparam("key"))
    return statement


async def views(
    database: Database, view: ViewStatement, statement: AnySelect, params: dict[str, Any]
) -> tuple[list[Any], Sequence[Row[Any]]]:
    """Run a view statement on the request's connection: the views of its rows, and the rows."""
    connection = await database.connection()
    rows = (await connection.execute(statement, params)).all()
    found = [view.build(row) for row in rows]
    if view.collections and found:
        await view.fill(connection, found)
    return found, rows


async def answered(
    database: Database,
    query: AnySelect,
    params: dict[str, Any],
    statement: AnySelect | None = None,
) -> list[Any]:
    """The rows of ``query`` to answer with: views where its model has them (``core.views``),
    else its entities. ``statement`` is the form of ``query`` to run, if not ``query`` itself
    (or its view statement): made from the view statement where there is one."""
    view = view_of(query)
    if view is None:
        ran = query if statement is None else statement
        return list((await database.session.scalars(ran, params)).unique())
    ran = view.statement if statement is None else statement
    return (await views(database, view, ran, params))[0]


async def page_of(database: Database, query: AnySelect, window: Window) -> tuple[list[Any], int]:
    """One window of ``query`` and its total, in one statement: views of a model's rows when it
    has them (``core.views``), else its first column (entities, or values). Only a window past
    the end, which has no row to carry the total, takes a second statement (a count)."""
    params = {"page_limit": window.limit, "page_offset": window.offset}
    view = view_of(query)
    if view is not None:
        items, rows = await views(database, view, paged(query), params)
    else:
        rows = (await database.session.execute(paged(query), params)).unique().all()
        items = [row[0] for row in rows]
    if rows:
        return items, rows[0][-1]
    total = await database.session.scalar(count_of(query)) if window.offset else 0
    return [], total or 0


_GROUPED: WeakKeyDictionary[AnySelect, dict[Any, tuple[AnySelect, ...]]] = WeakKeyDictionary()


def window_of_groups(
    groups: Iterable[tuple[Any, int]], window: Window
) -> tuple[list[Any], int, int]:
    """Which groups (key, number of rows, in list order) a window of the list spans, how many
    rows of the first to skip, and the list's total."""
    span: list[Any] = []
    skip = total = 0
    end = window.offset + window.limit
    for key, count in groups:
        if count and total + count > window.offset and total < end:
            if not span:
                skip = window.offset - total
            span.append(key)
        total += count
    return span, skip, total


FEW_GROUPS = 3  # a window spanning at most this many groups reads them one at a time


def _in_groups(query: AnySelect, group: Any, within: tuple[Any, ...]) -> tuple[AnySelect, ...]:
    """The statements of :func:`page_in_groups` for ``query``, made once: the rows of one
    group in their order within it (parameter ``page_group``), and of several groups in the
    list's order (``page_groups``); each with ``page_limit`` and ``page_offset``."""
    statements = _GROUPED.setdefault(query, {})
    made = statements.get((group, within))
    if made is None:
        view = view_of(query)
        base = query if view is None else view.statement
        window = (
            bindparam("page_limit", type_=BigInteger),
            bindparam("page_offset", type_=BigInteger),
        )
        one = base.where(group == bindparam("page_group")).order_by(None).order_by(*within)
        several = base.where(group.in_(bindparam("page_groups", expanding=True)))
        made = statements[group, within] = tuple(
            statement.limit(window[0]).offset(window[1]) for statement in (one, several)
        )
    return made


async def page_in_groups(
    database: Database,
    query: AnySelect,
    window: Window,
    group: Any,
    groups: Iterable[tuple[Any, int]],
    within: tuple[Any, ...],
) -> tuple[list[Any], int]:
    """One window of ``query`` and its total, like :func:`page_of`, for a list whose order
    keeps the rows of one group together (a release's files), the groups in the order of
    ``groups``: (value of the ``group`` column, how many rows ``query`` has in it), and the
    rows of a group in the order of ``within``.

    The counts say which groups the window spans and how far into the first it starts, so
    the statements read only those groups' rows, however deep the window: a page at offset
    900,000 of a million files costs what the first page costs. A window within a few groups
    reads them one by one, in ``within`` order, which an index on ``(group, *within)`` gives
    without sorting; one across more (small) groups reads them together."""
    span, skip, total = window_of_groups(groups, window)
    if not span:
        return [], total
    one, several = _in_groups(query, group, within)
    if len(span) > FEW_GROUPS:
        params = {"page_groups": span, "page_limit": window.limit, "page_offset": skip}
        return await answered(database, query, params, several), total
    items: list[Any] = []
    for key in span:
        params = {"page_group": key, "page_limit": window.limit - len(items), "page_offset": skip}
        items += await answered(database, query, params, one)
        skip = 0
    return items, total


@cache
def every(model: type[M]) -> Select[M]:
    """``select(model)``, one object per model, so that what is derived from it is made once."""
    return select(model)


@cache
def _by_ids(model: type[M]) -> Select[M]:
    column: Any = model.id  # type: ignore[attr-defined]
    return select(model).where(column.in_(bindparam("ids", expanding=True)))


class Repository(Generic[M]):
    """Rows of one model, as the caller may see them (``query`` carries the visibility)."""

    def __init__(self, database: Database, model: type[M], query: Select[M] | None = None) -> None:
        self.database = database
        self.model = model
        self.query = every(model) if query is None else query
        self.noun = noun(model)

    @property
    def session(self) -> AsyncSession:
        return self.database.session

    async def find(self, key: int | str, *, fresh: bool = False) -> M | None:
        column, value = key_of(key)
        row: M | None = await self.session.scalar(
            by_key(self.query, self.model, column),
            {"key": value},
            execution_options=FRESH if fresh else {},
        )
        return row

    async def get(self, key: int | str, *, fresh: bool = False) -> M:
        """The row with this id or slug, or 404."""
        row = await self.find(key, fresh=fresh)
        if row is None:
            raise NotFoundError(f"No {self.noun} with {_described(key)}.")
        return row

    async def first(self, query: AnySelect, params: dict[str, Any] | None = None) -> M | None:
        """The first row of ``query`` to answer with: its view if the model has views, else
        its entity (typed as the model: a view has the same attributes to read)."""
        found = await answered(self.database, query, params or {})
        return cast(M | None, found[0] if found else None)

    async def view(self, key: int | str) -> M:
        """The row with this id or slug to answer with (see :meth:`first`), or 404."""
        column, value = key_of(key)
        row = await self.first(by_key(self.query, self.model, column), {"key": value})
        if row is None:
            raise NotFoundError(f"No {self.noun} with {_described(key)}.")
        return row

    async def in_order(self, ids: Sequence[int]) -> list[M]:
        """The rows with these ids to answer with (see :meth:`first`), in the order of ``ids``
        (one found by a list query of ids, then read whole)."""
        if not ids:
            return []
        found = await answered(self.database, _by_ids(self.model), {"ids": list(ids)})
        by_id = {row.id: row for row in found}
        return [by_id[i] for i in ids if i in by_id]

    async def page(self, window: Window, query: Select[M] | None = None) -> tuple[list[M], int]:
        """A window of rows to answer with (views where the model has them, see
        :meth:`first`) and the total."""
        return await page_of(self.database, self.query if query is None else query, window)

    async def count(self, *where: ColumnElement[bool]) -> int:
        return (
            await self.session.scalar(select(func.count()).select_from(self.model).where(*where))
            or 0
        )

    async def reference(self, key: int, *, field: str) -> M:
        """The row a request body refers to by id in ``field``, or 422 naming the field."""
        row = await self.session.get(self.model, key)
        if row is None:
            raise FieldError(field, f"no {self.noun} with id {key}", code=DOES_NOT_EXIST)
        return row

    async def references(self, keys: Sequence[int], *, field: str) -> list[M]:
        """The rows of a list of ids, in its order without repeats; 422 naming any missing."""
        if not keys:
            return []
        column: Any = self.model.id  # type: ignore[attr-defined]
        rows = await self.session.scalars(select(self.model).where(column.in_(keys)))
        found: dict[int, M] = {row.id: row for row in rows}  # type: ignore[attr-defined]
        missing = [key for key in keys if key not in found]
        if missing:
            raise FieldError(field, f"no {self.noun} with id {missing[0]}", code=DOES_NOT_EXIST)
        return [found[key] for key in dict.fromkeys(keys)]

    async def check_unique(
        self, values: Mapping[str, Any], fields: Iterable[str], *, current: M | None = None
    ) -> None:
        """422 naming the first of ``fields`` whose new value another row already has."""
        for field in fields:
            if field not in values or (
                current is not None and getattr(current, field) == values[field]
            ):
                continue
            column = getattr(self.model, field)
            taken = await self.session.scalar(
                select(column).where(column == values[field]).limit(1)
            )
            if taken is not None:
                raise FieldError(
                    field,
                    f"{article(self.noun)} with {field} {values[field]!r} already exists",
                    code=UNIQUE,
                )


class in_byte_order(ColumnElement[str]):
    """A text column compared by its bytes (code points), the same on every engine:
    ``order_by(in_byte_order(Release.name))``. SQLite compares text so by default; PostgreSQL
    by the database's collation, where ``en_US`` sorts "Python 3.10.0" before "Python 3.1.5"
    (it skips punctuation), so there it says ``COLLATE "C"``."""

    inherit_cache = True

    def __init__(self, column: ColumnElement[str] | Any) -> None:
        self.column = column
        self.type = column.type


@compiles(in_byte_order)
def _in_byte_order(element: in_byte_order, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(in_byte_order, "postgresql")
def _in_byte_order_postgresql(element: in_byte_order, compiler: Any, **kw: Any) -> str:
    return f'{compiler.process(element.column, **kw)} COLLATE "C"'
