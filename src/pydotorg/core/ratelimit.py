"""The guide's rate limits: four tiers, three kinds of caller, one counter store.

Every API endpoint declares its tier next to itself (``opt=rate_tier(Tier.LOW)``). Callers are
counted per tier and per fixed one-minute window: signed-in users by user id (across IPs),
anonymous clients by IP address, where ``X-Forwarded-For`` is believed only for the configured
number of proxy hops. Counters live in memory for one process or in Redis for many.
"""

from __future__ import annotations

import asyncio
import enum
import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from typing import Any, Protocol

import msgspec
from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from pydotorg.core.errors import ErrorBody

logger = logging.getLogger("pydotorg.ratelimit")
WINDOW_SECONDS = 60
TIER_KEY = "rate_tier"
ROLES = ("anonymous", "authenticated", "staff")


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


def rate_tier(tier: Tier) -> dict[str, Tier]:
    """The ``opt`` an endpoint declares its tier with: ``@get(..., opt=rate_tier(Tier.LOW))``."""
    return {TIER_KEY: tier}


@dataclass(frozen=True)
class Limits:
    """The limits in force: the guide's, or lowered by ``RATE_LIMITS`` (for tests)."""

    table: dict[Tier, tuple[int, int, int]]

    @classmethod
    def parse(cls, spec: str | None) -> Limits:
        table = {tier: tier.value for tier in Tier}
        for part in filter(None, (spec or "").replace(",", ";").split(";")):
            name, _, numbers = part.partition("=")
            values = tuple(int(n) for n in numbers.split("/"))
            if len(values) != 3 or min(values) < 1:
                raise ValueError(f"RATE_LIMITS entry {part!r} must look like LOW=120/300/1500")
            table[Tier[name.strip().upper()]] = values
        return cls(table)

    def limit(self, tier: Tier, role: str) -> int:
        return self.table[tier][ROLES.index(role)]


def describe(tier: Tier, limits: Limits) -> str:
    anonymous, authenticated, staff = limits.table[tier]
    return (
        f"**Rate limit:** {tier.name} tier ({tier.use}): {anonymous} requests per minute "
        f"anonymous, {authenticated} signed in, {staff} staff."
    )


class CounterStore(Protocol):
    """Counts hits on a key within a window; one implementation per engine."""

    name: str

    async def hit(self, key: str, window_seconds: int) -> int | None:
        """The count including this hit, or None when the store cannot answer (fail open)."""

    def status(self) -> dict[str, Any]: ...


class MemoryStore:
    """Counters in this process: right for one worker, the embedded default."""

    name = "memory"

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._window = 0

    async def hit(self, key: str, window_seconds: int) -> int | None:
        window = int(time.time()) // window_seconds
        if window != self._window:
            self._counts.clear()
            self._window = window
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        return count

    def status(self) -> dict[str, Any]:
        return {"store": self.name, "available": True}


INCREMENT_SCRIPT = """
local totals = {}
local ttl = ARGV[#KEYS + 1]
for i, key in ipairs(KEYS) do
  totals[i] = redis.call('INCRBY', key, ARGV[i])
  redis.call('EXPIRE', key, ttl)
end
return totals
"""


class RedisStore:
    """Counters in Redis, shared by every worker and host. Fails open when Redis is away.

    Hits that arrive while a round trip is under way are sent together in the next one: a
    single script call doing one ``INCRBY`` per key for all its hits, and an ``EXPIRE``. Every
    hit is still counted in Redis and gets its own place in the count, so the limit is exact
    across processes; a busy worker just pays one round trip per batch instead of one per
    request. An outage is logged once, counted, and retried at most once a second, so a missing
    Redis costs requests neither their answer nor much time; limiting resumes when Redis
    answers.
    """

    name = "redis"
    RETRY_SECONDS = 1.0

    def __init__(self, url: str, prefix: str = "pydotorg:rl:") -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(
            url, socket_connect_timeout=0.5, socket_timeout=2.0, health_check_interval=0
        )
        self.prefix = prefix
        self.available = True
        self.outages = 0
        self.failed_open = 0
        self._retry_at = 0.0
        self._pending: list[tuple[str, int, asyncio.Future[int | None]]] = []
        self._flushing = False
        self._script = self.redis.register_script(INCREMENT_SCRIPT)

    async def hit(self, key: str, window_seconds: int) -> int | None:
        if not self.available and time.monotonic() < self._retry_at:
            self.failed_open += 1
            return None
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._pending.append((self.prefix + key, window_seconds + 5, future))
        if not self._flushing:
            self._flushing = True
            asyncio.get_running_loop().create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            await asyncio.sleep(0)  # let requests that are already ready join this batch
            while self._pending:
                batch, self._pending = self._pending, []
                groups: dict[str, list[asyncio.Future[int | None]]] = {}
                ttls: dict[str, int] = {}
                for key, ttl, future in batch:
                    groups.setdefault(key, []).append(future)
                    ttls[key] = ttl
                totals = await self._send([(key, len(f), ttls[key]) for key, f in groups.items()])
                for futures, total in zip(groups.values(), totals, strict=True):
                    first = None if total is None else total - len(futures) + 1
                    for offset, future in enumerate(futures):
                        if not future.done():
                            future.set_result(None if first is None else first + offset)
        finally:
            self._flushing = False

    async def _send(self, increments: list[tuple[str, int, int]]) -> list[int | None]:
        """One command for the batch: a script doing ``INCRBY`` and ``EXPIRE`` per key."""
        keys = [key for key, _, _ in increments]
        args = [amount for _, amount, _ in increments] + [increments[0][2]]
        try:
            totals = await self._script(keys=keys, args=args)
        except Exception as exc:  # any Redis failure means "no answer": serve, do not limit
            self.failed_open += sum(amount for _, amount, _ in increments)
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            if self.available:
                self.available = False
                self.outages += 1
                logger.warning("rate-limit store unavailable, failing open: %s", exc)
            return [None] * len(increments)
        if not self.available:
            self.available = True
            logger.warning("rate-limit store available again; limiting resumed")
        return [int(total) for total in totals]

    async def aclose(self) -> None:
        await self.redis.aclose()

    def status(self) -> dict[str, Any]:
        return {
            "store": self.name,
            "available": self.available,
            "outages": self.outages,
            "failed_open": self.failed_open,
        }


def client_address(scope: Scope, trusted_hops: int) -> str:
    """The caller's IP: the peer, or the address ``trusted_hops`` proxies reported for it."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    if trusted_hops <= 0:
        return str(peer)
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


def too_many(seconds: int) -> ErrorBody:
    return ErrorBody(
        detail=f"Rate limit exceeded. Try again in {seconds} seconds.", status_code=429
    )


class RateLimitMiddleware:
    """Counts each request against its endpoint's tier and adds the RateLimit headers.

    A plain ASGI middleware factory (not Litestar's ``ASGIMiddleware``): it runs on every API
    request, so it skips that class's per-request exclusion checks.
    """

    def __init__(self, store: CounterStore, limits: Limits, trusted_hops: int) -> None:
        self.store = store
        self.limits = limits
        self.trusted_hops = trusted_hops
        self._static = {
            (tier, role): (
                limit,
                [
                    (b"ratelimit-policy", f"{limit};w={WINDOW_SECONDS}".encode()),
                    (b"ratelimit-limit", str(limit).encode()),
                ],
            )
            for tier in Tier
            for role in ROLES
            for limit in [limits.limit(tier, role)]
        }

    def __call__(self, app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            handler = scope.get("route_handler")
            tier = handler.opt.get(TIER_KEY) if handler is not None else None
            if tier is None or scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            await self.handle(scope, receive, send, app, tier)

        return middleware

    async def handle(
        self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp, tier: Tier
    ) -> None:
        user = scope.get("user")
        if user is None:
            role, who = "anonymous", "ip:" + client_address(scope, self.trusted_hops)
        else:
            role, who = ("staff" if user.is_staff else "authenticated"), f"user:{user.id}"
        limit, static = self._static[(tier, role)]
        now = time.time()
        window = int(now) // WINDOW_SECONDS
        reset = (window + 1) * WINDOW_SECONDS
        count = await self.store.hit(f"{tier.name}:{who}:{window}", WINDOW_SECONDS)
        remaining = limit if count is None else max(0, limit - count)
        headers = [
            *static,
            (b"ratelimit-remaining", str(remaining).encode()),
            (b"ratelimit-reset", str(reset).encode()),
        ]
        if count is not None and count > limit:
            retry = max(1, math.ceil(reset - now))
            await self._refuse(send, headers, retry)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *headers]
            await send(message)

        await next_app(scope, receive, send_with_headers)

    async def _refuse(self, send: Send, headers: list[tuple[bytes, bytes]], retry: int) -> None:
        body = msgspec.json.encode(too_many(retry))
        raw = [
            *headers,
            (b"retry-after", str(retry).encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": raw})
        await send({"type": "http.response.body", "body": body, "more_body": False})


def document_tiers(app: Litestar, limits: Limits) -> None:
    """Write each endpoint's tier into its OpenAPI description; refuse an API without one."""
    tiers: dict[str, Tier] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            operation_id = getattr(handler, "operation_id", None)
            api = route.path.startswith(("/api/v1", "/api/auth"))
            if not api or set(getattr(handler, "http_methods", ())) <= {"OPTIONS", "HEAD"}:
                continue
            tier = handler.opt.get(TIER_KEY)
            if tier is None:
                raise RuntimeError(f"endpoint {handler.handler_name} declares no rate-limit tier")
            if isinstance(operation_id, str):
                tiers[operation_id] = tier
    schema = app.openapi_schema
    for item in (schema.paths or {}).values():
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(item, method, None)
            if operation is None or operation.operation_id not in tiers:
                continue
            note = describe(tiers[operation.operation_id], limits)
            operation.description = (
                f"{operation.description}\n\n{note}" if operation.description else note
            )
