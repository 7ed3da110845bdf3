"""The full-text engine: same analysis, same matches on SQLite FTS5 and PostgreSQL tsvector."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from pydotorg.core.search import SearchIndex, analyse, query_terms, search_engine
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.db.migrate import upgrade
from tests.support import postgres_database

DOCUMENTS = {
    1: ("Senior Django Developer", "Build web applications with Django and PostgreSQL."),
    2: ("Data Scientist", "Python, pandas and statistics; some Django is a plus."),
    3: ("Café Engineer", "Espresso machines run on Python at our café in Zürich."),
    4: ("DevOps Engineer", "Kubernetes, Terraform, and C++ extensions; 3.12 upgrades."),
    5: ("Frontend developer", "TypeScript & React; talk to our Django back-end developers."),
}
QUERIES = [
    "django",
    "developers",
    "Django developer",
    "python django",
    "café",
    "zürich",
    "c++",
    "3.12",
    "engineer espresso",
    "kubernetes OR python",
    '" OR 1=1 --',
    "nothing-matches-this",
    "***",
]


async def run_queries(url: str) -> dict[str, list[int]]:
    index = SearchIndex("test")
    engine = create_engine(url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            for object_id, (title, body) in DOCUMENTS.items():
                await index.put(session, object_id, title, body)
            await session.commit()
            results: dict[str, list[int]] = {}
            for query in QUERIES:
                matches = index.matches(search_engine(url), query)
                if matches is None:
                    results[query] = []
                    continue
                rows = await session.execute(
                    select(matches.c.object_id).order_by(
                        matches.c.score.desc(), matches.c.object_id
                    )
                )
                results[query] = [row[0] for row in rows]
            return results
    finally:
        await engine.dispose()


def test_same_matches_on_both_engines(tmp_path: Path) -> None:
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path / 'search.sqlite3'}"
    upgrade(sqlite_url)
    on_sqlite = asyncio.run(run_queries(sqlite_url))
    with postgres_database() as pg_url:
        upgrade(pg_url)
        on_postgres = asyncio.run(run_queries(pg_url))
    assert {q: sorted(ids) for q, ids in on_sqlite.items()} == {
        q: sorted(ids) for q, ids in on_postgres.items()
    }
    assert sorted(on_sqlite["django"]) == [1, 2, 5]
    assert on_sqlite["django"][0] == 1 and on_postgres["django"][0] == 1
    assert sorted(on_sqlite["developers"]) == [1, 5]
    assert on_sqlite["café"] == [3] and on_sqlite["zürich"] == [3]
    assert on_sqlite["nothing-matches-this"] == [] and on_sqlite["***"] == []


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Developers' API", ["developer", "api"]),
        ("ＰＹＴＨＯＮ", ["python"]),  # noqa: RUF001
        ("snake_case-words", ["snake", "case", "word"]),
        ("classes glasses status", ["class", "glass", "status"]),
        ("Companies", ["company"]),
    ],
)
def test_analysis(text: str, terms: list[str]) -> None:
    assert analyse(text) == terms


def test_queries_are_bounded() -> None:
    assert len(query_terms(" ".join(f"w{i}" for i in range(100)))) == 16
    assert query_terms("a a a b") == ["a", "b"]
