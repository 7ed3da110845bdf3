"""PostgreSQL reads a kind's matches in several ways (``search/engines.py``): counted from the
GIN index or among the kind's newest documents, title matches among the newest or from the
title's GIN index. Whichever it takes, a search answers the same."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pydotorg.core.services import Context
from pydotorg.db.database import Database
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.search.engines import PostgresSearch, search_engine
from pydotorg.search.schemas import SearchQuery
from pydotorg.search.services import SearchService
from tests.search.support import word
from tests.search.test_search import crowd
from tests.support import LiveServer, make_settings


class Links:
    def url(self, name: str, *args: Any, **params: Any) -> str:
        return f"/{name}/{args}"


Answer = tuple[str, int, list[tuple[int, float]]]


def answers(
    database_url: str, var: Path, queries: list[str], *, frequent: bool, dated: bool
) -> list[Answer]:
    """Each query's counts header and hits (id, score) over the blogs, as an anonymous caller,
    the service told whether the words are frequent; ``dated``: with a date range that leaves
    nothing out (which reads as before windows: the GIN count, then the title count)."""

    async def run() -> list[Answer]:
        engine = create_engine(database_url, pool=False)
        maker = create_sessionmaker(engine)
        settings = make_settings(database_url, var)
        found = []
        try:
            for query in queries:
                database = Database(maker, engine)
                context = Context(
                    database=database,
                    caller=None,
                    settings=settings,
                    links=Links(),  # type: ignore[arg-type]
                    search=search_engine(database_url),
                    throttle=None,  # type: ignore[arg-type]
                )
                service = SearchService(context)

                async def share(_query: Any) -> float:
                    # frequent: past FREQUENT; else a share that still asks for the counts
                    return 1.0 if frequent else 0.01

                service._share = share  # type: ignore[method-assign,assignment]
                body = SearchQuery(
                    query=query,
                    indexes=["blogs"],
                    limit=100,
                    date_from=date(1900, 1, 1) if dated else None,
                )
                page = await service.search(body)
                await database.close()
                hits = [(hit.id, round(hit.score, 5)) for hit in page.items]
                found.append((str(page.headers), page.total, hits))
        finally:
            await engine.dispose()
        return found

    return asyncio.run(run())


def test_every_reading_answers_the_same(
    postgresql_server: LiveServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    w, rare, mid = word(), word(), word()
    crowd(postgresql_server.database_url, w, rare, mid)
    # many matches and title matches; many matches, few in titles; at most 1,000; few
    queries = [w, f"{w} entry", mid, f"{rare} {w}", f"{w} -{mid}", f'"{w} 7"']
    url = postgresql_server.database_url
    expected = answers(url, tmp_path, queries, frequent=False, dated=True)
    assert "blogs=1000+" in expected[0][0] and "blogs=350" in expected[2][0]
    for window in (100_000, 40):  # the whole kind, or too few documents: the GIN index after
        monkeypatch.setattr(PostgresSearch, "WINDOW", window)
        for frequent in (True, False):
            assert answers(url, tmp_path, queries, frequent=frequent, dated=False) == expected, (
                window,
                frequent,
            )
