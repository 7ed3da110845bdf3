"""``pydotorg db revision``: the next migration, written by Alembic's autogenerate from what the
models have that the database has not, into a copy of the migrations here."""

from __future__ import annotations

import ast
import asyncio
import shutil
from pathlib import Path

import pytest
from alembic import command

from pydotorg.db.autogenerate import differences
from pydotorg.db.migrate import MIGRATIONS_DIR, alembic_config, revision
from pydotorg.domains import metadata
from tests.support import execute_sql, migrated_database


def _upgrade_body(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "upgrade"]
    return [ast.unparse(statement) for statement in function.body]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_revision_writes_the_next_migration_from_the_models(engine: str, tmp_path: Path) -> None:
    shipped = sorted(path.name for path in (MIGRATIONS_DIR / "versions").glob("*.py"))
    versions = tmp_path / "versions"
    shutil.copytree(
        MIGRATIONS_DIR / "versions", versions, ignore=shutil.ignore_patterns("__pycache__")
    )
    with migrated_database(engine, tmp_path) as url:
        empty = revision(url, "Nothing yet", versions)
        assert empty == versions / f"{int(shipped[-1][:4]) + 1:04d}_nothing_yet.py"
        assert _upgrade_body(empty) == ["pass"]
        empty.unlink()

        execute_sql(url, "DROP INDEX ix_pages_updated_id")
        made = revision(url, "Index pages by update", versions)
        (made_upgrade,) = _upgrade_body(made)  # SQLite's in a batch_alter_table block
        assert "create_index('ix_pages_updated_id', " in made_upgrade
        assert "pydotorg" not in made.read_text()
        command.upgrade(alembic_config(url, versions), "head")
        assert asyncio.run(differences(url, metadata())) == []
    assert sorted(path.name for path in (MIGRATIONS_DIR / "versions").glob("*.py")) == shipped
