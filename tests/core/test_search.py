"""The full-text engine: same analysis, same matches on SQLite FTS5 and PostgreSQL tsvector."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from pydotorg.core.search import (
    SearchIndex,
    analyse,
    corrected,
    edit_distance,
    query_terms,
    score_sql,
    search_engine,
    tolerance,
)
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.db.migrate import upgrade
from pydotorg.search.services import highlight
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
    assert on_sqlite == on_postgres  # the same ids in the same order
    assert on_sqlite["django"] == [1, 2, 5]  # title and body (2 + 1), then bodies (1) by id
    assert on_sqlite["Django developer"] == [1, 5]  # the phrase in the title first
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


def test_scores_put_titles_above_bodies_and_phrases_above_scattered_words() -> None:
    sql, params = score_sql(["asyncio", "tutorial"])
    assert params == {
        "t0": "% asyncio %",
        "t1": "% tutorial %",
        "phrase": "% asyncio tutorial %",
    }
    assert sql.count("title_terms") == 3 and sql.count("body_terms") == 3
    assert "4 * " in sql and "2 * " in sql
    assert score_sql(["one"])[1] == {"t0": "% one %"}


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("pyhton", "python", 1),  # a swap of neighbours
        ("asynico", "asyncio", 1),
        ("django", "djangoo", 1),
        ("flask", "flask", 0),
        ("kitten", "sitting", 3),
        ("abc", "abcdef", 3),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 5) == distance
    assert edit_distance(a, b, 0) == (0 if distance == 0 else 1)


def test_tolerance_grows_with_the_words_length() -> None:
    assert [tolerance("x" * n) for n in (1, 3, 4, 7, 8, 20)] == [0, 0, 1, 1, 2, 2]


async def correct_on(url: str, queries: list[list[str]]) -> list[list[str]]:
    index = SearchIndex("test")
    engine = create_engine(url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            for object_id, (title, body) in DOCUMENTS.items():
                await index.put(session, object_id, title, body)
            await session.commit()
            return [await corrected(session, terms) for terms in queries]
    finally:
        await engine.dispose()


def test_misspelt_words_are_corrected_the_same_on_both_engines(tmp_path: Path) -> None:
    queries = [
        ["djnago", "developr"],  # a swap; a missing letter
        ["pyhton"],
        ["kubernetse"],
        ["zzzzzz"],  # nothing near: kept
        ["pthon"],  # 5 letters: one edit
        ["dj"],  # too short to correct
        ["django"],  # known: kept
        ["ejango"],  # the first letter is never corrected
    ]
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path / 'typos.sqlite3'}"
    upgrade(sqlite_url)
    on_sqlite = asyncio.run(correct_on(sqlite_url, queries))
    with postgres_database() as pg_url:
        upgrade(pg_url)
        on_postgres = asyncio.run(correct_on(pg_url, queries))
    assert (
        on_sqlite
        == on_postgres
        == [
            ["django", "developer"],
            ["python"],
            ["kubernete"],
            ["zzzzzz"],
            ["python"],
            ["dj"],
            ["django"],
            ["ejango"],
        ]
    )


def test_highlight_marks_matches_and_escapes() -> None:
    words = [f"w{n}" for n in range(100)]
    snippet = highlight(words, {"w50"})
    assert snippet.startswith("… w40 ") and "<mark>w50</mark>" in snippet
    assert snippet.endswith(" …") and snippet.count(" ") == 31
    assert highlight(["a&b", "<i>"], {"<i>"}) == "a&amp;b <mark>&lt;i&gt;</mark>"
    assert highlight([], {"x"}) == ""
