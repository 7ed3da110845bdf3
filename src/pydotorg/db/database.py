"""The database as the web app serves with it: one :class:`Database` per request, and what a
failed write means to the client (and to the log).

A request's :class:`Database` opens nothing until a service needs it, then one pooled
connection: views (``core.views``) are read on it directly, and the ORM session, made on first
use, is bound to it and owns its transaction (it commits; closing rolls back the rest). A
request that only reads views never makes a session, whose bookkeeping costs more than the
query (``bench/README.md``). :class:`DatabaseMiddleware` closes it after the response, whatever
happened. The kit in ``core`` knows it only as what it reads and writes on
(``core.queries.Database``) and gets it from the app's state (``database_of``, which the
serving lifespan puts there, ``db/serving.py``): the kernel imports nothing of ``db``.

A value that must be unique is checked before writing (``Repository.check_unique``), but a
concurrent request can take it between the check and the commit; the database's unique
constraint then refuses the write. That answer must not depend on who won the race, nor on the
engine: :func:`conflict_of` turns the refusal into the same 422 naming the field. The field is
read from the schema itself (:func:`unique_fields`, over the metadata the session names), by
the name each engine reports for the constraint, so no service or call site ever asks which
engine is live.

When the database cannot answer (the server is down or restarting, the SQLite file cannot be
opened, every connection is busy), the request is not the client's fault nor a bug: it answers
503 with ``Retry-After`` (:func:`unavailable` tells which errors mean that; any other database
error stays a 500). The serving engine (one per process, ``db/serving.py``) never creates a
SQLite file that vanished, and a connection
lost is replaced on the next request, so the service recovers without a restart. ``/ready``
asks the database on a connection of its own (:class:`ReadinessProbe`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from functools import cache
from typing import Any

from litestar.datastructures import State
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import Column, Index, MetaData, UniqueConstraint, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.visitors import iterate

from pydotorg.core.exceptions import (
    ConflictError,
    DatabaseUnavailableError,
    DomainError,
    DuplicateError,
    FieldError,
)

# What the drivers report for a unique violation: PostgreSQL's SQLSTATE (asyncpg also gives the
# constraint's name), SQLite's extended result codes (its message names the index, or the
# columns of a constraint declared on columns: "UNIQUE constraint failed: users.email").
POSTGRESQL_UNIQUE_VIOLATION = "23505"
SQLITE_UNIQUE_VIOLATIONS = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})
SQLITE_UNIQUE_MESSAGE = "UNIQUE constraint failed: "

# What the drivers report when the database cannot do the work now, whatever the statement:
# PostgreSQL's SQLSTATE classes 08 (connection exception), 53 (insufficient resources) and 57
# (operator intervention: shutting down, not yet accepting connections, statement cancelled);
# SQLite's result codes for a file it cannot open, read or write, or a lock it could not take
# within its busy timeout. Everything else (a syntax error, a missing table) is a bug: 500.
POSTGRESQL_UNAVAILABLE_CLASSES = frozenset({"08", "53", "57"})
SQLITE_UNAVAILABLE = (
    "SQLITE_CANTOPEN",
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_IOERR",
    "SQLITE_FULL",
    "SQLITE_READONLY",
    "SQLITE_NOTADB",
    "SQLITE_CORRUPT",
)

logger = logging.getLogger("pydotorg.database")


def write_conflict(error: BaseException) -> bool:
    """Whether ``error`` is SQLite refusing a write because another connection wrote since this
    transaction read (``SQLITE_BUSY_SNAPSHOT``): a conflict to retry, not an outage."""
    driver = getattr(error, "orig", None)
    return getattr(driver, "sqlite_errorname", None) == "SQLITE_BUSY_SNAPSHOT"


def conflict_of_writes() -> ConflictError:
    return ConflictError("The change conflicts with a concurrent change; try again.")


def unavailable(error: BaseException) -> DatabaseUnavailableError | None:
    """The 503 that ``error`` means, if it says the database cannot work now, else None."""
    if isinstance(error, DatabaseUnavailableError):
        return error
    if isinstance(error, PoolTimeoutError):  # every pooled connection busy for pool_timeout
        return _unavailable_from(error)
    if not isinstance(error, DBAPIError):
        return None
    driver = error.orig
    sqlstate = str(getattr(driver, "sqlstate", None) or "")
    errorname = str(getattr(driver, "sqlite_errorname", None) or "")
    if (
        error.connection_invalidated
        or sqlstate[:2] in POSTGRESQL_UNAVAILABLE_CLASSES
        or errorname.startswith(SQLITE_UNAVAILABLE)
    ):
        return _unavailable_from(error)
    return None


def _unavailable_from(error: BaseException) -> DatabaseUnavailableError:
    refusal = DatabaseUnavailableError()
    refusal.__cause__ = error
    return refusal


class OutageLog:
    """Logs why the database is unavailable at most once per ``every`` seconds, with how many
    requests were refused meanwhile, so that an outage under load does not flood the log."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self._next = 0.0
        self._refused = 0

    def refused(self, error: DatabaseUnavailableError) -> None:
        self._refused += 1
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self.every
        cause = error.__cause__ or error
        logger.warning(
            "database unavailable, answering 503 (%d request(s) since the last report): %s",
            self._refused,
            describe_cause(cause),
        )
        self._refused = 0


OUTAGES = OutageLog()


def describe_cause(error: BaseException) -> str:
    """The error's class and driver code, and the driver's message only where it cannot hold
    a value from a statement (a connection that could not be made)."""
    if isinstance(error, DBAPIError):
        return str(loggable(error))
    return f"{type(error).__name__}: {error}"


class ReadinessProbe:
    """Whether the database answers now, asked on a new connection (a pooled one can outlive
    the file or server it was opened on), at most once per ``ttl`` seconds however often
    ``/ready`` is called; callers meanwhile share the last answer or the probe in flight."""

    TIMEOUT = 3.0

    def __init__(self, engine: AsyncEngine, ttl: float = 1.0) -> None:
        self.engine = engine
        self.ttl = ttl
        self._checked_at = -ttl
        self._error: BaseException | None = None
        self._running: asyncio.Task[BaseException | None] | None = None

    async def check(self) -> BaseException | None:
        """None if the database answered, else why it did not."""
        if time.monotonic() - self._checked_at < self.ttl:
            return self._error
        if self._running is None:
            self._running = asyncio.ensure_future(self._probe())
        running = self._running
        error = await asyncio.shield(running)
        if self._running is running:
            self._running = None
            self._error, self._checked_at = error, time.monotonic()
        return error

    async def _probe(self) -> BaseException | None:
        try:
            async with asyncio.timeout(self.TIMEOUT), self.engine.connect() as connection:
                # Reads the schema's own table: the file or database is there and migrated.
                await connection.execute(text("SELECT version_num FROM alembic_version"))
        except Exception as exc:
            return exc.__cause__ if isinstance(exc, DatabaseUnavailableError) else exc
        return None


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

    async def commit(self) -> None:
        """Commit the session; a constraint that a concurrent write broke becomes a 422 or a
        409 (:func:`commit_or_conflict`)."""
        await commit_or_conflict(self.session)

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


SCHEMA_KEY = "schema"
"""Where a session's ``info`` holds the metadata of the tables it writes (the sessionmaker puts
it there, ``db.engine.create_sessionmaker``): the unique constraints :func:`conflict_of` names."""


def schema_of(session: AsyncSession) -> MetaData | None:
    """The metadata of the tables ``session`` writes, if its sessionmaker named it."""
    schema: MetaData | None = session.info.get(SCHEMA_KEY)
    return schema


async def commit_or_conflict(session: AsyncSession) -> None:
    """Commit; a constraint that a concurrent write broke becomes a 422 or a 409, never a 500."""
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise conflict_of(exc, schema_of(session)) from exc


def conflict_of(error: IntegrityError, schema: MetaData | None) -> DomainError:
    """What a write the database refused means to the client.

    A unique value already taken is a 422 naming the field (or naming none, for a constraint
    over several columns, or one ``schema`` does not hold); any other constraint a concurrent
    write broke (a referenced row deleted meanwhile) is a 409: the request may succeed if sent
    again.
    """
    constraint = unique_violation(error)
    if constraint is None:
        return conflict_of_writes()
    field = None if schema is None else unique_fields(schema).get(constraint)
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


def unique_fields(schema: MetaData) -> dict[str, str | None]:
    """Every unique constraint and unique index of ``schema``, by each name an engine reports
    for it, to the one column it keeps unique (None for a constraint over several columns).

    The names are the constraint's or index's own (PostgreSQL always, SQLite for indexes) and,
    for a constraint declared on columns, SQLite's ``table.column[, table.column]``. An index on
    an expression, such as ``lower(username)``, keeps the column it reads unique. Read once per
    schema and number of tables (a domain's models imported later add theirs).
    """
    return _unique_fields(schema, len(schema.tables))


@cache
def _unique_fields(schema: MetaData, _tables: int) -> dict[str, str | None]:
    fields: dict[str, str | None] = {}
    for table in schema.tables.values():
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
