"""The SQLite connection of ``db/sqlite.py`` leans on aiosqlite's private names: this fails,
naming them, on an aiosqlite that dropped one (``pyproject.toml`` bounds its version)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import make_url

from pydotorg.db.sqlite import Connection, connector


def test_the_aiosqlite_private_names_it_uses_are_there(tmp_path: Path) -> None:
    async def check() -> list[str]:
        connect = connector(make_url(f"sqlite+aiosqlite:///{tmp_path / 'names.sqlite3'}"))
        connection: Connection = await connect()
        try:
            cursor = await connection.cursor().execute("SELECT 1")
            assert await cursor.fetchall() == [(1,)]
            return [
                name for name in ("_execute", "_conn", "_thread") if not hasattr(connection, name)
            ]
        finally:
            await connection.close()

    assert asyncio.run(check()) == []
