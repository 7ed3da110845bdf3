"""Alembic, driven from code: the only way the schema is created or changed."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory

from pydotorg.db.engine import create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str, versions: Path | None = None) -> Config:
    """Alembic's configuration for ``database_url``; ``versions`` is another directory of
    revisions than the package's own (a copy, for tests)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if versions is not None:
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", str(versions))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "-1") -> None:
    command.downgrade(alembic_config(database_url), revision)


def revision(database_url: str, message: str, versions: Path | None = None) -> Path:
    """Write the next migration (``0020_<message>.py``) with what Alembic's autogenerate finds
    between the models and the database at ``database_url``, which must be at the head
    (``db/autogenerate.py`` says what it leaves out); its path. Alembic's ``CommandError``
    when the database is behind."""
    config = alembic_config(database_url, versions)
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    ruff = shutil.which("ruff", path=search)
    if ruff is not None:  # ruff (a dev dependency) formats the new file as the project's own
        config.set_section_option("post_write_hooks", "hooks", "ruff")
        config.set_section_option("post_write_hooks", "ruff.type", "exec")
        config.set_section_option("post_write_hooks", "ruff.executable", ruff)
        config.set_section_option(
            "post_write_hooks", "ruff.options", "format REVISION_SCRIPT_FILENAME"
        )
    head = ScriptDirectory.from_config(config).get_current_head()
    number = f"{int(head or 0) + 1:04d}"
    script = command.revision(config, message=message, autogenerate=True, rev_id=number)
    assert isinstance(script, Script)  # one head, one script
    return Path(script.path)


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


__all__ = ["current", "downgrade", "head_revision", "revision", "status", "upgrade"]
