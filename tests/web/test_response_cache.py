"""Anonymous public reads are served from memory, and every write empties the cache."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from sqlalchemy import delete, update

from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.downloads.models import OS
from tests.factories import token
from tests.support import LiveServer


def cache_status(client: httpx.Client) -> dict[str, Any]:
    status: dict[str, Any] = client.get("/health").json()["response_cache"]
    return status


def test_repeated_anonymous_reads_are_served_from_the_cache(anon: httpx.Client) -> None:
    first = anon.get("/api/v1/release-cycle/3.13")
    before = cache_status(anon)
    second = anon.get("/api/v1/release-cycle/3.13")
    after = cache_status(anon)
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert after["hits"] == before["hits"] + 1
    assert second.headers["x-request-id"] != first.headers["x-request-id"]


def test_signed_in_reads_bypass_the_cache(staff: httpx.Client) -> None:
    staff.get("/api/v1/release-cycle/3.12")
    before = cache_status(staff)
    staff.get("/api/v1/release-cycle/3.12")
    assert cache_status(staff)["hits"] == before["hits"]


def test_a_write_by_another_process_shows_within_a_second(
    anon: httpx.Client, server: LiveServer
) -> None:
    """A write that does not go through this server (another worker) still empties the cache."""
    original = anon.get("/api/v1/os/5").json()["name"]
    assert anon.get("/api/v1/os/5").json()["name"] == original

    async def rename(name: str) -> None:
        engine = create_engine(server.database_url, pool=False)
        async with create_sessionmaker(engine)() as session:
            os = await session.get(OS, 5)
            assert os is not None
            os.name = name
            await session.commit()
        await engine.dispose()

    asyncio.run(rename("iOS (renamed elsewhere)"))
    try:
        deadline = time.monotonic() + 2
        while anon.get("/api/v1/os/5").json()["name"] != "iOS (renamed elsewhere)":
            assert time.monotonic() < deadline, "the cache never saw the other process's write"
            time.sleep(0.05)
    finally:
        asyncio.run(rename(original))


def test_bulk_updates_also_change_the_data_version(anon: httpx.Client, server: LiveServer) -> None:
    original = anon.get("/api/v1/os/4").json()["name"]

    async def rename(name: str) -> None:
        engine = create_engine(server.database_url, pool=False)
        async with create_sessionmaker(engine)() as session:
            await session.execute(update(OS).where(OS.id == 4).values(name=name))
            await session.commit()
        await engine.dispose()

    asyncio.run(rename("Android (bulk)"))
    try:
        deadline = time.monotonic() + 2
        while anon.get("/api/v1/os/4").json()["name"] != "Android (bulk)":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        asyncio.run(rename(original))


def test_a_write_ends_only_the_answers_that_read_its_table(
    anon: httpx.Client, server: LiveServer
) -> None:
    """An OS created by another process (another worker, another host) ends the cached OS
    list within a poll, and leaves the cached event list in place."""
    events = anon.get("/api/v1/events")
    assert anon.get("/api/v1/events").content == events.content
    anon.get("/api/v1/os/")
    slug = f"cache-{token(8)}"

    async def create() -> int:
        engine = create_engine(server.database_url, pool=False)
        async with create_sessionmaker(engine)() as session:
            made = OS(name=f"OS {slug}", slug=slug)
            session.add(made)
            await session.commit()
            await engine.dispose()
            return made.id

    async def remove(os_id: int) -> None:
        engine = create_engine(server.database_url, pool=False)
        async with create_sessionmaker(engine)() as session:
            await session.execute(delete(OS).where(OS.id == os_id))
            await session.commit()
        await engine.dispose()

    os_id = asyncio.run(create())
    try:
        deadline = time.monotonic() + 2
        while slug not in {os["slug"] for os in anon.get("/api/v1/os/").json()}:
            assert time.monotonic() < deadline, "the cached OS list outlived the write"
            time.sleep(0.05)
        before = cache_status(anon)
        again = anon.get("/api/v1/events")
        after = cache_status(anon)
        assert again.content == events.content
        assert after["hits"] == before["hits"] + 1  # the event list was not built again
        assert after["misses"] == before["misses"]
    finally:
        asyncio.run(remove(os_id))
