"""A per-process cache of anonymous public GET responses, emptied by any write.

Building a response from the database costs milliseconds; serving stored bytes costs
microseconds. Correctness comes from a *data version*: every transaction that changes a row also
changes ``service_meta.data_version``. The worker that commits the write empties its cache at
once; other workers read the version at most ``POLL_SECONDS`` apart and empty theirs when it
moves. So a write is visible immediately on the worker that made it and within a quarter of a
second on the others, far inside the ``max-age`` the responses already advertise.

Only public reads are cached (``core.endpoints`` marks them: GETs anyone may call, unless the
handler says ``cacheable=False``), only for anonymous callers, and rate limiting and ETags still
apply to every request.

An entry is keyed on the host, the path and the query parameters the endpoint reads, sorted by
name (``core.query_strings``): parameters it does not read change nothing in the answer, so
``?x=1``, ``?x=2``, ... are all answered from the one entry rather than each rendered afresh.
A query with a forbidden character is never answered from the cache (the app refuses it). An
endpoint whose answer depends on a request header (a feed asked for as ``text/xml``) names it
in ``vary=``, and the header's value is part of the key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from pydotorg.core.auth import credentials_refused
from pydotorg.core.meta import ServiceMeta
from pydotorg.core.query_strings import QUERY_KEY, cache_key
from pydotorg.db.versioning import VERSION_KEY

logger = logging.getLogger("pydotorg.cache")
CACHE_KEY = "cacheable"
VARY_KEY = "vary"  # request headers an endpoint's answer depends on (lower-case bytes)
POLL_SECONDS = 0.25


@dataclass(frozen=True)
class Entry:
    version: str
    stored: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class ResponseCache:
    """A bounded LRU of response bytes, valid for one data version and ``ttl`` seconds."""

    def __init__(self, max_entries: int = 4096, max_body: int = 1_048_576, ttl: float = 60) -> None:
        self.max_entries = max_entries
        self.max_body = max_body
        self.ttl = ttl
        self.version: str | None = None
        self._entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def status(self) -> dict[str, Any]:
        return {
            "enabled": self.version is not None,
            "entries": len(self._entries),
            "hits": self.hits,
            "misses": self.misses,
        }

    def set_version(self, version: str) -> None:
        if version != self.version:
            self._entries.clear()
            self.version = version

    def get(self, key: tuple[Any, ...]) -> Entry | None:
        entry = self._entries.get(key)
        if (
            entry is None
            or entry.version != self.version
            or time.monotonic() - entry.stored > self.ttl
        ):
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        if len(entry.body) > self.max_body or entry.version != self.version:
            return
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


# Following the data version -----------------------------------------------------------------


async def read_version(engine: AsyncEngine) -> str:
    async with engine.connect() as connection:
        value = await connection.scalar(
            select(ServiceMeta.value).where(ServiceMeta.key == VERSION_KEY)
        )
    return str(value or "")


@contextlib.asynccontextmanager
async def version_poller(app: Litestar) -> AsyncGenerator[None, None]:
    """Keep this worker's cache on the database's data version (lifespan, after the engine)."""
    cache: ResponseCache = app.state.response_cache
    engine: AsyncEngine = app.state.engine

    async def poll() -> None:
        away = False  # logged once when the database goes away, once when it is back
        while True:
            try:
                cache.set_version(await read_version(engine))
            except Exception as exc:  # the database is away: stop serving from the cache
                cache.version = None
                if not away:
                    logger.warning("cannot read the data version, cache off: %s", exc)
                away = True
            else:
                if away:
                    logger.warning("data version readable again, cache on")
                away = False
            await asyncio.sleep(POLL_SECONDS)

    task = asyncio.create_task(poll())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# Serving from the cache -----------------------------------------------------------------------


class ResponseCacheMiddleware:
    """Answers anonymous GETs of cacheable endpoints from the cache, and fills it."""

    def __init__(self, app: ASGIApp, *, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        version = self.cache.version
        if (
            version is None
            or scope["type"] != ScopeType.HTTP
            or scope["method"] != "GET"
            or scope.get("user") is not None
            or credentials_refused(scope)
            or handler is None
            or not handler.opt.get(CACHE_KEY)
        ):
            await self.app(scope, receive, send)
            return
        query = cache_key(scope["query_string"], handler.opt.get(QUERY_KEY))
        if query is None:
            await self.app(scope, receive, send)
            return
        host = next((v for k, v in scope["headers"] if k == b"host"), b"")
        key: tuple[Any, ...] = (host, scope["path"], query)
        vary: tuple[bytes, ...] = handler.opt.get(VARY_KEY, ())
        if vary:
            headers = dict(scope["headers"])
            key += tuple(headers.get(name, b"") for name in vary)
        entry = self.cache.get(key)
        if entry is not None:
            await send(
                {
                    "type": "http.response.start",
                    "status": entry.status,
                    "headers": list(entry.headers),
                }
            )
            await send({"type": "http.response.body", "body": entry.body, "more_body": False})
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start["status"] = message["status"]
                start["headers"] = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and start.get("status") == 200:
                    self.cache.put(
                        key,
                        Entry(
                            version=version,
                            stored=time.monotonic(),
                            status=200,
                            headers=start["headers"],
                            body=b"".join(chunks),
                        ),
                    )
            await send(message)

        await self.app(scope, receive, capture)
