"""A per-process cache of anonymous public GET responses, each entry ended only by a write to a
table its answer read.

Building a response from the database costs milliseconds; serving stored bytes costs
microseconds. Correctness comes from *data versions* (``db.versioning``): every transaction that
changes rows of a table also changes that table's token in ``service_meta``. While a response
is built, the statements it runs are noted (an engine listener: the tables each one names; a
statement of SQL text, which names none that can be read, counts as reading every table), and
the entry keeps the token each of those tables had when the request began. The entry holds
while those tokens do: a new OS ends the cached OS list, not the cached event list. The worker
that commits a write knows its new tokens at once; other workers (and hosts) read them at most
``POLL_SECONDS`` apart.

Two layers serve from it:

* :class:`FrontCache`, before routing (inside the edge and CORS): an anonymous GET or HEAD of a
  URL answered before, exactly as sent, is answered from the stored bytes with everything the
  full path gives it: the rate-limit count and headers, ``ETag`` and ``304`` for
  ``If-None-Match``, ``Cache-Control`` and ``Vary`` (stored with the answer), and, from the
  layers around it, ``X-Request-ID``, ``nosniff``, CORS and the access log line. Most of its
  answers are given earlier still, the same header for header, by the edge's front door
  (``web.edge.FrontDoor``), before Litestar is entered; it takes entries with :meth:`take`.
* :class:`ResponseCacheMiddleware`, after routing, keyed on the host, the path and the query
  parameters the endpoint reads, sorted by name (``core.query_strings``): parameters it does not
  read change nothing in the answer, so ``?x=1``, ``?x=2``, ... are answered from one entry rather
  than each rendered afresh (the front layer keeps only URLs whose query is that canonical form,
  so such variants cannot crowd it). It also tells the front layer what a response it sends may
  be stored with.

Only public reads are cached (``core.endpoints`` marks them: GETs anyone may call, unless the
handler says ``cacheable=False``), only for callers who send no ``Authorization``; a request
with ``Cache-Control: no-cache`` (or ``Pragma: no-cache``) gets an answer built afresh. An endpoint
whose answer depends on a request header (a feed asked for as ``text/xml``) names it in
``vary=``, and the header's value is part of the key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseBodyEvent, Message, Receive, Scope, Send
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import TableClause

from pydotorg.core.auth import credentials_refused
from pydotorg.core.dialects import Dialect, dialect_of
from pydotorg.core.query_strings import QUERY_KEY, cache_key, canonical
from pydotorg.core.ratelimit import LIMIT_KEY, Limit, RateLimiter, too_many_response
from pydotorg.web.caching import etag_matches

logger = logging.getLogger("pydotorg.cache")
CACHE_KEY = "cacheable"
VARY_KEY = "vary"  # request headers an endpoint's answer depends on (lower-case bytes)
POLL_SECONDS = 0.25
EVERY_TABLE = "*"  # what a statement of SQL text reads, as far as the cache can tell
FRONT_KEY = "front_cache"  # scope state: what the front layer may store the answer with
COUNTED_KEY = "rate_counted"  # scope state: the front layer counted this request
_READS: ContextVar[set[str] | None] = ContextVar("pydotorg_cache_reads", default=None)
_TABLES: WeakKeyDictionary[Any, frozenset[str]] = WeakKeyDictionary()
_NO_BODY = HTTPResponseBodyEvent(type="http.response.body", body=b"", more_body=False)


@dataclass(frozen=True)
class Snapshot:
    """The table tokens a request began with, and how many changes this worker had seen."""

    versions: dict[str, str]
    changes: int


@dataclass(slots=True, eq=False)
class Entry:
    reads: tuple[tuple[str, str | None], ...]  # each table read and its token then
    changes: int | None  # read every table: valid while no table changes
    stored: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes = b""
    limit: Limit | None = None
    dialect: Dialect | None = None
    vary: tuple[tuple[bytes, bytes], ...] = ()
    route: str = ""  # the route's path template, for the front layer's answers (core.metrics)
    # Made once for the front layer's answers: the headers of a 304 (the stored ones but the
    # body's type and length), the ETag as text and the body's message.
    not_modified: list[tuple[bytes, bytes]] = field(default_factory=list)
    etag_text: str = ""
    body_message: HTTPResponseBodyEvent = field(default_factory=lambda: _NO_BODY)
    # The tokens this entry was last found valid against: while the cache holds that very
    # dict (it is replaced, never changed, when a token moves), the entry need not be checked
    # table by table again.
    checked: dict[str, str] | None = None

    def __post_init__(self) -> None:
        self.not_modified = [
            h for h in self.headers if h[0] not in (b"content-length", b"content-type")
        ]
        self.etag_text = self.etag.decode("latin-1")
        self.body_message = HTTPResponseBodyEvent(
            type="http.response.body", body=self.body, more_body=False
        )


class ResponseCache:
    """A bounded LRU of response bytes, each valid while the tables it read keep their tokens,
    and for ``ttl`` seconds. ``lookups`` is told each hit and each counted miss, with its layer
    (``core.metrics`` counts them)."""

    def __init__(
        self,
        max_entries: int = 4096,
        max_body: int = 1_048_576,
        ttl: float = 60,
        lookups: Callable[[str, bool], None] | None = None,
    ) -> None:
        self.lookups = lookups
        self.max_entries = max_entries
        self.max_body = max_body
        self.ttl = ttl
        self.versions: dict[str, str] | None = None  # None: tokens unknown, cache off
        self.changes = 0
        self._entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def status(self) -> dict[str, Any]:
        return {
            "enabled": self.versions is not None,
            "entries": len(self._entries),
            "hits": self.hits,
            "misses": self.misses,
        }

    def snapshot(self) -> Snapshot | None:
        return None if self.versions is None else Snapshot(self.versions, self.changes)

    def set_versions(self, versions: dict[str, str] | None) -> None:
        """The tokens as read from the database (None: unreadable, cache off)."""
        if versions is None:
            self.versions = None
            self._entries.clear()
        elif versions != self.versions:
            self.versions = versions
            self.changes += 1

    def changed(self, written: dict[str, str]) -> None:
        """This worker committed a write: its tables' new tokens."""
        if self.versions is not None:
            self.versions = {**self.versions, **written}
            self.changes += 1

    def valid(self, entry: Entry) -> bool:
        versions = self.versions
        if versions is None:
            return False
        if entry.checked is not versions:  # a token moved since the last check (or none was)
            if entry.changes is not None and entry.changes != self.changes:
                return False
            for table, token in entry.reads:
                if versions.get(table) != token:
                    return False
            entry.checked = versions
        return time.monotonic() - entry.stored <= self.ttl

    def peek(self, key: tuple[Any, ...]) -> Entry | None:
        """The entry if it is still valid, neither counted nor moved up (see :meth:`served`)."""
        entry = self._entries.get(key)
        return entry if entry is not None and self.valid(entry) else None

    def take(self, key: tuple[Any, ...]) -> Entry | None:
        """The front door's lookup (``web.edge.FrontDoor``), in one call: a valid entry whose
        answer varies on no request header, counted as a hit and moved up; else None, counted
        as nothing (the layers behind the door then look it up again)."""
        entry = self._entries.get(key)
        if entry is None or entry.vary:
            return None
        if entry.checked is self.versions is not None:  # valid's first test, without the call
            if time.monotonic() - entry.stored > self.ttl:
                return None
        elif not self.valid(entry):
            return None
        self.served(key)
        return entry

    def served(self, key: tuple[Any, ...]) -> None:
        """An entry :meth:`peek` found was served: a hit, and the most recently used."""
        self._entries.move_to_end(key)
        self.hits += 1
        if self.lookups is not None:
            self.lookups(key[0], True)

    def get(self, key: tuple[Any, ...], *, counted: bool = True) -> Entry | None:
        """The entry if it is still valid; a miss is ``counted`` (the front layer's are not:
        the routed layer counts the cacheable ones)."""
        entry = self.peek(key)
        if entry is None:
            self.misses += counted
            if counted and self.lookups is not None:
                self.lookups(key[0], False)
            return None
        self.served(key)
        return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        if len(entry.body) > self.max_body or self.versions is None:
            return
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


# What a response read ---------------------------------------------------------------------------


def tables_of(statement: Any) -> frozenset[str]:
    """The tables a statement names (``EVERY_TABLE`` if it holds SQL text)."""
    try:
        return _TABLES[statement]
    except (KeyError, TypeError):
        pass
    found: set[str] = set()
    for element in visitors.iterate(statement):
        if isinstance(element, TableClause):
            found.add(element.name)
        elif isinstance(element, TextClause):
            found.add(EVERY_TABLE)
    tables = frozenset(found)
    with contextlib.suppress(TypeError):
        _TABLES[statement] = tables
    return tables


def _note_reads(_conn: Any, statement: Any, *_args: Any) -> None:
    reads = _READS.get()
    if reads is not None:
        reads.update(tables_of(statement))


def install_read_tracking() -> None:
    """Note the tables every statement names while a cacheable answer is built (idempotent)."""
    if not event.contains(Engine, "before_execute", _note_reads):
        event.listen(Engine, "before_execute", _note_reads)


def captured(
    reads: set[str], start: Snapshot, headers: Headers, body: bytes, **front: Any
) -> Entry:
    """The entry of a 200 answer just captured, stored now. It depends on each table the
    request read, with its token at the start, and on the count of changes if it read every
    table; ``front`` sets what only the front layer's entries keep (``etag``, ``vary``, ...)."""
    tokens = tuple((t, start.versions.get(t)) for t in sorted(reads) if t != EVERY_TABLE)
    return Entry(
        reads=tokens,
        changes=start.changes if EVERY_TABLE in reads or not reads else None,
        stored=time.monotonic(),
        status=200,
        headers=headers,
        body=body,
        **front,
    )


# Following the data versions ------------------------------------------------------------------


VersionReader = Callable[[AsyncEngine], Awaitable[dict[str, str]]]
"""Reads every table's data version token, by table name (``db.versioning.read_versions``)."""


def version_poller(
    read_versions: VersionReader,
) -> Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]:
    """A lifespan (after the engine's) that keeps this worker's cache on the database's
    tokens, as ``read_versions`` reads them."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        async with _polling(app, read_versions):
            yield

    return lifespan


@contextlib.asynccontextmanager
async def _polling(app: Litestar, read_versions: VersionReader) -> AsyncGenerator[None, None]:
    cache: ResponseCache = app.state.response_cache
    engine: AsyncEngine = app.state.engine
    install_read_tracking()

    async def poll() -> None:
        away = False  # logged once when the database goes away, once when it is back
        while True:
            changes = cache.changes
            try:
                versions = await read_versions(engine)
            except Exception as exc:  # the database is away: stop serving from the cache
                cache.set_versions(None)
                if not away:
                    logger.warning("cannot read the data versions, cache off: %s", exc)
                away = True
            else:
                if away:
                    logger.warning("data versions readable again, cache on")
                away = False
                # A write this worker committed while the tokens were read is newer than them.
                if cache.changes == changes:
                    cache.set_versions(versions)
            await asyncio.sleep(POLL_SECONDS)

    task = asyncio.create_task(poll())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# Serving from the cache -----------------------------------------------------------------------


def _header(scope: Scope, wanted: bytes) -> bytes | None:
    return next((value for name, value in scope["headers"] if name == wanted), None)


def fresh_wanted(scope: Scope) -> bool:
    """The caller asked for an answer built afresh (``Cache-Control: no-cache`` or
    ``Pragma: no-cache``): none is taken from the cache, the new one is stored."""
    return any(
        name in (b"cache-control", b"pragma") and b"no-cache" in value.lower()
        for name, value in scope["headers"]
    )


Headers = list[tuple[bytes, bytes]]


async def send_whole(send: Send, status: int, headers: Headers, body: bytes) -> None:
    """An answer in one piece: its start, then its whole body."""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def capturing(send: Send, done: Callable[[Headers, bytes], None]) -> Send:
    """``send``, which also hands a 200 answer's headers and whole body to ``done`` (before
    its last part goes on)."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            start["status"] = message["status"]
            start["headers"] = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False) and start.get("status") == 200:
                done(start["headers"], b"".join(chunks))
        await send(message)

    return capture


@dataclass
class FrontFill:
    """What the routed layers tell the front layer about the answer on its way out."""

    start: Snapshot
    reads: set[str]
    limit: Limit | None
    dialect: Dialect
    vary: tuple[bytes, ...]


class FrontCache:
    """Answers repeated anonymous GETs before routing (see the module), and stores what the
    routed layers mark as storable."""

    def __init__(self, app: ASGIApp, *, cache: ResponseCache, limiter: RateLimiter | None) -> None:
        self.app = app
        self.cache = cache
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.cache.versions is None
            or scope["type"] != ScopeType.HTTP
            or scope["method"] != "GET"
        ):
            await self.app(scope, receive, send)
            return
        host = b""
        if_none_match: bytes | None = None
        for name, value in scope["headers"]:  # one pass: this runs on every cached answer
            if name == b"host":
                host = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"authorization" or (
                name in (b"cache-control", b"pragma") and b"no-cache" in value.lower()
            ):
                await self.app(scope, receive, send)  # not anonymous, or wants it afresh
                return
        key = ("front", host, scope["path"], scope["query_string"])
        entry = self.cache.peek(key)
        if entry is None or (entry.vary and not self.varies_alike(scope, entry)):
            await self._fill(scope, receive, send, key)
            return
        self.cache.served(key)
        await self._answer(scope, send, entry, if_none_match)

    @staticmethod
    def varies_alike(scope: Scope, entry: Entry) -> bool:
        """Whether the request sends the values of the headers the entry's answer depends on
        that the request it was stored for sent."""
        return all(_header(scope, name) == value for name, value in entry.vary)

    async def _answer(
        self, scope: Scope, send: Send, entry: Entry, if_none_match: bytes | None
    ) -> None:
        scope["state"][COUNTED_KEY] = True
        scope["path_template"] = entry.route
        if self.limiter is not None and entry.limit is not None:
            retry = await self.limiter.count(scope, entry.limit)
            if retry is not None:
                headers, body = too_many_response(retry, entry.dialect or dialect_of(None))
                await send_whole(send, 429, headers, body)
                return
        if if_none_match is not None and etag_matches(
            if_none_match.decode("latin-1"), entry.etag_text
        ):
            await send_whole(send, 304, list(entry.not_modified), b"")
            return
        await send_whole(send, entry.status, list(entry.headers), entry.body)

    async def _fill(self, scope: Scope, receive: Receive, send: Send, key: tuple[Any, ...]) -> None:
        def store(headers: Headers, body: bytes) -> None:
            fill: FrontFill | None = scope["state"].get(FRONT_KEY)
            if fill is None:  # the routed layers did not mark the answer storable
                return
            entry = captured(
                fill.reads,
                fill.start,
                headers,
                body,
                etag=next((v for n, v in headers if n == b"etag"), b""),
                limit=fill.limit,
                dialect=fill.dialect,
                vary=tuple((n, _header(scope, n) or b"") for n in fill.vary),
                route=scope.get("path_template", ""),
            )
            self.cache.put(key, entry)

        await self.app(scope, receive, capturing(send, store))


class ResponseCacheMiddleware:
    """Answers anonymous GETs of cacheable endpoints from the cache, and fills it."""

    def __init__(self, app: ASGIApp, *, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        start_versions = self.cache.snapshot()
        if (
            start_versions is None
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
        host = _header(scope, b"host") or b""
        key: tuple[Any, ...] = ("routed", host, scope["path"], query)
        vary: tuple[bytes, ...] = handler.opt.get(VARY_KEY, ())
        key += tuple(_header(scope, name) or b"" for name in vary)
        reads: set[str] = set()
        if canonical(scope["query_string"], handler.opt.get(QUERY_KEY)):
            scope["state"][FRONT_KEY] = FrontFill(
                start_versions, reads, handler.opt.get(LIMIT_KEY), dialect_of(handler.opt), vary
            )
        entry = None if fresh_wanted(scope) else self.cache.get(key)
        if entry is not None:
            reads.update(table for table, _ in entry.reads)
            if entry.changes is not None:
                reads.add(EVERY_TABLE)
            await send_whole(send, entry.status, list(entry.headers), entry.body)
            return

        def store(headers: Headers, body: bytes) -> None:
            self.cache.put(key, captured(reads, start_versions, headers, body))

        token = _READS.set(reads)
        try:
            await self.app(scope, receive, capturing(send, store))
        finally:
            _READS.reset(token)
