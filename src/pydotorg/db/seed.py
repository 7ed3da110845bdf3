"""Seeding the database with the shipped real data, once, idempotently.

The domains to seed are passed in (``pydotorg.domains.DOMAINS``, by the CLI and the tests): the
database layer sits below the domains and never imports them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Integer, MetaData, text
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.domain import Domain
from pydotorg.db.base import Base
from pydotorg.db.engine import command_session
from pydotorg.db.meta import get_meta, set_meta

SEEDED_KEY = "seeded_at"


def sequenced_tables(metadata: MetaData = Base.metadata) -> list[str]:
    """Tables of ``metadata`` (every model imported) whose integer ``id`` comes from a
    sequence on PostgreSQL."""
    return [
        table.name
        for table in metadata.sorted_tables
        if [column.name for column in table.primary_key.columns] == ["id"]
        and table.c.id.autoincrement in (True, "auto")
        and isinstance(table.c.id.type, Integer)
    ]


async def reset_sequences(session: AsyncSession) -> None:
    """Rows were inserted with explicit ids; move PostgreSQL's sequences past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in sequenced_tables():
        await session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )


async def seed(
    database_url: str, domains: Sequence[Domain], *, demo: bool = True
) -> dict[str, int]:
    """Add every shipped record of ``domains`` that is missing; return how many rows each
    table gained.

    Without ``demo``, the domains whose records are demo content (events, jobs, content) are
    skipped: only the downloads data is loaded. Seeding again with ``demo`` adds them."""
    for domain in domains:
        domain.load_models()  # every table's sequence is moved past the ids seeded
    async with command_session(database_url) as session:
        counts: dict[str, int] = {}
        for domain in domains:
            if demo or not domain.demo:
                counts.update(await domain.seed(session))
        await reset_sequences(session)
        if await get_meta(session, SEEDED_KEY) is None:
            await set_meta(session, SEEDED_KEY, datetime.now(UTC).isoformat())
        await session.commit()
        return counts


async def is_seeded(database_url: str) -> bool:
    async with command_session(database_url) as session:
        return await get_meta(session, SEEDED_KEY) is not None


def described(counts: dict[str, int], demo: bool) -> str:
    """What a seed added, as the commands say it: ``5 os, 667 releases, ...``."""
    added = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
    return added + ("" if demo else " (no demo content: events, jobs and content left empty)")


def prepare_database(database_url: str, domains: Sequence[Domain], *, demo: bool) -> str | None:
    """Bring the schema to the newest migration and, on first start, load the real data of
    ``domains``; what was loaded, if anything."""
    from pydotorg.db.migrate import upgrade

    upgrade(database_url)
    if asyncio.run(is_seeded(database_url)):
        return None
    return described(asyncio.run(seed(database_url, domains, demo=demo)), demo)
