"""Rate-limit counters in Redis, shared by every worker and host, counted exactly and cheaply.

Every request is counted in Redis before it is answered, so several processes share one limit
exactly. What makes that cheap is batching: while one batch is out, the hits that arrive wait
and then go to Redis together, as one pipelined write holding, per key, ``SET key 0 EX ttl NX``
(the counter exists with its expiry before it is counted) and ``INCRBY key hits``; each hit
gets its own place in the returned total. Each process keeps one redis-py connection
(``redis.asyncio``, replies parsed by hiredis, RESP2) and uses it directly, without a connection
pool or a pipeline object per batch; redis-py reads the URL, signs in and selects the database.

This replaced a hand-written RESP client (issue 10): under ``bench/ratelimit.sh``'s load that
client saved 0.4 points of the limiter's overhead on a cached GET, less than the 5 that would
have kept it. redis-py spends about 90,000 instructions more per round trip, so the gap grows
as fewer hits share one (5 to 9 points at 8 connections); ``bench/README.md`` has the figures.
A Lua script (``EVALSHA``) costs Redis several times what the two plain commands do.

If Redis is away, slow or refuses a command, the hits waiting for it are answered "no count"
(the limiter then serves them: fail open), the outage is logged once and counted, and the next
connection attempt is made at most once a second, so limiting resumes when Redis returns.

The store asks Redis once when the app starts (:meth:`RedisStore.probe`), so an unreachable
Redis is logged, once, before the first request, and ``/health`` asks again (at most once a
second, with one counted key of its own) so that it reports what Redis does now. Logs name the
server by its URL with the password replaced by ``***``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from redis.asyncio.connection import AbstractConnection, ConnectionPool

logger = logging.getLogger("pydotorg.ratelimit")

Batch = dict[str, list["asyncio.Future[int | None]"]]


def describe(exc: BaseException) -> str:
    """``TimeoutError: ...``: redis-py's own ``repr`` of its errors leaves out the message."""
    text = str(exc) or ("no answer from Redis in time" if isinstance(exc, TimeoutError) else "")
    return f"{type(exc).__name__}: {text}"


def redacted(url: str) -> str:
    """``url`` with its password, if any, replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


class RedisStore:
    """Counters in Redis for the rate limiter (the ``CounterStore`` for ``REDIS_URL``)."""

    name = "redis"
    RETRY_SECONDS = 1.0
    CONNECT_TIMEOUT = 0.5
    REPLY_TIMEOUT = 1.0
    WATCH_SECONDS = 0.1

    def __init__(self, url: str, prefix: str = "pydotorg:rl:", ttl: int = 65) -> None:
        # redis-py reads the URL (redis://[user:password@]host:port/db, rediss://,
        # unix:///path?db=N); the pool is only the factory of the one connection this store
        # keeps: no connection is taken from it or given back per batch.
        # RESP2, like every Redis speaks (redis-py 8 would greet with RESP3's HELLO, Redis 6+).
        self._pool = ConnectionPool.from_url(
            url, socket_connect_timeout=self.CONNECT_TIMEOUT, socket_timeout=None, protocol=2
        )
        self.where = redacted(url)
        self.prefix = prefix
        self.probe_key = f"{prefix}probe"
        self.ttl = b"%d" % ttl
        self.available = True
        self.outages = 0
        self.failed_open = 0
        self.batches = 0
        self._retry_at = 0.0
        self._window = -1
        self._suffix = ""
        self._pending: Batch = {}
        self._connection: AbstractConnection | None = None
        self._worker: asyncio.Task[None] | None = None
        self._wakeup: asyncio.Future[None] | None = None
        self._in_flight: Batch | None = None
        self._sent_at = 0.0
        self._answered_at = -self.RETRY_SECONDS
        self._watchdog: asyncio.TimerHandle | None = None

    # Counting ------------------------------------------------------------------------------

    def hit(self, key: str, window: int) -> asyncio.Future[int | None] | None:
        """A future of the count including this hit, or None at once while Redis is away."""
        if not self.available and time.monotonic() < self._retry_at:
            self.failed_open += 1
            return None
        if window != self._window:
            self._window, self._suffix = window, f":{window}"
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int | None] = loop.create_future()
        full_key = self.prefix + key + self._suffix
        waiting = self._pending.get(full_key)
        if waiting is None:
            self._pending[full_key] = [future]
        else:
            waiting.append(future)
        wakeup = self._wakeup
        if wakeup is not None:  # the sender is idle: it runs on the loop's next turn
            self._wakeup = None
            wakeup.set_result(None)
        elif self._worker is None:
            self._worker = loop.create_task(self._send_batches())
        return future

    async def _send_batches(self) -> None:
        """Send what is pending, one batch at a time, for as long as this store is open."""
        loop = asyncio.get_running_loop()
        batch: Batch = {}
        try:
            while True:
                if not self._pending:
                    self._wakeup = loop.create_future()
                    await self._wakeup
                    continue
                connection = self._connection
                if connection is None:
                    await self._connect()
                    continue
                batch, self._pending = self._pending, {}
                self.batches += 1
                # A timer, not a timeout per batch (cheaper): _watch stops a batch out too long.
                self._in_flight, self._sent_at = batch, time.monotonic()
                if self._watchdog is None:
                    self._watchdog = loop.call_later(self.WATCH_SECONDS, self._watch)
                try:
                    totals = await self._count(connection, batch)
                except Exception as exc:  # whatever goes wrong, no request may wait for ever
                    self._in_flight = None
                    self._fail_open(batch)
                    self._unavailable(exc)
                    await self._disconnect()
                    continue
                self._in_flight = None
                self._answered_at = time.monotonic()
                if not self.available:
                    self.available = True
                    logger.warning(
                        "rate-limit store %s available again; limiting resumed", self.where
                    )
                for futures, total in zip(batch.values(), totals, strict=True):
                    first = total - len(futures) + 1
                    for offset, future in enumerate(futures):
                        if not future.done():
                            future.set_result(first + offset)
        finally:  # closed, timed out (or a bug): nobody may wait for a sender that is gone
            self._fail_open(batch)
            if self._worker is asyncio.current_task():
                self._worker = self._wakeup = self._in_flight = None
                self._fail_open(self._pending)
                self._pending = {}

    async def _count(self, connection: AbstractConnection, batch: Batch) -> list[int]:
        """One round trip: per key, create it with its expiry if new, then add its hits."""
        commands: list[tuple[bytes | str | int, ...]] = []
        for key, futures in batch.items():
            commands.append((b"SET", key, b"0", b"EX", self.ttl, b"NX"))
            commands.append((b"INCRBY", key, len(futures)))
        await connection.send_packed_command(connection.pack_commands(commands), False)
        # A refused command (a counter that is not a number) raises ResponseError here.
        replies = [await connection.read_response() for _ in commands]
        return replies[1::2]

    # Failing open and coming back ------------------------------------------------------------

    def _fail_open(self, batch: Batch) -> None:
        for key, futures in batch.items():
            for future in futures:
                if not future.done():
                    future.set_result(None)
                    if not key.startswith(self.probe_key):  # a probe is not a request
                        self.failed_open += 1

    def _unavailable(self, exc: BaseException) -> None:
        """Redis cannot count now: answer everything waiting with no count; retry in a while."""
        self._retry_at = time.monotonic() + self.RETRY_SECONDS
        if self.available:
            self.available = False
            self.outages += 1
            logger.warning(
                "rate-limit store %s unavailable, failing open: %s", self.where, describe(exc)
            )
        pending, self._pending = self._pending, {}
        self._fail_open(pending)

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.disconnect(nowait=True)

    def _watch(self) -> None:
        """While a batch is out: give up on it, and on the connection, after REPLY_TIMEOUT."""
        self._watchdog = None
        if self._in_flight is None:
            return
        if time.monotonic() - self._sent_at < self.REPLY_TIMEOUT:
            self._watchdog = asyncio.get_running_loop().call_later(self.WATCH_SECONDS, self._watch)
            return
        # Cancelling the sender answers its batch with no count, and redis-py closes the
        # connection it was reading from; the next hit after the retry pause starts a new one.
        worker, self._worker, self._wakeup, self._connection = self._worker, None, None, None
        if worker is not None:
            worker.cancel()
        self._unavailable(TimeoutError(f"no reply from Redis in {self.REPLY_TIMEOUT} s"))

    async def _connect(self) -> None:
        connection: AbstractConnection = self._pool.make_connection()  # type: ignore[no-untyped-call]
        try:
            # The socket within CONNECT_TIMEOUT; signing in and SELECT within REPLY_TIMEOUT.
            async with asyncio.timeout(self.CONNECT_TIMEOUT + self.REPLY_TIMEOUT):
                await connection.connect()  # type: ignore[no-untyped-call]
        except Exception as exc:  # refused, timed out, wrong password: serve without limits
            await connection.disconnect(nowait=True)
            self._unavailable(exc)
            return
        self._connection = connection

    # Lifecycle and health ------------------------------------------------------------------------

    async def probe(self) -> None:
        """Count a key of the store's own now, unless Redis answered within the last second or
        is known to be away until the next retry: at start-up and from ``/health``."""
        now = time.monotonic()
        if now - self._answered_at < self.RETRY_SECONDS:
            return
        if not self.available and now < self._retry_at:
            return
        future = self.hit("probe", max(self._window, 0))
        if future is not None:
            await future

    async def aclose(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        worker = self._worker
        if worker is not None:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.disconnect(nowait=True)
        self._fail_open(self._pending)
        self._pending = {}

    def status(self) -> dict[str, Any]:
        return {
            "store": self.name,
            "available": self.available,
            "outages": self.outages,
            "failed_open": self.failed_open,
            "batches": self.batches,
        }
