"""Seeding with and without demo content (``DEMO_CONTENT``), on both engines, from scratch.

An operator who loads their own content starts with ``DEMO_CONTENT=0``: ``pydotorg serve``'s
first start then loads only the downloads data. Seeding with demo content later adds the rest,
and seeding is idempotent either way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Table, func, select

from pydotorg.db.base import Base
from pydotorg.db.engine import create_engine
from pydotorg.db.seed import seed
from pydotorg.domains import DOMAINS, metadata
from tests.conftest import ENGINES
from tests.support import make_settings, postgres_database, read_log, serve_app

DEMO_PACKAGES = {domain.package for domain in DOMAINS if domain.demo}
DEMO_LISTS = ["/api/v1/events/", "/api/v1/calendars/", "/api/v1/jobs", "/api/v1/job-types/"]


def demo_tables() -> list[Table]:
    """The tables of the demo domains: their models' tables, and the link tables between them."""
    tables = {
        mapper.local_table
        for mapper in Base.registry.mappers
        if any(mapper.class_.__module__.startswith(f"{package}.") for package in DEMO_PACKAGES)
    }
    links = {
        table
        for table in metadata().sorted_tables
        if table not in tables
        and table.foreign_keys
        and all(key.column.table in tables for key in table.foreign_keys)
    }
    return sorted((t for t in tables | links if isinstance(t, Table)), key=lambda t: t.name)


def row_counts(database_url: str) -> dict[str, int]:
    async def count() -> dict[str, int]:
        engine = create_engine(database_url, pool=False)
        try:
            async with engine.connect() as connection:
                return {
                    table.name: int(
                        (await connection.execute(select(func.count()).select_from(table))).one()[0]
                    )
                    for table in demo_tables()
                }
        finally:
            await engine.dispose()

    return asyncio.run(count())


def total(client: httpx.Client, path: str) -> int:
    response = client.get(path, params={"limit": 1})
    assert response.status_code == 200, response.text
    return int(response.headers["x-total-count"])


@pytest.fixture(params=ENGINES)
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: never migrated, never seeded."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}"
        else:
            yield stack.enter_context(postgres_database())


def test_the_demo_domains_are_events_jobs_and_content() -> None:
    assert {"pydotorg.events", "pydotorg.jobs", "pydotorg.content"} == DEMO_PACKAGES
    names = {table.name for table in demo_tables()}
    assert {"event", "event_calendar", "event_event_category", "jobs", "job_job_types"} <= names
    assert not {name for name in names if name.startswith("download_")}
    assert not names & {"users", "search_documents", "service_meta"}


def test_no_demo_content_then_demo_content(fresh_database: str, tmp_path: Path) -> None:
    settings = make_settings(fresh_database, tmp_path, demo_content=False, response_cache=False)
    log = tmp_path / "server.log"
    with serve_app(settings, log) as base_url, httpx.Client(base_url=base_url) as anon:
        assert "(no demo content: events, jobs and content left empty)" in read_log(log)
        assert total(anon, "/api/v1/os/") == 5
        assert total(anon, "/api/v1/files/") == 3359
        assert anon.get("/api/v1/releases/latest").json()["is_latest"] is True
        assert {path: total(anon, path) for path in DEMO_LISTS} == dict.fromkeys(DEMO_LISTS, 0)
        assert row_counts(fresh_database) == dict.fromkeys(row_counts(fresh_database), 0)

        added = asyncio.run(seed(fresh_database, DOMAINS))
        assert (added["events"], added["jobs"], added["job_types"]) == (1777 + 451, 196, 5)
        assert added["releases"] == added["release_files"] == 0
        assert total(anon, "/api/v1/events/") == 1777 + 451
        assert total(anon, "/api/v1/jobs") == 196
        assert total(anon, "/api/v1/job-types/") == 5
        counts = row_counts(fresh_database)
        assert counts["event"] == 1777 + 451 and counts["jobs"] == 196

    assert set(asyncio.run(seed(fresh_database, DOMAINS)).values()) == {0}
    assert set(asyncio.run(seed(fresh_database, DOMAINS, demo=False)).values()) == {0}
    assert row_counts(fresh_database) == counts
