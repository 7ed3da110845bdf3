"""The Redis counter store on its own: exact batched counts, signing in, and failing open."""

from __future__ import annotations

import asyncio
import logging
import ssl
import types
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from redis._parsers import _AsyncHiredisParser
from redis.asyncio.connection import SSLConnection, UnixDomainSocketConnection
from redis.utils import HIREDIS_AVAILABLE

from pydotorg.web import redis_counters
from pydotorg.web.redis_counters import RedisStore
from tests.factories import token
from tests.support import free_port, redis_server, require_redis


class Clock:
    """Stands in for the store module's ``time``: the retry pause passes when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(redis_counters, "time", types.SimpleNamespace(monotonic=fake.monotonic))
    return fake


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def warnings_log() -> Iterator[Captured]:
    handler = Captured()
    logger = logging.getLogger("pydotorg.ratelimit")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def run(coroutine: Awaitable[Any]) -> Any:
    async def main() -> Any:
        return await coroutine

    return asyncio.run(main())


async def count(store: RedisStore, key: str, window: int = 1) -> int | None:
    answer = store.hit(key, window)
    return answer if answer is None else await answer


def unique_prefix() -> str:
    return f"pydotorg-test-{token(8)}:"


def test_concurrent_hits_get_one_place_each_in_few_round_trips() -> None:
    port = free_port()  # a Redis of the test's own, so that its command counts are the store's
    url = f"redis://127.0.0.1:{port}/0"

    async def scenario(store: RedisStore) -> tuple[list[int | None], list[int | None]]:
        try:
            first = await asyncio.gather(*(count(store, "LOW:ip:10.0.0.1") for _ in range(50)))
            other = await asyncio.gather(*(count(store, "LOW:ip:10.0.0.2") for _ in range(3)))
            return first, other
        finally:
            await store.aclose()

    with redis_server(port):
        store = RedisStore(url, prefix="rl:")
        first, other = run(scenario(store))
        client = redis.Redis(port=port)
        stats = client.info("commandstats")
        assert client.get("rl:LOW:ip:10.0.0.1:1") == b"50"
        assert client.get("rl:LOW:ip:10.0.0.2:1") == b"3"
        assert 0 < client.ttl("rl:LOW:ip:10.0.0.1:1") <= 65
        client.close()
    assert sorted(n for n in first if n is not None) == list(range(1, 51))
    assert sorted(n for n in other if n is not None) == [1, 2, 3]
    status = store.status()
    assert status["available"] is True and status["failed_open"] == 0
    # 53 hits, counted by Redis in fewer INCRBYs (round trips) than hits, each with its SET NX.
    incrby = stats["cmdstat_incrby"]["calls"]
    assert incrby < 53
    assert stats["cmdstat_set"]["calls"] == incrby
    assert status["batches"] <= incrby


def test_hits_that_arrive_while_a_batch_is_out_go_together_as_the_next() -> None:
    url = require_redis()
    prefix = unique_prefix()

    async def scenario() -> tuple[int | None, list[int | None], int, int]:
        store = RedisStore(url, prefix=prefix)
        try:
            assert await count(store, "k") == 1  # connected
            alone = store.hit("k", 1)
            await asyncio.sleep(0)  # the store sends it and waits for Redis's answer
            sent = store.batches
            later = await asyncio.gather(*(count(store, "k") for _ in range(10)))
            assert alone is not None
            return await alone, later, sent, store.batches
        finally:
            await store.aclose()

    try:
        alone, later, sent, batches = run(scenario())
    finally:
        redis.Redis.from_url(url).delete(f"{prefix}k:1")
    assert alone == 2
    assert sorted(n for n in later if n is not None) == list(range(3, 13))
    assert (sent, batches) == (2, 3)


def test_a_counter_that_is_not_a_number_fails_open_and_says_so(warnings_log: Captured) -> None:
    url = require_redis()
    prefix = unique_prefix()
    client = redis.Redis.from_url(url)
    client.set(f"{prefix}LOW:user:7:1", "not a number", ex=60)

    async def scenario() -> tuple[int | None, dict[str, Any]]:
        store = RedisStore(url, prefix=prefix)
        try:
            return await count(store, "LOW:user:7"), store.status()
        finally:
            await store.aclose()

    try:
        answer, status = run(scenario())
    finally:
        client.delete(f"{prefix}LOW:user:7:1")
        client.close()
    assert answer is None
    assert status["available"] is False
    assert status["outages"] == 1 and status["failed_open"] == 1
    assert len(warnings_log.messages) == 1
    assert "not an integer" in warnings_log.messages[0]


def test_signs_in_and_uses_the_database_of_the_url() -> None:
    port = free_port()
    with redis_server(port, "--requirepass", "s3cret word"):
        url = f"redis://:s3cret%20word@127.0.0.1:{port}/3"

        async def scenario() -> int | None:
            store = RedisStore(url, prefix="rl:")
            try:
                return await count(store, "LOW:ip:10.1.1.1")
            finally:
                await store.aclose()

        assert run(scenario()) == 1
        client = redis.Redis(port=port, password="s3cret word", db=3)
        assert client.get("rl:LOW:ip:10.1.1.1:1") == b"1"
        assert redis.Redis(port=port, password="s3cret word", db=0).dbsize() == 0
        client.close()


def test_a_unix_socket_url_with_a_database(tmp_path: Path) -> None:
    port = free_port()
    socket = tmp_path / "redis.sock"
    with redis_server(port, "--unixsocket", str(socket)):

        async def scenario() -> int | None:
            store = RedisStore(f"unix://{socket}?db=2", prefix="rl:")
            try:
                await count(store, "k")
                return await count(store, "k")
            finally:
                await store.aclose()

        assert run(scenario()) == 2
        assert redis.Redis(port=port, db=2).get("rl:k:1") == b"2"


def test_a_wrong_password_fails_open_and_says_so(warnings_log: Captured) -> None:
    port = free_port()
    with redis_server(port, "--requirepass", "right"):

        async def scenario() -> tuple[int | None, int | None, dict[str, Any]]:
            store = RedisStore(f"redis://:wrong@127.0.0.1:{port}/0")
            try:
                return await count(store, "k"), await count(store, "k"), store.status()
            finally:
                await store.aclose()

        first, second, status = run(scenario())
    assert first is None and second is None
    assert status["available"] is False
    assert status["outages"] == 1 and status["failed_open"] == 2
    assert len(warnings_log.messages) == 1
    assert "password" in warnings_log.messages[0].lower()


def test_nothing_listening_fails_open_at_once_and_retries_once_a_second(
    clock: Clock, warnings_log: Captured
) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"

    async def scenario() -> tuple[list[int | None], list[Any], dict[str, Any], int | None]:
        store = RedisStore(url, prefix="rl:")
        try:
            refused = [await count(store, "k")]  # tries to connect: refused
            clock.now += 0.9  # within the retry pause: answered at once, no new attempt
            paused = [store.hit("k", 1) for _ in range(3)]
            clock.now += 0.2  # the pause is over: the next hit tries again, and is refused
            refused.append(await count(store, "k"))
            during = store.status()
            with redis_server(port):
                clock.now += 1.1  # Redis is back: the next hit after the pause is counted
                back = await count(store, "k")
            return refused, paused, during, back
        finally:
            await store.aclose()

    refused, paused, during, back = run(scenario())
    assert refused == [None, None]
    assert paused == [None, None, None]
    assert during["available"] is False
    assert during["outages"] == 1 and during["failed_open"] == 5
    assert back == 1
    assert len(warnings_log.messages) == 2  # one for the outage, however many attempts failed
    assert "unavailable" in warnings_log.messages[0]
    assert "Timeout" not in warnings_log.messages[0]  # refused at once, not waited for
    assert "available again" in warnings_log.messages[1]


def test_a_redis_that_never_answers_fails_open_after_the_reply_timeout(
    warnings_log: Captured,
) -> None:
    received: list[bytes] = []

    async def scenario() -> tuple[int | None, Any, dict[str, Any]]:
        async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            # Answers the client's greeting (redis-py's CLIENT SETINFO), then takes every
            # command and never answers.
            while data := await reader.read(1 << 16):
                received.append(data)
                writer.write(b"+OK\r\n" * data.count(b"SETINFO"))

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        store = RedisStore(f"redis://127.0.0.1:{port}/0")
        store.REPLY_TIMEOUT = 0.3
        try:
            # 30 s: only a bound on a store that would wait for ever (the test then fails).
            answer = await asyncio.wait_for(count(store, "k"), 30)
            during_retry_pause = store.hit("k", 1)  # answered at once, no waiting
            assert not isinstance(during_retry_pause, asyncio.Future)
            return answer, during_retry_pause, store.status()
        finally:
            await store.aclose()
            server.close()

    answer, during_retry_pause, status = run(scenario())
    assert answer is None and during_retry_pause is None
    assert b"INCRBY" in b"".join(received)  # the hit was sent, and its answer waited for
    assert status["available"] is False
    assert status["outages"] == 1 and status["failed_open"] == 2
    assert len(warnings_log.messages) == 1
    assert "TimeoutError" in warnings_log.messages[0]
    assert "no reply from Redis in 0.3 s" in warnings_log.messages[0]


def test_closing_answers_waiting_hits_with_no_count() -> None:
    async def scenario() -> tuple[int | None, dict[str, Any]]:
        async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while await reader.read(1 << 16):
                pass

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        store = RedisStore(f"redis://127.0.0.1:{port}/0")
        waiting = store.hit("k", 1)
        assert waiting is not None
        await asyncio.sleep(0.05)
        await store.aclose()
        server.close()
        return await asyncio.wait_for(waiting, 30), store.status()

    answer, status = run(scenario())
    assert answer is None
    assert status["failed_open"] == 1


def test_other_url_schemes_are_refused() -> None:
    with pytest.raises(ValueError, match="Redis URL must specify"):
        RedisStore("http://127.0.0.1:6379")


# Where Redis is: redis-py reads the URL ------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind", "expected"),
    [
        (
            "redis://127.0.0.1:6379/0",
            "tcp",
            {"host": "127.0.0.1", "port": 6379, "db": 0, "username": None, "password": None},
        ),
        (
            "rediss://alice:p%40ss@cache.example:6380/2",
            "tls",
            {
                "host": "cache.example",
                "port": 6380,
                "db": 2,
                "username": "alice",
                "password": "p@ss",
            },
        ),
        ("redis://cache.example?db=5", "tcp", {"host": "cache.example", "port": 6379, "db": 5}),
        ("unix:///run/redis.sock?db=1", "unix", {"path": "/run/redis.sock", "db": 1}),
    ],
)
def test_redis_urls(url: str, kind: str, expected: dict[str, Any]) -> None:
    connection = RedisStore(url)._pool.make_connection()  # type: ignore[no-untyped-call]
    assert {name: getattr(connection, name) for name in expected} == expected
    assert isinstance(connection, SSLConnection) == (kind == "tls")
    assert isinstance(connection, UnixDomainSocketConnection) == (kind == "unix")
    assert connection.protocol == 2  # no RESP3 HELLO: any Redis will do
    if kind == "tls":  # the server's certificate and name are checked
        assert connection.ssl_context.cert_reqs == ssl.CERT_REQUIRED
        assert connection.ssl_context.check_hostname is True


def test_replies_are_parsed_by_hiredis() -> None:
    connection = RedisStore("redis://127.0.0.1:6379/0")._pool.make_connection()  # type: ignore[no-untyped-call]
    assert HIREDIS_AVAILABLE  # redis[hiredis] is a dependency; redis-py then parses with it
    assert isinstance(connection._parser, _AsyncHiredisParser)
