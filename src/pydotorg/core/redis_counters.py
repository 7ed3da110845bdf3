"""Rate-limit counters in Redis, shared by every worker and host, counted exactly and cheaply.

Every request is counted in Redis before it is answered, so several processes share one limit
exactly. What makes that cheap is batching: while one batch is out, the hits that arrive wait
and then go to Redis together, as one write holding, per key, ``SET key 0 EX ttl NX`` (the
counter exists with its expiry before it is counted) and ``INCRBY key hits``; each hit gets its
own place in the returned total. Replies are parsed by hiredis. A general client (redis-py)
spends far more per call on connection-pool and command machinery than the count itself
costs, and a Lua script (``EVALSHA``) costs Redis several times what the two plain commands do;
``bench/ratelimit.sh`` measured both.

If Redis is away, slow or refuses a command, the hits waiting for it are answered "no count"
(the limiter then serves them: fail open), the outage is logged once and counted, and the next
connection attempt is made at most once a second, so limiting resumes when Redis returns.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import ssl
import time
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import hiredis

logger = logging.getLogger("pydotorg.ratelimit")

Reply = Any
OnReplies = Callable[[list[Reply] | None], None]
Waiting = tuple[float, int, list[Reply], OnReplies]
Batch = dict[str, list["asyncio.Future[int | None]"]]


def command(*parts: bytes) -> bytes:
    """One Redis command in the RESP protocol."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        out.append(b"$%d\r\n%s\r\n" % (len(part), part))
    return b"".join(out)


class RedisAddress:
    """Where Redis is and how to sign in, from ``redis://``, ``rediss://`` or ``unix://`` URLs."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"redis", "rediss", "unix"}:
            raise ValueError(f"REDIS_URL must start with redis://, rediss:// or unix://: {url!r}")
        self.unix_path = parts.path if parts.scheme == "unix" else None
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 6379
        self.tls = parts.scheme == "rediss"
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        query = dict(part.partition("=")[::2] for part in parts.query.split("&") if part)
        database = query.get("db") or (parts.path.strip("/") if parts.scheme != "unix" else "")
        self.database = int(database or 0)

    def handshake(self) -> list[bytes]:
        """The commands a new connection sends before counting: sign in, choose the database."""
        commands = []
        if self.password is not None:
            names = [self.username.encode()] if self.username else []
            commands.append(command(b"AUTH", *names, self.password.encode()))
        if self.database:
            commands.append(command(b"SELECT", str(self.database).encode()))
        return commands

    async def open(self, protocol: Callable[[], asyncio.Protocol]) -> asyncio.BaseTransport:
        loop = asyncio.get_running_loop()
        if self.unix_path is not None:
            transport, _ = await loop.create_unix_connection(protocol, self.unix_path)
        else:
            context = ssl.create_default_context() if self.tls else None
            transport, _ = await loop.create_connection(protocol, self.host, self.port, ssl=context)
        return transport


class Connection(asyncio.Protocol):
    """One pipelined connection: commands go out in order, replies come back to their sender.

    Each ``send`` says how many replies its commands will get; its callback receives them all
    at once, or None if the connection is dropped first.
    """

    def __init__(self, on_lost: Callable[[Connection, Exception], None]) -> None:
        self.on_lost = on_lost
        self.reader = hiredis.Reader()
        self.waiting: collections.deque[Waiting] = collections.deque()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def send(self, data: bytes, replies: int, on_replies: OnReplies) -> None:
        if self.transport is None or self.transport.is_closing():
            raise ConnectionResetError("the connection to Redis is closed")
        self.waiting.append((time.monotonic(), replies, [], on_replies))
        self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        while (reply := self.reader.gets()) is not False:
            _, expected, received, on_replies = self.waiting[0]
            received.append(reply)
            if len(received) == expected:
                self.waiting.popleft()
                on_replies(received)

    def connection_lost(self, exc: Exception | None) -> None:
        self.on_lost(self, exc or ConnectionResetError("Redis closed the connection"))

    def oldest_wait(self) -> float:
        return time.monotonic() - self.waiting[0][0] if self.waiting else 0.0

    def close(self) -> list[OnReplies]:
        """Drop the connection; give back the callbacks that will never get their replies."""
        if self.transport is not None:
            self.transport.abort()
        orphans = [on_replies for *_, on_replies in self.waiting]
        self.waiting.clear()
        return orphans


class RedisStore:
    """Counters in Redis for the rate limiter (the ``CounterStore`` for ``REDIS_URL``)."""

    name = "redis"
    RETRY_SECONDS = 1.0
    CONNECT_TIMEOUT = 0.5
    REPLY_TIMEOUT = 1.0
    WATCH_SECONDS = 0.1

    def __init__(self, url: str, prefix: str = "pydotorg:rl:", ttl: int = 65) -> None:
        self.address = RedisAddress(url)
        self.prefix = prefix
        self.ttl = b"%d" % ttl
        self.available = True
        self.outages = 0
        self.failed_open = 0
        self.batches = 0
        self._retry_at = 0.0
        self._window = -1
        self._suffix = ""
        self._pending: Batch = {}
        self._flush_scheduled = False
        self._connection: Connection | None = None
        self._connecting: asyncio.Task[None] | None = None
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
        if not self._flush_scheduled:
            self._flush_scheduled = True
            loop.call_soon(self._flush)
        return future

    def _flush(self) -> None:
        """Send what is pending, unless a batch is still out: then its reply will send it."""
        self._flush_scheduled = False
        connection = self._connection
        if not self._pending or (connection is not None and connection.waiting):
            return
        if connection is None:
            if self._connecting is None:
                self._connecting = asyncio.get_running_loop().create_task(self._connect())
            return
        batch, self._pending = self._pending, {}
        self.batches += 1
        data = b"".join(
            command(b"SET", key, b"0", b"EX", self.ttl, b"NX")
            + command(b"INCRBY", key, b"%d" % len(futures))
            for key, futures in ((key.encode(), futures) for key, futures in batch.items())
        )
        try:
            connection.send(data, 2 * len(batch), lambda replies: self._counted(batch, replies))
        except Exception as exc:  # whatever goes wrong, no request may wait for ever
            self._fail_open(batch)
            self._broken(exc)
            return
        if self._watchdog is None:
            self._watchdog = asyncio.get_running_loop().call_later(self.WATCH_SECONDS, self._watch)

    def _counted(self, batch: Batch, replies: list[Reply] | None) -> None:
        if replies is None:  # the connection was dropped before Redis answered
            self._fail_open(batch)
            return
        error = next((reply for reply in replies if isinstance(reply, hiredis.ReplyError)), None)
        if error is not None:
            self._fail_open(batch)
            self._broken(ConnectionError(f"Redis refused to count: {error}"))
            return
        if not self.available:
            self.available = True
            logger.warning("rate-limit store available again; limiting resumed")
        for futures, total in zip(batch.values(), replies[1::2], strict=True):
            first = total - len(futures) + 1
            for offset, future in enumerate(futures):
                if not future.done():
                    future.set_result(first + offset)
        self._flush()

    # Failing open and coming back ------------------------------------------------------------

    def _fail_open(self, batch: Batch) -> None:
        for futures in batch.values():
            for future in futures:
                if not future.done():
                    future.set_result(None)
                    self.failed_open += 1

    def _broken(self, exc: BaseException) -> None:
        """Redis cannot count now: answer everything waiting with no count; retry in a while."""
        self._drop_connection()
        self._retry_at = time.monotonic() + self.RETRY_SECONDS
        if self.available:
            self.available = False
            self.outages += 1
            logger.warning("rate-limit store unavailable, failing open: %r", exc)

    def _drop_connection(self) -> None:
        """Close the connection; every hit sent or waiting gets "no count"."""
        connection, self._connection = self._connection, None
        if connection is not None:
            for on_replies in connection.close():
                on_replies(None)
        pending, self._pending = self._pending, {}
        self._fail_open(pending)

    def _lost(self, connection: Connection, exc: Exception) -> None:
        if connection is self._connection:
            self._broken(exc)

    def _watch(self) -> None:
        self._watchdog = None
        connection = self._connection
        if connection is None or not connection.waiting:
            return
        if connection.oldest_wait() > self.REPLY_TIMEOUT:
            self._broken(TimeoutError(f"no reply from Redis in {self.REPLY_TIMEOUT} s"))
            return
        self._watchdog = asyncio.get_running_loop().call_later(self.WATCH_SECONDS, self._watch)

    async def _connect(self) -> None:
        connection = Connection(self._lost)
        try:
            await asyncio.wait_for(self.address.open(lambda: connection), self.CONNECT_TIMEOUT)
            for request in self.address.handshake():
                reply: asyncio.Future[list[Reply] | None] = (
                    asyncio.get_running_loop().create_future()
                )
                connection.send(request, 1, reply.set_result)
                answer = await asyncio.wait_for(reply, self.REPLY_TIMEOUT)
                if answer is None or isinstance(answer[0], hiredis.ReplyError):
                    raise ConnectionError(f"Redis refused the connection: {answer}")
        except Exception as exc:  # refused, timed out, or anything else: serve without limits
            connection.close()
            self._connecting = None
            self._broken(exc)
            return
        self._connection = connection
        self._connecting = None
        self._flush()

    # Lifecycle and health ------------------------------------------------------------------------

    async def aclose(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        if self._connecting is not None:
            self._connecting.cancel()
        self._drop_connection()

    def status(self) -> dict[str, Any]:
        return {
            "store": self.name,
            "available": self.available,
            "outages": self.outages,
            "failed_open": self.failed_open,
            "batches": self.batches,
        }
