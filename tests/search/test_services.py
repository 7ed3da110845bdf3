"""The site-wide search's statements: made once per shape, then run with new values each time."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from pydotorg.core import clock
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.jobs.models import JobStatus
from pydotorg.jobs.services import JOB_INDEX
from pydotorg.search.services import Shape, index_statements, suggestion_statement
from tests.core.test_search import a_job
from tests.support import migrated_database

SHAPE = Shape("jobs", 1, "anonymous", None, False, False)


async def found_before_and_after_expiry(url: str) -> list[tuple[list[int], list[str]]]:
    """What the cached statements find for a posting that expires tomorrow: today, then with
    the clock two days on (same statement objects both times)."""
    engine = create_engine(url, pool=False)
    today = clock.now()
    found = []
    try:
        async with create_sessionmaker(engine)() as session:
            job = a_job(
                "Lighthouse keeper",
                status=JobStatus.APPROVED,
                approved=today,
                expires=today + timedelta(days=1),
            )
            session.add(job)
            await session.flush()
            await JOB_INDEX.put(session, job.id, job.job_title, job.description)
            await session.commit()
            search = index_statements(SHAPE).matching
            suggest = suggestion_statement("anonymous", None, single_word=True)
            for moved in (None, today + timedelta(days=2)):
                clock.start_at(moved)
                assert index_statements(SHAPE).matching is search  # made once
                hits = await session.execute(search, {"t0": "lighthouse"})
                titles = await session.execute(suggest, {"low": "lig", "high": "lih"})
                found.append(([row[0] for row in hits], [row[1] for row in titles]))
    finally:
        clock.start_at(None)
        await engine.dispose()
    return found


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_statements_made_once_read_the_clock_when_they_run(engine: str, tmp_path: Path) -> None:
    with migrated_database(engine, tmp_path) as url:
        before, after = asyncio.run(found_before_and_after_expiry(url))
    assert before == ([1], ["Lighthouse keeper"])
    assert after == ([], [])  # expired: hidden from anonymous searches and suggestions
