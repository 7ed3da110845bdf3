"""Liveness and readiness probes, and what requests answer while the database is away."""

from __future__ import annotations

import asyncio
import math
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import redis
from sqlalchemy import event, make_url

from pydotorg.db.database import ReadinessProbe
from pydotorg.db.serving import serving_engine
from tests.support import (
    free_port,
    log_records,
    make_settings,
    redis_server,
    require_redis,
    run_server,
    seeded_database,
    seeded_sqlite,
    serve_app,
    tcp_proxy,
    wait_until,
)

LATEST = "/api/v1/releases/latest"


def test_health_and_ready(anon: httpx.Client) -> None:
    health = anon.get("/health").json()
    assert health["status"] == "ok"
    assert health["rate_limit"] == {"store": "memory", "available": True}
    assert health["response_cache"]["enabled"] is True
    assert anon.get("/ready").json() == {"status": "ready"}


def assert_unavailable(response: httpx.Response) -> dict[str, object]:
    """A 503 in the error shape, with ``Retry-After``, that says nothing of the internals."""
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    body: dict[str, object] = response.json()
    assert body["status_code"] == 503 and body["detail"] == "Database unavailable."
    assert set(body) == {"detail", "status_code", "extra"}
    assert "Traceback" not in response.text and "asyncpg" not in response.text
    return body


def test_requests_are_503_with_retry_after_while_the_database_is_down(tmp_path: Path) -> None:
    """Granian's own command on the app factory: ``pydotorg serve`` would stop at migrating."""
    settings = make_settings("postgresql+asyncpg://nobody@127.0.0.1:1/none", tmp_path)
    log_path = tmp_path / "server.log"
    with (
        serve_app(settings, log_path, prepare_database=False) as base_url,
        httpx.Client(base_url=base_url) as client,
    ):
        assert client.get("/health").status_code == 200
        ready = assert_unavailable(client.get("/ready"))
        assert ready["extra"] == {"database": "ConnectionRefusedError"}
        for _ in range(3):
            assert_unavailable(client.get(LATEST))
        # Checking a credential needs the database too: 503, not 401 nor 500.
        key = {"Authorization": "Bearer pdo_abcdefgh_" + "x" * 32}
        assert_unavailable(client.get(LATEST, headers=key))
        time.sleep(0.6)  # the response cache's poller tries every 0.25 s
    cache_off = [r["message"] for r in log_records(log_path, "pydotorg.cache")]
    assert len(cache_off) == 1 and "cache off" in cache_off[0], cache_off
    outages = [r["message"] for r in log_records(log_path, "pydotorg.database")]
    # Logged once for the four refusals (at most once per 10 s), naming the cause.
    assert len(outages) == 1 and "ConnectionRefusedError" in outages[0], outages
    assert not log_records(log_path, "pydotorg.errors")  # no 500, no traceback


def move_away(database: Path, aside: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        source = database.with_name(database.name + suffix)
        if source.exists():
            source.rename(aside.with_name(aside.name + suffix))


def test_a_sqlite_file_that_vanishes_is_503_until_it_returns(tmp_path: Path) -> None:
    database = tmp_path / "data" / "pydotorg.sqlite3"
    aside = tmp_path / "aside.sqlite3"
    url = seeded_sqlite(database)
    with run_server("sqlite", url, tmp_path, response_cache=False) as live, live.client() as client:
        move_away(database, aside)
        # No request has opened a pooled connection yet: each needs a new one, and none can open.
        assert_unavailable(client.get("/ready"))
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: client.get(LATEST), range(24)))
        for answer in answers:
            assert_unavailable(answer)
        assert not database.exists(), "the server created an empty database in its place"

        move_away(aside, database)  # back: answers again, without a restart
        wait_until(lambda: client.get("/ready").status_code == 200, timeout=5)
        assert client.get(LATEST).status_code == 200  # a connection is now in the pool

        # /ready asks on a new connection, not the pooled one that still reads the moved file.
        move_away(database, aside)
        wait_until(lambda: client.get("/ready").status_code == 503, timeout=5)
        move_away(aside, database)


def register(client: httpx.Client, username: str) -> httpx.Response:
    body = {
        "username": username,
        "email": f"{username}@example.org",
        "password": "a long passphrase 1",
    }
    return client.post("/api/auth/register", json=body)


def test_a_replaced_sqlite_file_is_never_written_through_an_old_connection(tmp_path: Path) -> None:
    """Pooled connections keep the file they opened: once the configured path names another
    file (or none), none of them may write again."""
    database = tmp_path / "data" / "pydotorg.sqlite3"
    backup = tmp_path / "backup.sqlite3"
    url = seeded_sqlite(database)
    with run_server("sqlite", url, tmp_path, response_cache=False) as live, live.client() as client:
        with ThreadPoolExecutor(8) as pool:  # several connections in the pool
            assert set(pool.map(lambda _: client.get(LATEST).status_code, range(16))) == {200}
        assert register(client, "before").status_code == 201
        with sqlite3.connect(database) as source, sqlite3.connect(backup) as copy:
            source.backup(copy)
        for suffix in ("", "-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)

        assert_unavailable(register(client, "into-the-void"))
        assert_unavailable(client.get(LATEST))
        assert not database.exists(), "the server created an empty database in its place"

        backup.rename(database)  # the backup restored: writes go to it, without a restart
        assert register(client, "restored").status_code == 201
        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(lambda _: client.get(LATEST).status_code, range(16))) == {200}
    with sqlite3.connect(database) as restored:
        names = {row[0] for row in restored.execute("SELECT username FROM users")}
    assert {"before", "restored"} <= names and "into-the-void" not in names
    assert not log_records(live.log_path, "pydotorg.errors")  # never a 500


def test_postgresql_going_away_is_503_and_recovers_without_a_restart(tmp_path: Path) -> None:
    with seeded_database("postgresql", tmp_path) as real_url:
        real = make_url(real_url)
        with tcp_proxy((real.host or "127.0.0.1", real.port or 5432)) as proxy:
            url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
            with run_server("postgresql", url, tmp_path, response_cache=False) as live:
                client = live.client()
                assert client.get(LATEST).status_code == 200  # a pooled connection
                proxy.cut()  # the server goes away: pooled connections die, new ones are refused
                assert_unavailable(client.get(LATEST))
                assert_unavailable(client.get(LATEST))
                wait_until(lambda: client.get("/ready").status_code == 503, timeout=5)
                proxy.open()
                wait_until(lambda: client.get(LATEST).status_code == 200, timeout=10)
                wait_until(lambda: client.get("/ready").status_code == 200, timeout=5)
                assert not log_records(live.log_path, "pydotorg.errors")  # never a 500


def test_ready_asks_the_database_at_most_once_a_second(tmp_path: Path) -> None:
    """However many callers at once: one new connection, then the answer is shared."""
    database = tmp_path / "probe.sqlite3"
    url = f"sqlite+aiosqlite:///{database}"

    async def run() -> tuple[int, list[BaseException | None], BaseException | None, object]:
        engine = serving_engine(url, pool=False)
        connects = 0

        def count(*_: object) -> None:
            nonlocal connects
            connects += 1

        event.listen(engine.sync_engine, "connect", count)
        probe = ReadinessProbe(engine, ttl=60)
        try:
            async with engine.begin() as connection:  # a migrated database, as /ready expects
                await connection.exec_driver_sql("CREATE TABLE alembic_version (version_num TEXT)")
            connects = 0
            answers = await asyncio.gather(*(probe.check() for _ in range(50)))
            database.unlink()
            cached = await probe.check()  # within the ttl: the last answer, no new connection
            fresh = await ReadinessProbe(engine, ttl=60).check()
        finally:
            await engine.dispose()
        return connects, answers, cached, fresh

    database.touch()
    connects, answers, cached, fresh = asyncio.run(run())
    assert connects == 1
    assert answers == [None] * 50 and cached is None
    assert type(fresh).__name__ == "OperationalError" and "unable to open" in str(fresh)
    assert not database.exists(), "the probe created a new file in place of the missing one"


def test_an_unreachable_redis_is_reported_at_start_and_when_it_returns(tmp_path: Path) -> None:
    require_redis()
    port = free_port()
    prefix = f"test-{port}:"
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'none.sqlite3'}",
        tmp_path,
        rate_limit_enabled=True,
        redis_url=f"redis://:s3cret@127.0.0.1:{port}/0",
        redis_key_prefix=prefix,
    )
    log_path = tmp_path / "server.log"
    with (
        serve_app(settings, log_path, prepare_database=False) as base_url,
        httpx.Client(base_url=base_url) as client,
    ):
        status = client.get("/health").json()["rate_limit"]
        assert status["store"] == "redis" and status["available"] is False, status
        assert status["outages"] == 1 and status["failed_open"] == 0, status
        for _ in range(5):
            client.get("/health")
        warnings = [r["message"] for r in log_records(log_path, "pydotorg.ratelimit")]
        assert len(warnings) == 1, warnings
        assert f"redis://:***@127.0.0.1:{port}/0 unavailable" in warnings[0]
        assert "s3cret" not in log_path.read_text()

        with redis_server(port, "--requirepass", "s3cret"):
            # No request but /health: it asks Redis again, and says what Redis says now.
            wait_until(lambda: client.get("/health").json()["rate_limit"]["available"], timeout=5)
            started = time.monotonic()
            for _ in range(20):
                assert client.get("/health").json()["rate_limit"]["available"] is True
            elapsed = time.monotonic() - started
            store = redis.Redis(port=port, password="s3cret")
            probes = sum(int(store.get(key) or 0) for key in store.scan_iter(f"{prefix}rl:probe*"))
            # At most one probe per second of the run (and the one that found Redis back).
            assert 1 <= probes <= math.ceil(elapsed) + 2, (probes, elapsed)
        messages = [r["message"] for r in log_records(log_path, "pydotorg.ratelimit")]
        assert len(messages) == 2 and "available again" in messages[1], messages
