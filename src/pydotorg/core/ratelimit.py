"""The guide's rate limits: four tiers, three kinds of caller, one counter store.

Every API endpoint has a tier: reads LOW and writes HIGH unless the handler declares another
(``@post(..., tier=Tier.CRITICAL)``, see ``core.endpoints``). Callers are counted per fixed
one-minute window and per *group* of endpoints: by default a tier is one group, and a handler
may name its own (``group="sign-in"``), so that six job searches do not lock an address out of
signing in. Signed-in users are counted by user id (across IPs), anonymous clients by IP
address, where ``X-Forwarded-For`` is believed only for the configured number of proxy hops;
an endpoint declared ``by_address=True`` (signing in, registering) counts every caller by
address as an anonymous one, whatever token it sends. Services count what the middleware
cannot see (the account a sign-in names) with :class:`Throttle`. Counters live in memory for
one process or in Redis for many.
"""

from __future__ import annotations

import asyncio
import enum
import ipaddress
import math
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from pydotorg.core.dialects import NATIVE, Dialect, dialect_of
from pydotorg.core.exceptions import RateLimitedError
from pydotorg.core.request_id import HEADERS_KEY

WINDOW_SECONDS = 60
HTTP = ScopeType.HTTP  # looked up once: attribute access on an enum class is slow
TIER_KEY = "tier"
GROUP_KEY = "group"
BY_ADDRESS_KEY = "by_address"
LIMIT_KEY = "rate_limit"  # the resolved ``Limit`` of a handler (``core.endpoints``)
ANONYMOUS, USER, STAFF = 0, 1, 2  # a tier's limits are (anonymous, authenticated, staff)
# What the limiter knows of one tier and role in the current window: the limit, the counter
# key's prefix, and the headers that only change with the window.
Rule = tuple[int, str, list[tuple[bytes, bytes]]]
# What a store answers a hit with: the count, a future of it, or None (it cannot count now).
Counted: TypeAlias = "int | asyncio.Future[int | None] | None"


class Tier(enum.Enum):
    """Per-minute limits for anonymous / authenticated / staff callers, as the guide lists."""

    CRITICAL = (5, 20, 100)
    HIGH = (20, 60, 300)
    MEDIUM = (60, 180, 900)
    LOW = (120, 300, 1500)

    @property
    def use(self) -> str:
        return {
            "CRITICAL": "auth, search and submissions",
            "HIGH": "forms, job and event posts",
            "MEDIUM": "community content",
            "LOW": "read-only operations",
        }[self.name]


@dataclass(frozen=True)
class Limits:
    """The limits in force: the guide's, or lowered by ``RATE_LIMITS`` (for tests)."""

    table: dict[Tier, tuple[int, int, int]]

    @classmethod
    def parse(cls, spec: str | None) -> Limits:
        table = {tier: tier.value for tier in Tier}
        for part in filter(str.strip, (spec or "").replace(",", ";").split(";")):
            name, _, numbers = part.partition("=")
            tier = Tier.__members__.get(name.strip().upper())
            counts = [n.strip() for n in numbers.split("/")]
            if (
                tier is None
                or len(counts) != 3
                or not all(n.isascii() and n.isdigit() for n in counts)
            ):
                raise ValueError(f"RATE_LIMITS entry {part!r} must look like LOW=120/300/1500")
            values = (int(counts[0]), int(counts[1]), int(counts[2]))
            if min(values) < 1:
                raise ValueError(f"RATE_LIMITS entry {part!r} must look like LOW=120/300/1500")
            table[tier] = values
        return cls(table)


@dataclass(frozen=True, slots=True)
class Limit:
    """What an endpoint is counted against: its tier's numbers, in its group's counters."""

    tier: Tier
    group: str
    by_address: bool = False
    # What the limiter looks its rules up by on every request: a string, whose hash Python
    # keeps (the dataclass's own hash would call Tier's Python-level ``__hash__`` each time).
    key: str = field(default="", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", f"{self.tier.name}:{self.group}:{self.by_address:d}")

    @classmethod
    def of(cls, tier: Tier, group: str | None = None, by_address: bool = False) -> Limit:
        return cls(tier, group or tier.name, by_address)


def describe(limit: Limit, limits: Limits) -> str:
    anonymous, authenticated, staff = limits.table[limit.tier]
    tier = limit.tier
    if limit.by_address:
        counted = f"{anonymous} requests per minute per client address, whatever token is sent"
    else:
        counted = (
            f"{anonymous} requests per minute anonymous, {authenticated} signed in, {staff} staff"
        )
    group = "" if limit.group == tier.name else f", counted apart for {limit.group}"
    return f"**Rate limit:** {tier.name} tier ({tier.use}){group}: {counted}."


class CounterStore(Protocol):
    """Counts hits on a key within a window; one implementation per engine.

    ``hit`` answers the count including this hit, or None when the store cannot count now (the
    limiter then fails open). A store in this process answers at once; a shared store answers
    with a future, so that the caller only waits when there is something to wait for.
    """

    name: str

    def hit(self, key: str, window: int) -> int | asyncio.Future[int | None] | None: ...

    async def probe(self) -> None:
        """Find out whether the store can count now (at start-up, and from ``/health``)."""

    async def aclose(self) -> None: ...

    def status(self) -> dict[str, Any]: ...


def store_lifespan(store: CounterStore) -> Any:
    """Probe the store when the app starts (an unreachable one is logged before the first
    request), close it when the app stops."""

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncGenerator[None, None]:
        await store.probe()
        try:
            yield
        finally:
            await store.aclose()

    return lifespan


class MemoryStore:
    """Counters in this process: right for one worker, the embedded default."""

    name = "memory"

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._window = -1

    def hit(self, key: str, window: int) -> int:
        if window != self._window:
            self._counts.clear()
            self._window = window
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        return count

    async def probe(self) -> None:
        return None

    async def aclose(self) -> None:
        return None

    def status(self) -> dict[str, Any]:
        return {"store": self.name, "available": True}


def client_address(scope: Scope, trusted_hops: int) -> str:
    """The caller's IP: the peer, or the address ``trusted_hops`` proxies reported for it."""
    client = scope.get("client")
    peer = client[0] if client else "unknown"
    if trusted_hops <= 0:
        return peer
    forwarded: list[str] = []
    for name, value in scope["headers"]:
        if name == b"x-forwarded-for":
            forwarded += [part.strip() for part in value.decode("latin-1").split(",")]
    chain = [*forwarded, str(peer)]
    candidate = chain[max(0, len(chain) - 1 - trusted_hops)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return str(peer)


class RateLimiter:
    """Counts a request against a :class:`Limit` and adds the RateLimit headers.

    It runs on every request and is written for speed (``bench/ratelimit.sh`` measures it).
    The headers go to the request's response headers (``core.request_id``), which the edge
    (``web.edge``) writes into whatever response the request gets, a 429 included. The headers
    that only change with the window are built once a minute. A shared store is only awaited
    when it answers with a future. One limiter serves the whole app: the middleware counts
    routed requests against their endpoint's limit, the edge counts the rest. ``refused`` is
    told the tier of every request it refuses (``core.metrics`` counts them).
    """

    def __init__(
        self,
        *,
        store: CounterStore,
        limits: Limits,
        trusted_hops: int,
        refused: Callable[[Tier], None] | None = None,
    ) -> None:
        self.store = store
        self.limits = limits
        self.trusted_hops = trusted_hops
        self.refused = refused
        self._window = -1
        # a Limit -> per role (ANONYMOUS, USER, STAFF): limit, key prefix, fixed headers
        self._rules: dict[str, tuple[Rule, Rule, Rule]] = {}  # by Limit.key

    def _rules_of(self, spec: Limit) -> tuple[Rule, Rule, Rule]:
        reset = (b"ratelimit-reset", str((self._window + 1) * WINDOW_SECONDS).encode())

        def rule(role: int) -> Rule:
            limit = self.limits.table[spec.tier][role]
            who = "ip" if role == ANONYMOUS else "user"
            policy = (b"ratelimit-policy", f"{limit};w={WINDOW_SECONDS}".encode())
            headers = [policy, (b"ratelimit-limit", str(limit).encode()), reset]
            return limit, f"{spec.group}:{who}:", headers

        rules = self._rules[spec.key] = (rule(ANONYMOUS), rule(USER), rule(STAFF))
        return rules

    def begin(self, scope: Scope, spec: Limit) -> tuple[Counted, Rule, float]:
        """Count this request in the store: the count including it (a future of it from a
        shared store, None if the store cannot count now), the rule it was counted under and
        the time. :meth:`finish` makes the headers and the verdict of it."""
        now = time.time()
        window = int(now) // WINDOW_SECONDS
        if window != self._window:
            self._window, self._rules = window, {}  # the headers that change with the window
        rules = self._rules.get(spec.key) or self._rules_of(spec)
        user = scope.get("user")
        if user is None or spec.by_address:
            rule = rules[ANONYMOUS]
            count = self.store.hit(rule[1] + client_address(scope, self.trusted_hops), window)
        else:
            rule = rules[STAFF if user.is_staff else USER]
            count = self.store.hit(rule[1] + str(user.id), window)
        return count, rule, now

    def finish(
        self,
        count: int | None,
        rule: Rule,
        now: float,
        spec: Limit,
        headers: list[tuple[bytes, bytes]],
    ) -> int | None:
        """Add the RateLimit headers of a count to ``headers``; None if the request may go on,
        else the seconds until it may be sent again."""
        limit, _, fixed = rule
        headers += fixed
        if count is None:
            headers.append((b"ratelimit-remaining", b"%d" % limit))
        elif count <= limit:
            headers.append((b"ratelimit-remaining", b"%d" % (limit - count)))
        else:
            headers.append((b"ratelimit-remaining", b"0"))
            if self.refused is not None:
                self.refused(spec.tier)
            return max(1, math.ceil((int(now) // WINDOW_SECONDS + 1) * WINDOW_SECONDS - now))
        return None

    async def count(self, scope: Scope, spec: Limit) -> int | None:
        """Count this request; None if it may go on, else the seconds until it may be sent
        again. Either way the RateLimit headers are added to the response's headers."""
        count, rule, now = self.begin(scope, spec)
        if count is not None and not isinstance(count, int):
            count = await count
        return self.finish(count, rule, now, spec, scope["state"][HEADERS_KEY])


def too_many_response(
    retry: int, dialect: Dialect = NATIVE
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers and body of a 429, in the endpoint's dialect."""
    body = msgspec.json.encode(dialect.throttled(retry))
    headers = [
        (b"retry-after", str(retry).encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    return headers, body


class RateLimitMiddleware:
    """Counts each routed request against its endpoint's limit (``LIMIT_KEY``); a 429 when it
    is over."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        spec: Limit | None = None if handler is None else handler.opt.get(LIMIT_KEY)
        if spec is None or scope["type"] != HTTP:
            await self.app(scope, receive, send)
            return
        retry = await self.limiter.count(scope, spec)
        if retry is None:
            await self.app(scope, receive, send)
            return
        headers, body = too_many_response(retry, dialect_of(handler.opt))
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


class Throttle:
    """Counts, for a service, what the middleware cannot see: ``hit("sign-in:account:ada",
    Tier.CRITICAL)`` allows the tier's anonymous number of hits per window on that key, then
    raises :class:`RateLimitedError` (a 429), telling ``refused`` its tier. With limiting off it
    allows everything."""

    def __init__(
        self,
        store: CounterStore | None,
        limits: Limits,
        refused: Callable[[Tier], None] | None = None,
    ) -> None:
        self.store = store
        self.limits = limits
        self.refused = refused

    async def hit(self, key: str, tier: Tier) -> None:
        if self.store is None:
            return
        now = time.time()
        window = int(now) // WINDOW_SECONDS
        count = self.store.hit(key, window)
        if count is not None and not isinstance(count, int):
            count = await count
        if count is not None and count > self.limits.table[tier][ANONYMOUS]:
            if self.refused is not None:
                self.refused(tier)
            raise RateLimitedError(max(1, math.ceil((window + 1) * WINDOW_SECONDS - now)))
