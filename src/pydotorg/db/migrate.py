"""Alembic, driven from code: the only way the schema is created or changed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from pydotorg.db.engine import create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "-1") -> None:
    command.downgrade(alembic_config(database_url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


async def current_revision(database_url: str) -> str | None:
    engine = create_engine(database_url, pool=False)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_current)
    finally:
        await engine.dispose()


def _current(sync_connection: object) -> str | None:
    context = MigrationContext.configure(sync_connection)  # type: ignore[arg-type]
    return context.get_current_revision()


def current(database_url: str) -> str | None:
    return asyncio.run(current_revision(database_url))


def status(database_url: str) -> str:
    """What ``pydotorg db`` says: the database's revision and the newest there is."""
    return f"current: {current(database_url) or '(empty database)'}; head: {head_revision()}"


__all__ = ["current", "downgrade", "head_revision", "status", "upgrade"]
