"""The engines the web app serves with, opened and closed with the app (its lifespan).

The serving engine never creates a SQLite file that vanished (migrating made it), and a
connection it cannot open, for whatever reason, is :class:`DatabaseUnavailableError`: a 503
with ``Retry-After`` (``db.database``). ``/ready`` asks the database on an engine of its own
(:class:`~pydotorg.db.database.ReadinessProbe`). Requests get their database from the app's
state (``database_of``), which the kit in ``core`` reads without importing ``db``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from pydotorg.core.exceptions import DatabaseUnavailableError
from pydotorg.core.metrics import TimedPool
from pydotorg.db.database import ReadinessProbe, database_of
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.settings import Settings


def database_lifespan(settings: Settings) -> Any:
    """Open the engines (requests' pool, and ``/ready``'s) at start-up; close them at shutdown."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        engine = serving_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            pool_timeout=settings.database_pool_timeout,
        )
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(
            engine, info={"response_cache": app.state.get("response_cache")}
        )
        app.state.database_of = database_of
        probe = app.state.readiness = ReadinessProbe(
            serving_engine(settings.database_url, pool=False)
        )
        try:
            yield
        finally:
            await engine.dispose()
            await probe.engine.dispose()

    return lifespan


def serving_engine(
    database_url: str, *, pool: bool = True, pool_size: int = 10, pool_timeout: float = 3.0
) -> AsyncEngine:
    """The engine requests use: a SQLite file must exist (migrating made it), a connection
    that cannot be opened, for whatever reason, is :class:`DatabaseUnavailableError`, and a
    request waits at most ``pool_timeout`` seconds for a pooled one (``DATABASE_POOL_TIMEOUT``)
    before it is answered 503. The wait is measured (``core.metrics``)."""
    engine = create_engine(
        database_url,
        pool=pool,
        must_exist=True,
        pool_size=pool_size,
        pool_timeout=pool_timeout,
        pool_class=TimedPool if pool else None,
    )
    event.listen(engine.sync_engine, "do_connect", _connect_or_unavailable)
    return engine


def _connect_or_unavailable(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    # A refused or timed-out socket arrives as the OS's own error, not the driver's: SQLAlchemy
    # passes it on unwrapped. Either way the request cannot reach the database.
    try:
        return dialect.connect(*cargs, **cparams)
    except Exception as exc:
        raise DatabaseUnavailableError() from exc
