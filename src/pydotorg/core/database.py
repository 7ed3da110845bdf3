"""The database as the web app sees it: one engine per process, one :class:`Database` per
request, and what a failed write means to the client (and to the log).

A request's :class:`Database` opens nothing until a service needs it, then one pooled
connection: views (``core.views``) are read on it directly, and the ORM session, made on first
use, is bound to it and owns its transaction (it commits; closing rolls back the rest). A
request that only reads views never makes a session, whose bookkeeping costs more than the
query (``bench/README.md``). :class:`DatabaseMiddleware` closes it after the response, whatever
happened.

A value that must be unique is checked before writing (``Repository.check_unique``), but a
concurrent request can take it between the check and the commit; the database's unique
constraint then refuses the write. That answer must not depend on who won the race, nor on the
engine: :func:`conflict_of` turns the refusal into the same 422 naming the field. The field is
read from the schema itself (:func:`unique_fields`), by the name each engine reports for the
constraint, so no service or call site ever asks which engine is live.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import Column, Index, UniqueConstraint
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.visitors import iterate

from pydotorg.core.exceptions import ConflictError, DomainError, DuplicateError, FieldError
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.settings import Settings

# What the drivers report for a unique violation: PostgreSQL's SQLSTATE (asyncpg also gives the
# constraint's name), SQLite's extended result codes (its message names the index, or the
# columns of a constraint declared on columns: "UNIQUE constraint failed: users.email").
POSTGRESQL_UNIQUE_VIOLATION = "23505"
SQLITE_UNIQUE_VIOLATIONS = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})
SQLITE_UNIQUE_MESSAGE = "UNIQUE constraint failed: "


def database_lifespan(settings: Settings, *closables: Any) -> Any:
    """Open the engine at start-up; at shutdown close it and anything else given (a Redis store)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        engine = create_engine(settings.database_url)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(
            engine, info={"response_cache": app.state.get("response_cache")}
        )
        try:
            yield
        finally:
            await engine.dispose()
            for closable in closables:
                close = getattr(closable, "aclose", None)
                if close is not None:
                    await close()

    return lifespan


def sessionmaker_from(state: State) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = state.sessionmaker
    return maker


class Database:
    """One request's access to the database: a connection and a session, each made on first
    use, the session on the connection if that came first."""

    def __init__(self, maker: async_sessionmaker[AsyncSession], engine: AsyncEngine) -> None:
        self._maker = maker
        self._engine = engine
        self._session: AsyncSession | None = None
        self._connection: AsyncConnection | None = None

    @property
    def session(self) -> AsyncSession:
        """The ORM session; services commit its transaction, closing rolls back the rest."""
        if self._session is None:
            if self._connection is None:
                self._session = self._maker()
            else:
                self._session = self._maker(
                    bind=self._connection, join_transaction_mode="control_fully"
                )
        return self._session

    async def connection(self) -> AsyncConnection:
        """The connection to read views on: the session's, once there is a session."""
        if self._session is not None:
            return await self._session.connection()
        if self._connection is None:
            self._connection = await self._engine.connect()
        return self._connection

    async def close(self) -> None:
        """Roll back what was not committed and give the connection back to the pool; run to
        the end even if the request is cancelled meanwhile."""
        if self._session is None and self._connection is None:
            return
        task = asyncio.ensure_future(self._close())
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            await task
            raise

    async def _close(self) -> None:
        try:
            if self._session is not None:
                await self._session.close()
        finally:
            if self._connection is not None:
                await self._connection.close()


DATABASE_KEY = "database"


def database_of(scope: Scope) -> Database:
    """The request's :class:`Database`, made on first use."""
    state = scope["state"]
    database: Database | None = state.get(DATABASE_KEY)
    if database is None:
        app_state = scope["app"].state
        database = state[DATABASE_KEY] = Database(sessionmaker_from(app_state), app_state.engine)
    return database


class DatabaseMiddleware:
    """Closes the request's :class:`Database`, if it made one, after the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            database: Database | None = scope.get("state", {}).pop(DATABASE_KEY, None)
            if database is not None:
                await database.close()


async def commit_or_conflict(session: AsyncSession) -> None:
    """Commit; a constraint that a concurrent write broke becomes a 422 or a 409, never a 500."""
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise conflict_of(exc) from exc


def conflict_of(error: IntegrityError) -> DomainError:
    """What a write the database refused means to the client.

    A unique value already taken is a 422 naming the field (or naming none, for a constraint
    over several columns); any other constraint a concurrent write broke (a referenced row
    deleted meanwhile) is a 409: the request may succeed if sent again.
    """
    constraint = unique_violation(error)
    if constraint is None:
        return ConflictError("The change conflicts with a concurrent change; try again.")
    field = unique_fields().get(constraint)
    if field is None:
        return DuplicateError("A value that must be unique is already taken.")
    return FieldError(field, "is already taken")


def unique_violation(error: IntegrityError) -> str | None:
    """The unique constraint ``error`` reports, as the engine names it (see
    :func:`unique_fields`), or None if ``error`` is about another kind of constraint."""
    driver = error.driver_exception
    if getattr(driver, "sqlstate", None) == POSTGRESQL_UNIQUE_VIOLATION:
        return str(getattr(driver, "constraint_name", None) or "")
    if getattr(driver, "sqlite_errorname", None) in SQLITE_UNIQUE_VIOLATIONS:
        named = str(driver).removeprefix(SQLITE_UNIQUE_MESSAGE)
        return named.removeprefix("index '").removesuffix("'")
    return None


@cache
def unique_fields() -> dict[str, str | None]:
    """Every unique constraint and unique index of the schema, by each name an engine reports
    for it, to the one column it keeps unique (None for a constraint over several columns).

    The names are the constraint's or index's own (PostgreSQL always, SQLite for indexes) and,
    for a constraint declared on columns, SQLite's ``table.column[, table.column]``. An index on
    an expression, such as ``lower(username)``, keeps the column it reads unique.
    """
    from pydotorg.db.models import metadata  # every domain's tables; loaded on first conflict

    fields: dict[str, str | None] = {}
    for table in metadata.tables.values():
        unique: list[UniqueConstraint | Index] = [
            *(c for c in table.constraints if isinstance(c, UniqueConstraint)),
            *(index for index in table.indexes if index.unique),
        ]
        for item in unique:
            columns = _columns_of(item)
            field = columns[0].name if len(columns) == 1 else None
            if isinstance(item.name, str):
                fields[item.name] = field
            if isinstance(item, UniqueConstraint):
                fields[", ".join(f"{table.name}.{column.name}" for column in columns)] = field
    return fields


def _columns_of(item: UniqueConstraint | Index) -> list[Column[Any]]:
    """The columns a constraint or index reads, in order, also inside expressions."""
    expressions = item.expressions if isinstance(item, Index) else list(item.columns)
    found: dict[Column[Any], None] = {}
    for expression in expressions:
        if isinstance(expression, ClauseElement):
            found.update(dict.fromkeys(c for c in iterate(expression) if isinstance(c, Column)))
    return list(found)


def loggable(error: BaseException) -> BaseException:
    """``error`` as the log may show it: a database error without any value it was about.

    The engine hides the bound parameters of a statement (``hide_parameters``), but the
    driver's own message can quote them too (PostgreSQL's DETAIL lists the offending row). A
    database error is logged as the driver's error class and code and the statement with its
    placeholders, with the traceback of where it happened, and nothing else.
    """
    if not isinstance(error, DBAPIError):
        return error
    driver = error.orig
    code = getattr(driver, "sqlstate", None) or getattr(driver, "sqlite_errorname", None)
    shown = DatabaseError(
        f"{type(error).__name__}: {type(driver).__name__} ({code or 'no code'}) "
        f"in [SQL: {error.statement}]"
    )
    return shown.with_traceback(error.__traceback__)


class DatabaseError(Exception):
    """A database error as the log shows it (see :func:`loggable`)."""
