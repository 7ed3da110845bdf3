"""The query layer's building blocks that need no database: text matching and keys."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_mock_engine, select
from sqlalchemy.dialects import sqlite

from pydotorg.core.pagination import Window
from pydotorg.core.queries import article, contains, count_of, id_or_slug, noun, window_of_groups
from pydotorg.downloads.models import OS, Release, ReleaseFile
from pydotorg.events.models import Calendar

postgresql = create_mock_engine("postgresql://", lambda *_: None).dialect


def sql(statement: Any, dialect: Any = None) -> str:
    compiled = statement.compile(
        dialect=dialect or sqlite.dialect(), compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


def test_contains_escapes_like_wildcards() -> None:
    compiled = sql(select(OS.id).where(contains(OS.name, "50%_off")))
    assert "50/%/_off" in compiled and "ESCAPE '/'" in compiled


def test_id_or_slug_takes_only_ascii_digits_as_ids() -> None:
    assert "download_os.id = 3" in sql(select(OS.id).where(id_or_slug(OS, "3")))
    assert "download_os.slug = '²'" in sql(select(OS.id).where(id_or_slug(OS, "²")))
    assert "download_os.id = 7" in sql(select(OS.id).where(id_or_slug(OS, 7)))


def test_count_of_counts_the_first_entity_without_its_eager_joins() -> None:
    counted = sql(count_of(select(ReleaseFile).order_by(ReleaseFile.name)), postgresql)
    assert counted.startswith("SELECT count(*) AS count_1")
    assert "ORDER BY" not in counted and "download_os" not in counted


def test_models_name_themselves_in_messages() -> None:
    assert (noun(OS), noun(ReleaseFile), noun(Release), noun(Calendar)) == (
        "OS",
        "release file",
        "release",
        "calendar",
    )
    assert (article("OS"), article("release")) == ("an OS", "a release")


def test_window_defaults_to_limit_style() -> None:
    assert Window(limit=5, offset=10).style == "limit"


def test_byte_order_is_the_same_on_every_engine() -> None:
    """python.org's lists sort names as strings; on PostgreSQL a column's collation may skip
    punctuation (as glibc's en_US does: "Python 3.10.0" first); ``in_byte_order`` does not."""
    import asyncio

    from sqlalchemy import Column, MetaData, String, Table, insert
    from sqlalchemy.ext.asyncio import create_async_engine

    from pydotorg.core.queries import in_byte_order
    from tests.support import postgres_database

    names = ["Python 3.10.0", "Python 3.1.5", "Python 2.7.10rc1", "Python 2.7.10"]
    expected = ["Python 2.7.10", "Python 2.7.10rc1", "Python 3.1.5", "Python 3.10.0"]

    async def orders(url: str, collation: str | None) -> tuple[list[str], list[str]]:
        table = Table("t", MetaData(), Column("name", String(50, collation=collation)))
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                if collation:
                    await conn.exec_driver_sql(
                        f'CREATE COLLATION "{collation}" '
                        '(provider = icu, locale = "en-US-u-ka-shifted")'
                    )
                await conn.run_sync(table.metadata.create_all)
                await conn.execute(insert(table), [{"name": name} for name in names])
                plain = await conn.scalars(select(table.c.name).order_by(table.c.name))
                ours = await conn.scalars(
                    select(table.c.name).order_by(in_byte_order(table.c.name))
                )
                return list(plain), list(ours)
        finally:
            await engine.dispose()

    assert asyncio.run(orders("sqlite+aiosqlite://", None)) == (expected, expected)
    with postgres_database() as url:
        plain, ours = asyncio.run(orders(url, "skips_punctuation"))
    assert plain != expected  # the collation this guards against
    assert ours == expected


def test_a_window_of_groups_spans_the_groups_its_rows_are_in() -> None:
    groups = [("a", 3), ("empty", 0), ("b", 2), ("c", 4)]
    # Rows: a0 a1 a2 b0 b1 c0 c1 c2 c3
    assert window_of_groups(groups, Window(limit=2, offset=0)) == (["a"], 0, 9)
    assert window_of_groups(groups, Window(limit=2, offset=2)) == (["a", "b"], 2, 9)
    assert window_of_groups(groups, Window(limit=1, offset=3)) == (["b"], 0, 9)
    assert window_of_groups(groups, Window(limit=10, offset=4)) == (["b", "c"], 1, 9)
    assert window_of_groups(groups, Window(limit=5, offset=9)) == ([], 0, 9)
    assert window_of_groups([], Window(limit=5, offset=0)) == ([], 0, 0)
