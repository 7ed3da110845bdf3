"""Creating the async engine and sessions for the configured database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from pydotorg.db.sqlite import connector
from pydotorg.db.versioning import install_version_tracking


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _ensure_sqlite_dir(database_url: str) -> None:
    database = make_url(database_url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(database_url: str, *, pool: bool = True) -> AsyncEngine:
    """An engine with SQLite's WAL and foreign keys switched on (on connections that take one
    trip to aiosqlite's thread per statement, ``db/sqlite.py``), or an asyncpg pool."""
    kwargs: dict[str, Any] = {}
    if database_url.startswith("sqlite"):
        _ensure_sqlite_dir(database_url)
        kwargs["async_creator"] = connector(make_url(database_url))
        if not pool:
            kwargs["poolclass"] = NullPool
    elif pool:
        kwargs.update(pool_size=10, max_overflow=10, pool_recycle=1800)
    else:
        kwargs["poolclass"] = NullPool
    engine = create_async_engine(database_url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def create_sessionmaker(
    engine: AsyncEngine, info: dict[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    install_version_tracking()
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, info=info)
