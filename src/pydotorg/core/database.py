"""The database as the web app sees it: one engine per process, one session per request."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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


async def provide_db_session(state: State) -> AsyncGenerator[AsyncSession, None]:
    """A session for one request; services commit, and closing it rolls back anything else."""
    async with sessionmaker_from(state)() as session:
        yield session


async def commit_or_conflict(session: AsyncSession) -> None:
    """Commit; a constraint that a concurrent write broke becomes a 409, never a 500."""
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise ConflictError(
            "The change conflicts with existing data (a unique value is already taken)."
        ) from exc
