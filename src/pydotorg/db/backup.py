"""``pydotorg db backup PATH``: a consistent copy of the database, taken while it serves.

SQLite's own online backup API copies the file page by page under a read transaction, so
writers carry on and the copy is one moment of the database (copying the file, its WAL
aside, is not). PostgreSQL's ``pg_dump`` does the same from one snapshot, in its custom
format, which ``pg_restore`` reads. ``docs/migrations.md`` has the restore lines.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import URL, make_url


class BackupError(Exception):
    """Why no backup was written, in one line."""


def backup(database_url: str, path: Path) -> str:
    """Write a backup of the database at ``database_url`` to ``path`` (replaced if it exists);
    what was written, in words."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return backup_sqlite(url, path)
    return backup_postgresql(url, path)


def backup_sqlite(url: URL, path: Path) -> str:
    """The database file copied by SQLite's backup API into a file next to ``path``, renamed
    to ``path`` once complete (a failed backup leaves no partial file)."""
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    source = Path(url.database)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if path.exists() and path.resolve() == source.resolve():
        raise BackupError(f"{path} is the database itself")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with (
            closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as db,
            closing(sqlite3.connect(partial)) as copy,
        ):
            db.backup(copy)
        os.replace(partial, path)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot back up {source} to {path}: {exc}") from exc
    return f"backed up {source} to {path} ({path.stat().st_size} bytes, SQLite)"


def backup_postgresql(url: URL, path: Path) -> str:
    """``pg_dump --format=custom`` of the database into ``path``; the password, if any, goes
    to pg_dump in its environment, not on its command line."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump is not on PATH: install PostgreSQL's client programs "
            "(Debian: postgresql-client, of the server's major version or newer)"
        )
    command = [pg_dump, "--format=custom", f"--file={path}", "--no-password"]
    command += [f"--host={url.host or '127.0.0.1'}", f"--port={url.port or 5432}"]
    if url.username:
        command.append(f"--username={url.username}")
    command.append(f"--dbname={url.database or ''}")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise BackupError(f"pg_dump failed: {reason[0]}")
    return f"backed up {url.database} to {path} ({path.stat().st_size} bytes, pg_dump custom)"


__all__ = ["BackupError", "backup"]
