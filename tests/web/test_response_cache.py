"""Anonymous public reads are served from memory, and every write empties the cache."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, update

from pydotorg.app import create_app
from pydotorg.core import ratelimit
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.downloads.models import OS
from tests.factories import token
from tests.support import LiveServer, make_settings, seeded_sqlite


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


# The front door (``web.edge.FrontDoor``) answers the front cache's hits before Litestar is
# entered; the same hits through Litestar and the layers (the edge, CORS, the front cache) are
# the reference. Each case is sent to both, in process, from one client address of its own.
ALLOWED = "https://app.example.org"
DECLINED = [(b"content-length", b"2")]  # a body the door leaves to the layers
DOOR_CASES: list[tuple[str, str, list[tuple[bytes, bytes]]]] = [
    ("GET", "/api/v1/releases/latest", []),
    ("HEAD", "/api/v1/releases/latest", []),
    ("GET", "/api/v1/releases?pageSize=20", []),
    ("GET", "/api/v1/releases/latest", [(b"x-request-id", b"door-test-0001")]),
    ("GET", "/api/v1/releases/latest", [(b"x-request-id", b"bad id")]),
    ("GET", "/api/v1/releases/latest", [(b"origin", ALLOWED.encode())]),
    ("GET", "/api/v1/releases/latest", [(b"origin", b"https://elsewhere.example.org")]),
    ("GET", "/api/v1/releases/latest", [(b"if-none-match", b"ETAG")]),
    ("HEAD", "/api/v1/releases/latest", [(b"if-none-match", b'W/"other", ETAG')]),
    ("GET", "/api/v1/releases/latest", [(b"if-none-match", b'"other"')]),
    ("GET", "/api/v1/releases/latest", [(b"content-length", b"0")]),
    ("GET", "/api/v1/releases/latest", [(b"cache-control", b"max-age=0")]),
    ("GET", "/api/v1/releases/latest", DECLINED),  # the layers' (and Connection: close)
]


async def _asgi_call(
    app: Any, method: str, target: str, headers: list[tuple[bytes, bytes]], client: str
) -> tuple[dict[str, Any], bytes, dict[str, Any]]:
    """One request to ``app``: the start message, the body, and the scope as it was left."""
    path, _, query = target.partition("?")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": (client, 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0], body, scope


def _comparable(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers with the values that differ from one request to the next left out."""
    return [
        (name, b"" if name in (b"ratelimit-remaining", b"x-request-id") else value)
        for name, value in headers
    ]


@pytest.mark.parametrize("cors_origins", [(), (ALLOWED,)], ids=["no-cors", "cors"])
def test_the_front_doors_answers_are_the_layers_answers(
    tmp_path: Path, cors_origins: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Header for header, in the same order, with the same status and body: every case once
    under the limit and once over it (a 429), and the door answers without entering Litestar.
    The limiter's clock stands still in the middle of a window, so a 429's ``Retry-After``
    (and its body's seconds) cannot change between the two answers compared."""
    still = (int(time.time()) // 60) * 60 + 30.0
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: still))
    settings = make_settings(
        seeded_sqlite(tmp_path / "door.sqlite3"),
        tmp_path,
        rate_limit_enabled=True,
        rate_limits="LOW=4/300/1500",
        cors_origins=cors_origins,
        access_log=True,
    )
    app = create_app(settings)
    door = app.door
    assert door is not None
    lines: list[dict[str, Any]] = []
    access = logging.getLogger("pydotorg.access")
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(dict(record.fields))  # type: ignore[attr-defined,method-assign]
    access.addHandler(handler)

    async def scenario() -> None:
        async with app.lifespan():
            await asyncio.sleep(0.4)  # the version poller has read the tokens
            for number, (method, target, headers) in enumerate(DOOR_CASES):
                client = f"10.0.0.{number + 1}"
                await _asgi_call(app, "GET", target, [], f"10.9.9.{number + 1}")  # stored
                first, _, _ = await _asgi_call(app, "GET", target, [], f"10.9.9.{number + 1}")
                etag = dict(first["headers"])[b"etag"]
                headers = [(n, v.replace(b"ETAG", etag)) for n, v in headers]
                for over in (False, True):
                    app.door = None
                    layers, layers_body, _ = await _asgi_call(app, method, target, headers, client)
                    app.door = door
                    answered, door_body, scope = await _asgi_call(
                        app, method, target, headers, client
                    )
                    case = (method, target, headers, over)
                    assert answered["status"] == layers["status"], case
                    assert _comparable(answered["headers"]) == _comparable(layers["headers"]), case
                    assert door_body == layers_body, case
                    door_line, layers_line = lines.pop(), lines.pop()
                    for line in (door_line, layers_line):
                        assert line.pop("request_id") and line.pop("duration_ms") >= 0
                    assert door_line == layers_line, case
                    assert ("app" in scope) is (headers == DECLINED), case
                    if over:
                        assert answered["status"] == 429, case
                    else:  # the 3rd and 4th: the next two are over the limit
                        await _asgi_call(app, method, target, headers, client)
                        await _asgi_call(app, method, target, headers, client)

    try:
        asyncio.run(scenario())
    finally:
        access.removeHandler(handler)
