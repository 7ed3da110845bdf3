"""``pydotorg db backup``: a copy taken while the database is open, which restores (SQLite's
backup API; PostgreSQL's pg_dump, restored by pg_restore as docs/migrations.md says)."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from pydotorg.db.backup import BackupError, backup
from pydotorg.db.engine import create_engine
from tests.support import migrated_database, missing_service, postgres_database

NOTE = "INSERT INTO service_meta (key, value) VALUES ('backup-test', 'kept')"
READ = "SELECT value FROM service_meta WHERE key = 'backup-test'"


async def _run(url: str, statement: str) -> list[object]:
    engine = create_engine(url, pool=False)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement))
            return list(result.scalars()) if result.returns_rows else []
    finally:
        await engine.dispose()


def test_sqlite_backup_is_a_whole_database_taken_while_it_is_open(tmp_path: Path) -> None:
    with migrated_database("sqlite", tmp_path) as url:
        asyncio.run(_run(url, NOTE))
        database = str(make_url(url).database)
        reader = sqlite3.connect(database)  # a reader holding a transaction open
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM service_meta").fetchone()
        try:
            said = backup(url, tmp_path / "backup.sqlite3")
        finally:
            reader.close()
    assert said.startswith(f"backed up {database} to {tmp_path / 'backup.sqlite3'} (")
    with sqlite3.connect(tmp_path / "backup.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute(READ).fetchone() == ("kept",)
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_sqlite_backup_refuses_what_it_cannot_write(tmp_path: Path) -> None:
    with migrated_database("sqlite", tmp_path) as url:
        database = Path(str(make_url(url).database))
        with pytest.raises(BackupError, match="is the database itself"):
            backup(url, database)
        with pytest.raises(BackupError, match="cannot back up"):
            backup(url, tmp_path / "missing" / "backup.sqlite3")
    with pytest.raises(BackupError, match="no database at"):
        backup(f"sqlite+aiosqlite:///{tmp_path / 'none.sqlite3'}", tmp_path / "b.sqlite3")
    assert not (tmp_path / "none.sqlite3").exists()


def test_postgresql_backup_restores_with_pg_restore(tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        missing_service("PostgreSQL backups need pg_dump and pg_restore on PATH")
    with migrated_database("postgresql", tmp_path) as url:
        asyncio.run(_run(url, NOTE))
        said = backup(url, tmp_path / "backup.dump")
    assert said.startswith(f"backed up {make_url(url).database} to {tmp_path / 'backup.dump'}")
    assert (tmp_path / "backup.dump").read_bytes().startswith(b"PGDMP")
    with postgres_database() as restored:
        where = make_url(restored).set(drivername="postgresql").render_as_string(False)
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={where}", str(tmp_path / "backup.dump")],
            check=True,
            capture_output=True,
        )
        assert asyncio.run(_run(restored, READ)) == ["kept"]


def test_postgresql_backup_without_pg_dump_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump is not on PATH"):
        backup("postgresql+asyncpg://postgres@127.0.0.1:5432/test", tmp_path / "b.dump")
    assert not (tmp_path / "b.dump").exists()
