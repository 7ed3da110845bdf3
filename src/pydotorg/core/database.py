"""The database as the web app sees it: one engine per process, one :class:`Database` per
request.

A request's :class:`Database` opens nothing until a service needs it, then one pooled
connection: views (``core.views``) are read on it directly, and the ORM session, made on first
use, is bound to it and owns its transaction (it commits; closing rolls back the rest). A
request that only reads views never makes a session, whose bookkeeping costs more than the
query (``bench/README.md``). :class:`DatabaseMiddleware` closes it after the response, whatever
happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from pydotorg.core.exceptions import ConflictError
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.settings import Settings


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
    """Commit; a constraint that a concurrent write broke becomes a 409, never a 500."""
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise ConflictError(
            "The change conflicts with existing data (a unique value is already taken)."
        ) from exc
