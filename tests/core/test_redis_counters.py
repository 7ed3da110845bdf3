"""The Redis counter store on its own: exact batched counts, signing in, and failing open."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable
from typing import Any

import pytest
import redis

from pydotorg.core.redis_counters import RedisAddress, RedisStore, command
from tests.support import free_port, redis_server, require_redis


def run(coroutine: Awaitable[Any]) -> Any:
    async def main() -> Any:
        return await coroutine

    return asyncio.run(main())


async def count(store: RedisStore, key: str, window: int = 1) -> int | None:
    answer = store.hit(key, window)
    return answer if answer is None else await answer


def unique_prefix() -> str:
    return f"pydotorg-test-{uuid.uuid4().hex[:8]}:"


def test_concurrent_hits_get_one_place_each_in_few_round_trips() -> None:
    url = require_redis()
    prefix = unique_prefix()

    async def scenario() -> tuple[list[int | None], list[int | None], dict[str, Any]]:
        store = RedisStore(url, prefix=prefix)
        try:
            first = await asyncio.gather(*(count(store, "LOW:ip:10.0.0.1") for _ in range(50)))
            other = await asyncio.gather(*(count(store, "LOW:ip:10.0.0.2") for _ in range(3)))
            return first, other, store.status()
        finally:
            await store.aclose()

    first, other, status = run(scenario())
    assert sorted(n for n in first if n is not None) == list(range(1, 51))
    assert sorted(n for n in other if n is not None) == [1, 2, 3]
    assert status["available"] is True and status["failed_open"] == 0
    assert status["batches"] < 53
    client = redis.Redis.from_url(url)
    try:
        assert client.get(f"{prefix}LOW:ip:10.0.0.1:1") == b"50"
        assert 0 < client.ttl(f"{prefix}LOW:ip:10.0.0.1:1") <= 65
    finally:
        client.delete(f"{prefix}LOW:ip:10.0.0.1:1", f"{prefix}LOW:ip:10.0.0.2:1")
        client.close()


def test_a_counter_that_is_not_a_number_fails_open_and_says_so() -> None:
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


def test_a_wrong_password_fails_open_and_says_so() -> None:
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


def test_no_redis_listening_fails_open_within_the_connect_timeout() -> None:
    async def scenario() -> tuple[int | None, float, dict[str, Any]]:
        store = RedisStore(f"redis://127.0.0.1:{free_port()}/0")
        try:
            started = time.monotonic()
            answer = await count(store, "k")
            return answer, time.monotonic() - started, store.status()
        finally:
            await store.aclose()

    answer, took, status = run(scenario())
    assert answer is None
    assert took < RedisStore.CONNECT_TIMEOUT + 0.5
    assert status == {
        "store": "redis",
        "available": False,
        "outages": 1,
        "failed_open": 1,
        "batches": 0,
    }


def test_a_redis_that_never_answers_fails_open_after_the_reply_timeout() -> None:
    async def scenario() -> tuple[int | None, float, int | None, dict[str, Any]]:
        async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(1 << 16)  # takes the command and never answers
            await asyncio.sleep(30)  # keeps the connection open (cancelled at the end)

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        store = RedisStore(f"redis://127.0.0.1:{port}/0")
        store.REPLY_TIMEOUT = 0.3
        try:
            started = time.monotonic()
            answer = await count(store, "k")
            took = time.monotonic() - started
            during_retry_pause = store.hit("k", 1)  # answered at once, no waiting
            assert not isinstance(during_retry_pause, asyncio.Future)
            return answer, took, during_retry_pause, store.status()
        finally:
            await store.aclose()
            server.close()

    answer, took, during_retry_pause, status = run(scenario())
    assert answer is None and during_retry_pause is None
    assert 0.3 <= took < 1.0
    assert status["available"] is False
    assert status["outages"] == 1 and status["failed_open"] == 2


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "redis://127.0.0.1:6379/0",
            {"host": "127.0.0.1", "port": 6379, "tls": False, "database": 0, "password": None},
        ),
        (
            "rediss://alice:p%40ss@cache.example:6380/2",
            {"host": "cache.example", "port": 6380, "tls": True, "database": 2},
        ),
        ("redis://cache.example?db=5", {"host": "cache.example", "port": 6379, "database": 5}),
        ("unix:///run/redis.sock?db=1", {"unix_path": "/run/redis.sock", "database": 1}),
    ],
)
def test_redis_urls_are_read_like_redis_py_reads_them(url: str, expected: dict[str, Any]) -> None:
    address = RedisAddress(url)
    assert {name: getattr(address, name) for name in expected} == expected


def test_the_handshake_signs_in_then_selects_the_database() -> None:
    address = RedisAddress("rediss://alice:p%40ss@cache.example:6380/2")
    assert address.handshake() == [
        command(b"AUTH", b"alice", b"p@ss"),
        command(b"SELECT", b"2"),
    ]
    assert RedisAddress("redis://127.0.0.1/0").handshake() == []
    assert command(b"GET", b"k") == b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"


def test_other_url_schemes_are_refused() -> None:
    with pytest.raises(ValueError, match="REDIS_URL must start with"):
        RedisAddress("http://127.0.0.1:6379")
