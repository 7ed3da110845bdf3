"""Seeding the database with the shipped real data, once, idempotently."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.meta import get_meta, set_meta
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.downloads.seed import seed_downloads
from pydotorg.events.seed import seed_events
from pydotorg.jobs.seed import seed_jobs

SEEDED_KEY = "seeded_at"
SEQUENCED_TABLES = (
    "download_os",
    "download_release",
    "download_release_file",
    "event_calendar",
    "event_category",
    "event_location",
    "event",
    "event_occurrence",
    "job_types",
    "job_categories",
    "jobs",
)


async def _reset_sequences(session: AsyncSession) -> None:
    """Rows were inserted with explicit ids; move PostgreSQL's sequences past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in SEQUENCED_TABLES:
        await session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )


async def seed(database_url: str) -> dict[str, int]:
    """Add every shipped record that is missing; return how many rows each table gained."""
    engine = create_engine(database_url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            counts = await seed_downloads(session)
            counts.update(await seed_events(session))
            counts.update(await seed_jobs(session))
            await _reset_sequences(session)
            if await get_meta(session, SEEDED_KEY) is None:
                await set_meta(session, SEEDED_KEY, datetime.now(UTC).isoformat())
            await session.commit()
            return counts
    finally:
        await engine.dispose()


async def is_seeded(database_url: str) -> bool:
    engine = create_engine(database_url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            return await get_meta(session, SEEDED_KEY) is not None
    finally:
        await engine.dispose()
