"""The full-text engine: same analysis, same matches on SQLite FTS5 and PostgreSQL tsvector."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from pydotorg.content.pages.models import Page
from pydotorg.content.pages.services import PAGE_INDEX
from pydotorg.core import clock
from pydotorg.core.search import (
    SearchIndex,
    SearchPosting,
    analyse,
    corrected,
    edit_distance,
    moment,
    postings,
    query_terms,
    score_of,
    score_sql,
    search_engine,
    tolerance,
)
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.db.migrate import upgrade
from pydotorg.jobs.models import Job, JobStatus
from pydotorg.jobs.services import JOB_INDEX
from pydotorg.search.services import highlight
from tests.support import migrated_database, on_both_engines

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
    on_sqlite, on_postgres = on_both_engines(tmp_path, run_queries)
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
    on_sqlite, on_postgres = on_both_engines(tmp_path, lambda url: correct_on(url, queries))
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


async def scores_both_ways(url: str) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Each query's scores of every document holding all its terms: by ``score_sql`` over
    the documents, and by ``score_of`` over the postings."""
    index = SearchIndex("test")
    engine = create_engine(url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            for object_id, (title, body) in DOCUMENTS.items():
                await index.put(session, object_id, title, body)
            await index.put(session, 1, *DOCUMENTS[1])  # put again: replaced, not doubled
            await session.commit()
            by_sql: dict[str, list[int]] = {}
            by_postings: dict[str, list[int]] = {}
            for query in ["django developer", "python django", "engineer", "django"]:
                terms = query_terms(query)
                sql, params = score_sql(terms)
                rows = await session.execute(
                    text(
                        f"SELECT d.object_id, {sql} FROM search_documents d "  # noqa: S608
                        "WHERE d.kind = 'test' ORDER BY d.object_id"
                    ),
                    params,
                )
                by_sql[query] = [score for object_id, score in rows]
                postings = {
                    (object_id, term): (title_at, body_at)
                    for object_id, term, title_at, body_at in await session.execute(
                        select(
                            SearchPosting.object_id,
                            SearchPosting.term,
                            SearchPosting.title_at,
                            SearchPosting.body_at,
                        ).where(SearchPosting.kind == "test")
                    )
                }
                by_postings[query] = [
                    score_of(
                        [postings.get((object_id, term), ("", ""))[0] for term in terms],
                        [postings.get((object_id, term), ("", ""))[1] for term in terms],
                    )
                    for object_id in sorted(DOCUMENTS)
                ]
            await index.remove(session, 3)
            await session.commit()
            left = await session.scalar(
                select(func.count()).where(
                    SearchPosting.kind == "test", SearchPosting.object_id == 3
                )
            )
            assert left == 0
            return by_sql, by_postings
    finally:
        await engine.dispose()


def test_postings_score_as_the_sql_does_on_both_engines(tmp_path: Path) -> None:
    on_sqlite, on_postgres = on_both_engines(tmp_path, scores_both_ways)
    assert on_sqlite == on_postgres
    by_sql, by_postings = on_sqlite
    assert by_postings == by_sql
    assert by_postings["django developer"] == [9, 1, 0, 0, 4]  # 1: 2+1 + 2 + 4 (phrase)
    assert by_postings["django"] == [3, 1, 0, 0, 1]


def test_postings_hold_each_term_once_with_its_positions() -> None:
    assert postings(["a", "b", "a"], ["b", "c"]) == {
        "a": ("0 2", ""),
        "b": ("1", "0"),
        "c": ("", "1"),
    }
    assert score_of(["0", "1"], ["", ""]) == 2 + 2 + 4  # side by side in the title
    assert score_of(["1", "0"], ["", ""]) == 2 + 2  # the wrong way round
    assert score_of(["", ""], ["3 9", "10"]) == 1 + 1 + 2  # side by side in the body
    assert score_of([""], ["4"]) == 1


WHEN = datetime(2024, 5, 17, 9, 30, 15, 250000, tzinfo=UTC)


def test_a_moment_orders_as_the_dates_do() -> None:
    assert moment(None) is None
    assert moment(datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=UTC)) == 1_000_005
    assert moment(date(2024, 5, 17)) == moment(datetime(2024, 5, 17, tzinfo=UTC))
    later = [date(1999, 12, 31), WHEN - timedelta(microseconds=1), WHEN, date(2024, 5, 18)]
    values = [moment(value) or 0 for value in later]
    assert values == sorted(values) and len(set(values)) == len(values)


def a_job(title: str, **fields: Any) -> Job:
    """A job posting as a row, with what its table requires."""
    required = {"company_name": "ACME", "description": "Keep watch.", "contact_email": "j@ex.org"}
    return Job(slug=title.lower().replace(" ", "-"), job_title=title, **{**required, **fields})


async def posting_dates(url: str) -> list[list[int | None]]:
    """The postings' dates of a job and a page as their rows change: put with no date, the
    date set by a flush, put again; a page's ``updated`` moved by an edit."""
    engine = create_engine(url, pool=False)
    seen: list[list[int | None]] = []
    try:
        async with create_sessionmaker(engine)() as session:

            async def dates(kind: str, object_id: int) -> list[int | None]:
                found = await session.scalars(
                    select(SearchPosting.at)
                    .where(SearchPosting.kind == kind, SearchPosting.object_id == object_id)
                    .order_by(SearchPosting.term)
                )
                return list(found)

            job = a_job("Night watch", status=JobStatus.REVIEW)
            session.add(job)
            await session.flush()
            await JOB_INDEX.put(session, job.id, "Night watch", "Watch")
            seen.append(await dates("job", job.id))  # not approved: no date
            job.approved = WHEN
            await session.flush()
            seen.append(await dates("job", job.id))  # approved: the flush dated its postings
            await JOB_INDEX.put(session, job.id, "Night watch", "Watch the night")
            seen.append(await dates("job", job.id))
            page = Page(path="/dated/", title="Dated page")
            session.add(page)
            await session.flush()
            await PAGE_INDEX.put(session, page.id, page.title, "")
            seen.append([*await dates("page", page.id), moment(page.updated)])
            clock.start_at(WHEN + timedelta(days=400))
            try:
                page.description = "Edited later."
                await session.flush()
            finally:
                clock.start_at(None)
            seen.append([*await dates("page", page.id), moment(page.updated)])
            await session.commit()
    finally:
        await engine.dispose()
    return seen


def test_postings_keep_their_documents_dates_on_both_engines(tmp_path: Path) -> None:
    on_sqlite, on_postgres = on_both_engines(tmp_path, posting_dates)
    for seen in (on_sqlite, on_postgres):
        unapproved, approved, again, page, edited = seen
        assert unapproved == [None, None] and approved == [moment(WHEN)] * 2
        assert again == [moment(WHEN)] * 3
        assert page[0] == page[1] == page[2] is not None  # "dated", "page": the row's updated
        assert edited[0] == edited[1] == edited[2]  # the edit's new updated, in both postings
        moved, now = moment(WHEN + timedelta(days=400)), edited[2]
        assert moved is not None and now is not None and moved <= now < moved + 60_000_000


async def index_a_page_before_dates(url: str) -> int:
    """At revision 0015 (no dates in postings): a page and one posting of it."""
    engine = create_engine(url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            page = Page(path="/older/", title="Older page", created=WHEN, updated=WHEN)
            session.add(page)
            await session.flush()
            await session.execute(
                text(
                    "INSERT INTO search_postings (kind, term, object_id, title_at, body_at) "
                    "VALUES ('page', 'older', :id, '0', '')"
                ),
                {"id": page.id},
            )
            await session.commit()
            return page.id
    finally:
        await engine.dispose()


async def posting_date_of(url: str, object_id: int) -> int | None:
    engine = create_engine(url, pool=False)
    try:
        async with engine.connect() as connection:
            statement = text(
                "SELECT at FROM search_postings WHERE kind = 'page' AND object_id = :id"
            )
            value: int | None = await connection.scalar(statement, {"id": object_id})
            return value
    finally:
        await engine.dispose()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_the_migration_dates_the_postings_already_there(engine: str, tmp_path: Path) -> None:
    with migrated_database(engine, tmp_path, "0015") as url:
        page_id = asyncio.run(index_a_page_before_dates(url))
        upgrade(url)
        assert asyncio.run(posting_date_of(url, page_id)) == moment(WHEN)
