"""The guide's rate limits: four tiers, three kinds of caller, one counter store.

Every API endpoint declares its tier next to itself (``opt=rate_tier(Tier.LOW)``). Callers are
counted per tier and per fixed one-minute window: signed-in users by user id (across IPs),
anonymous clients by IP address, where ``X-Forwarded-For`` is believed only for the configured
number of proxy hops. Counters live in memory for one process or in Redis for many.
"""

from __future__ import annotations

import enum
import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from typing import Any, Protocol

from litestar import Litestar
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from pydotorg.core.errors import ErrorBody

logger = logging.getLogger("pydotorg.ratelimit")
WINDOW_SECONDS = 60
TIER_KEY = "rate_tier"


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
        anonymous, authenticated, staff = self.table[tier]
        return {"anonymous": anonymous, "authenticated": authenticated, "staff": staff}[role]


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


class RedisStore:
    """Counters in Redis, shared by every worker and host. Fails open when Redis is away.

    An outage is logged once, counted, and retried at most once a second, so a missing Redis
    costs requests neither their answer nor much time; limiting resumes when Redis answers.
    """

    name = "redis"
    RETRY_SECONDS = 1.0

    def __init__(self, url: str, prefix: str = "pydotorg:rl:") -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(
            url, socket_connect_timeout=0.25, socket_timeout=0.25, health_check_interval=0
        )
        self.prefix = prefix
        self.available = True
        self.outages = 0
        self.failed_open = 0
        self._retry_at = 0.0

    async def hit(self, key: str, window_seconds: int) -> int | None:
        now = time.monotonic()
        if not self.available and now < self._retry_at:
            self.failed_open += 1
            return None
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(self.prefix + key)
                pipe.expire(self.prefix + key, window_seconds + 5)
                count, _ = await pipe.execute()
        except Exception as exc:  # any Redis failure means "no answer": serve, do not limit
            self.failed_open += 1
            self._retry_at = now + self.RETRY_SECONDS
            if self.available:
                self.available = False
                self.outages += 1
                logger.warning("rate-limit store unavailable, failing open: %s", exc)
            return None
        if not self.available:
            self.available = True
            logger.warning("rate-limit store available again; limiting resumed")
        return int(count)

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


class RateLimitMiddleware(ASGIMiddleware):
    """Counts each request against its endpoint's tier and adds the RateLimit headers."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, store: CounterStore, limits: Limits, trusted_hops: int) -> None:
        self.store = store
        self.limits = limits
        self.trusted_hops = trusted_hops

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        handler = scope.get("route_handler")
        tier = handler.opt.get(TIER_KEY) if handler is not None else None
        if tier is None:
            await next_app(scope, receive, send)
            return
        user = scope.get("user")
        if user is None:
            role, who = "anonymous", "ip:" + client_address(scope, self.trusted_hops)
        else:
            role, who = ("staff" if user.is_staff else "authenticated"), f"user:{user.id}"
        limit = self.limits.limit(tier, role)
        now = time.time()
        window = int(now) // WINDOW_SECONDS
        reset = (window + 1) * WINDOW_SECONDS
        count = await self.store.hit(f"{tier.name}:{who}:{window}", WINDOW_SECONDS)
        remaining = limit if count is None else max(0, limit - count)
        headers = {
            "RateLimit-Policy": f"{limit};w={WINDOW_SECONDS}",
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(reset),
        }
        if count is not None and count > limit:
            retry = max(1, math.ceil(reset - now))
            await self._refuse(send, headers, retry)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                mutable = MutableScopeHeaders.from_message(message)
                for name, value in headers.items():
                    mutable[name] = value
            await send(message)

        await next_app(scope, receive, send_with_headers)

    async def _refuse(self, send: Send, headers: dict[str, str], retry: int) -> None:
        import msgspec

        body = msgspec.json.encode(too_many(retry))
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        raw += [
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
