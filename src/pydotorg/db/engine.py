"""Creating the async engine and sessions for the configured database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool, Pool

from pydotorg.db.base import Base
from pydotorg.db.database import SCHEMA_KEY
from pydotorg.db.sqlite import connector, follow_the_path
from pydotorg.db.versioning import install_version_tracking

T = TypeVar("T")


# SQLite reads the file through a memory map of up to this many bytes (address space, shared
# with the OS page cache): with only its own page cache (2 MB a connection by default) a search
# reading a thousand rows of a 370 MB database spent half its time copying pages in
# (bench/README.md, "Fourth pass").
MMAP_SIZE = 1 << 30


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA mmap_size={MMAP_SIZE}")
    cursor.close()


def _sqlite_file(database_url: str) -> Path | None:
    database = make_url(database_url).database
    return Path(database) if database and database != ":memory:" else None


# Seconds to open a PostgreSQL connection before giving up (asyncpg's default is 60).
CONNECT_TIMEOUT = 5


def create_engine(
    database_url: str,
    *,
    pool: bool = True,
    must_exist: bool = False,
    pool_size: int = 10,
    pool_timeout: float = 3.0,
    pool_class: type[Pool] | None = None,
) -> AsyncEngine:
    """An engine with SQLite's WAL and foreign keys switched on (on connections that take one
    trip to aiosqlite's thread per statement, ``db/sqlite.py``), or an asyncpg pool.

    A SQLite file gets a pool of ``pool_size`` connections (10) and no overflow: SQLAlchemy's
    default (5, and 10 more that are closed as soon as they are returned) opened a new
    connection, a thread and its pragmas, for about one request in seven under load
    (``bench/README.md``); PostgreSQL keeps ``pool_size`` and opens as many again under load.
    A request waits at most ``pool_timeout`` seconds for a pooled connection (SQLAlchemy's
    default is 30), then the pool raises its ``TimeoutError``, which is a 503. With
    ``must_exist`` (the serving engine) a SQLite file that is not there is an error, not a new
    empty database, and a connection whose file the path no longer names is never used again
    (``db/sqlite.py``). A pool of connections is a ``pool_class`` if one is given."""
    kwargs: dict[str, Any] = {}
    pooled = {} if pool_class is None else {"poolclass": pool_class}
    path = None
    if database_url.startswith("sqlite"):
        path = _sqlite_file(database_url)
        if path is not None and not must_exist:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs["async_creator"] = connector(make_url(database_url), must_exist=must_exist)
        if not pool:
            kwargs["poolclass"] = NullPool
        elif path is not None:
            kwargs.update(pooled, pool_size=pool_size, max_overflow=0, pool_timeout=pool_timeout)
    else:
        kwargs["connect_args"] = {"timeout": CONNECT_TIMEOUT}
        if pool:
            kwargs.update(
                pooled,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_recycle=1800,
                pool_timeout=pool_timeout,
            )
        else:
            kwargs["poolclass"] = NullPool
    engine = create_async_engine(database_url, hide_parameters=True, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if must_exist and path is not None:
            follow_the_path(engine.sync_engine, path.resolve())
    return engine


def create_sessionmaker(
    engine: AsyncEngine, info: dict[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep the data versions (``db/versioning.py``) and know the metadata of
    every model imported (``Base.metadata``), whose unique constraints a refused write names
    (``db.database.conflict_of``)."""
    install_version_tracking()
    info = {SCHEMA_KEY: Base.metadata, **(info or {})}
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, info=info)


@asynccontextmanager
async def command_session(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session for a command that runs once (``pydotorg import``, ``seed``, ``sync``): on an
    engine of its own, without a pool, disposed of when the session ends."""
    engine = create_engine(database_url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()


def run_in_session(database_url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` on a :func:`command_session`, in an event loop of its own."""

    async def run() -> T:
        async with command_session(database_url) as session:
            return await work(session)

    return asyncio.run(run())
