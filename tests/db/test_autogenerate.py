"""The drift test: the models and the migrations agree on both engines, and what
``db/autogenerate.py`` leaves out (the search engines' own tables, columns and indexes) is
all it leaves out."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from pydotorg.db.autogenerate import differences
from pydotorg.domains import metadata
from tests.support import execute_sql, migrated_database


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_database_migrated_to_the_head_is_what_the_models_declare(
    engine: str, tmp_path: Path
) -> None:
    with migrated_database(engine, tmp_path) as url:
        assert asyncio.run(differences(url, metadata())) == []
        execute_sql(url, "DROP INDEX ix_pages_updated_id")
        execute_sql(url, "CREATE TABLE search_notes (id INTEGER PRIMARY KEY)")
        found = asyncio.run(differences(url, metadata()))
    assert sorted((change[0], change[1].name) for change in found) == [
        ("add_index", "ix_pages_updated_id"),
        ("remove_table", "search_notes"),
    ]
