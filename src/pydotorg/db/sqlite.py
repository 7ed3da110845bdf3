"""aiosqlite with one trip to its thread per statement, and none to end a transaction that
never began.

aiosqlite runs each sqlite3 call on the connection's own thread and wakes the event loop with
the result: a trip that costs about 35 µs of CPU, several times what SQLite needs for a small
query. SQLAlchemy's adapter makes four of them per statement (open a cursor, execute, fetch,
close), and one per commit or rollback, even when there is nothing to end: sqlite3 only opens a
transaction before a write, so a read's session ends with two rollbacks of nothing (its own and
the pool's reset). This connection runs a statement's four steps in one trip and skips the
commit or rollback when sqlite3 has no transaction open, which is what sqlite3 itself would do
on the thread (``in_transaction`` is read directly; nothing else uses the connection while
SQLAlchemy waits on it). Everything else is aiosqlite's, under SQLAlchemy's own adapter.
aiosqlite has no public way to run a function on its thread, so :class:`Cursor` and
:func:`connector` use three of its private names (``_execute``, ``_conn``, ``_thread``, as
SQLAlchemy's adapter itself uses ``_conn`` and ``_tx``): ``pyproject.toml`` bounds aiosqlite
below its next minor version, and ``tests/db/test_sqlite.py`` fails if the names go.
``bench/README.md`` (``bench/uncached.sh``) has the figures.

A pooled connection keeps the file it opened, whatever happens to the path: a file deleted or
replaced (a backup copied back) would go on taking its writes, lost at the next restart.
:func:`follow_the_path` makes the serving engine compare, on every checkout, the file the
connection opened with the file the path names now (device and inode); when they differ, the
pool drops every connection it holds and opens a new one on the path, or none (a 503) when
there is no file there.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import URL, Engine, event
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.exc import InvalidatePoolError


class Cursor:
    """A cursor whose ``execute`` also fetches every row and closes the sqlite3 cursor, in one
    trip; the fetch methods then read the rows it kept."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self._next = 0
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    def _run(self, method: str, sql: str, parameters: Any) -> None:
        self.description = None
        cursor = self._connection._conn.cursor()
        try:
            getattr(cursor, method)(sql, parameters)
            self.description = cursor.description
            self._rows = cursor.fetchall() if cursor.description else []
            self._next = 0
            self.rowcount = cursor.rowcount
            self.lastrowid = cursor.lastrowid
        finally:
            cursor.close()

    async def execute(self, sql: str, parameters: Any = None) -> Cursor:
        await self._connection._execute(self._run, "execute", sql, parameters or ())  # type: ignore[no-untyped-call]
        return self

    async def executemany(self, sql: str, parameters: Any) -> Cursor:
        await self._connection._execute(self._run, "executemany", sql, parameters)  # type: ignore[no-untyped-call]
        return self

    def _take(self, count: int) -> list[Any]:
        rows = self._rows[self._next : self._next + count]
        self._next += len(rows)
        return rows

    async def fetchone(self) -> Any:
        rows = self._take(1)
        return rows[0] if rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        return self._take(size or self.arraysize)

    async def fetchall(self) -> Sequence[Any]:
        return self._take(len(self._rows))

    async def close(self) -> None:
        self._rows = []


class Connection(aiosqlite.Connection):
    """An aiosqlite connection with :class:`Cursor` and no trip for an idle commit or rollback."""

    def cursor(self) -> Cursor:  # type: ignore[override]
        return Cursor(self)

    async def commit(self) -> None:
        if self.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        if self.in_transaction:
            await super().rollback()


def connector(url: URL, *, must_exist: bool = False) -> Any:
    """The ``async_creator`` of an engine on ``url``: the arguments SQLAlchemy's aiosqlite
    dialect would pass to sqlite3 (``check_same_thread=False`` for a file), on a
    :class:`Connection`. With ``must_exist``, a file is opened read-write but never created
    (``SQLITE_CANTOPEN`` if it is gone)."""
    args, kwargs = SQLiteDialect_aiosqlite().create_connect_args(url)
    name = str(args[0]) if args else ""
    if must_exist and not kwargs.get("uri") and name and name != ":memory:":
        args = [Path(name).resolve().as_uri() + "?mode=rw", *args[1:]]
        kwargs = {**kwargs, "uri": True}

    async def connect() -> Connection:
        connection = Connection(partial(sqlite3.connect, *args, **kwargs), 64)
        connection._thread.daemon = True  # as SQLAlchemy sets it on aiosqlite's own
        try:
            await connection
        except BaseException:
            # aiosqlite stops its thread, which answers on this loop: wait (briefly) for it to
            # end, so that it never answers a loop that has closed meanwhile.
            for _ in range(100):
                if not connection._thread.is_alive():
                    break
                await asyncio.sleep(0.001)
            raise
        return connection

    return connect


FILE_KEY = "sqlite_file"


def file_identity(path: Path) -> tuple[int, int] | None:
    """The device and inode of the file at ``path`` now, or None if there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def follow_the_path(engine: Engine, path: Path) -> None:
    """Never hand out a connection to a file that ``path`` no longer names.

    A connection notes the file's identity when it opens; at checkout a different identity (or
    no file) invalidates the whole pool, and the pool opens a new connection on the path (which
    fails, with ``SQLITE_CANTOPEN``, if no file is there: the request's 503)."""

    def opened(_dbapi_connection: Any, record: Any) -> None:
        record.info[FILE_KEY] = file_identity(path)

    def checked_out(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        now = file_identity(path)
        if now is None or record.info.get(FILE_KEY) != now:
            raise InvalidatePoolError(f"{path} is no longer the file this connection opened")

    event.listen(engine, "connect", opened)
    event.listen(engine, "checkout", checked_out)
