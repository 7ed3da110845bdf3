"""What the service is doing, for Prometheus: ``GET /metrics`` and the measures behind it.

Off unless ``METRICS_ENABLED=1``; then ``/metrics`` answers only callers whose address
(``X-Forwarded-For`` believed for ``TRUSTED_PROXY_HOPS``, as the rate limiter does) is in
``METRICS_ALLOW`` (loopback by default). Anyone else gets the 404 of any unknown path, the
answer of a server whose metrics are off: a refused caller learns nothing, not even that the
endpoint exists. ``/metrics`` is answered outside every other layer: it is not routed (so not
in the OpenAPI document), not rate limited (a scrape is never a 429), not cached and not
counted itself.

The :class:`Metrics` layer wraps the whole app (``create_app``) and costs a request a counter
increment and a histogram observation, labelled by the route's path template (Litestar's, as
``/api/v1/releases/{release_id}``; the front cache's answers carry the template they were stored
for), so that the number of series stays bounded whatever paths clients send; every request no
route answered (a 404, a 405, a redirect to the slashed path) is one route, :data:`UNMATCHED`.
The other measures are taken where the work is done: response-cache lookups
(``web.response_cache``) and rate-limit refusals (``core.ratelimit``), which ``create_app``
hands :func:`cache_lookup` and :func:`rate_limited` when metrics are on; waits for a pooled
database connection (:class:`TimedPool`), searches, renders and iCalendar exports
(:func:`timed`), measured whether metrics are on or not (a microsecond or two on operations of
milliseconds).

Under several granian workers each process writes its values to files in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode), which ``pydotorg serve``
makes (and empties) before the workers start, and a scrape adds up every worker's values. That
variable must be set before ``prometheus_client`` is imported: the modules ``settings`` imports
never import this one.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import os
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from anyio import to_thread
from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import AsyncAdaptedQueuePool, PoolProxiedConnection

from pydotorg.core.ratelimit import Tier, client_address

PATH = "/metrics"
UNMATCHED = "<unmatched>"  # the route label of every request no route answered
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "other"
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# Seconds; from a cached answer (about 0.1 ms) to a slow export.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

# No ``_created`` twin of every counter and histogram: half as many series to store.
disable_created_metrics()  # type: ignore[no-untyped-call]

REQUESTS = Counter(
    "pydotorg_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "pydotorg_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by route template and method.",
    ["route", "method"],
    buckets=BUCKETS,
)
CACHE_LOOKUPS = Counter(
    "pydotorg_response_cache_lookups",
    "Response-cache lookups that found a stored answer (hit) or built a cacheable one afresh "
    "(miss), by layer: front (before routing) or routed.",
    ["layer", "result"],
)
RATE_LIMITED = Counter(
    "pydotorg_rate_limited",
    "Requests refused with a 429, by rate-limit tier.",
    ["tier"],
)
CONNECTION_WAIT = Histogram(
    "pydotorg_db_connection_wait_seconds",
    "Time a request waited for a pooled database connection (opening one included).",
    buckets=BUCKETS,
)
CONNECTION_TIMEOUTS = Counter(
    "pydotorg_db_connection_timeouts",
    "Requests that found every pooled connection busy for DATABASE_POOL_TIMEOUT (a 503).",
)
SEARCH_SECONDS = Histogram(
    "pydotorg_search_duration_seconds",
    "Time to answer a site search or an autocompletion.",
    ["operation"],
    buckets=BUCKETS,
)
RENDER_SECONDS = Histogram(
    "pydotorg_render_duration_seconds",
    "Time to render a body (markup to safe HTML) in the render pool, waiting for a worker "
    "included.",
    buckets=BUCKETS,
)
ICAL_SECONDS = Histogram(
    "pydotorg_ical_export_duration_seconds",
    "Time to build an iCalendar file: events, a calendar or one event.",
    ["export"],
    buckets=BUCKETS,
)

_HITS = {layer: CACHE_LOOKUPS.labels(layer, "hit") for layer in ("front", "routed")}
_MISSES = {"routed": CACHE_LOOKUPS.labels("routed", "miss")}
_REFUSED = {tier: RATE_LIMITED.labels(tier.name) for tier in Tier}


def cache_lookup(layer: str, hit: bool) -> None:
    """A response-cache answer (``hit``), or a cacheable answer built afresh."""
    counter = (_HITS if hit else _MISSES).get(layer)
    if counter is not None:
        counter.inc()


def rate_limited(tier: Tier) -> None:
    """A request refused with a 429 in ``tier``."""
    _REFUSED[tier].inc()


P = ParamSpec("P")
R = TypeVar("R")


def timed(
    histogram: Histogram,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Coroutine[Any, Any, R]]]:
    """Observe how long each call of the decorated coroutine function takes, raising or not."""

    def decorate(function: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
        @functools.wraps(function)
        async def timed_call(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                histogram.observe(time.perf_counter() - started)

        return timed_call

    return decorate


class TimedPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's pool for async drivers, observing how long each checkout waits."""

    def connect(self) -> PoolProxiedConnection:
        started = time.perf_counter()
        try:
            return super().connect()
        except PoolTimeoutError:
            CONNECTION_TIMEOUTS.inc()
            raise
        finally:
            CONNECTION_WAIT.observe(time.perf_counter() - started)


# SQLAlchemy logs a pool's life (created, disposed) at INFO under its class's module, which is
# now under the service's logger: kept at WARNING, as SQLAlchemy's own pools are.
logging.getLogger(f"{TimedPool.__module__}.{TimedPool.__name__}").setLevel(logging.WARNING)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def allowed(address: str, networks: tuple[Network, ...]) -> bool:
    """Whether ``address`` (an IPv4 address in IPv6 form counts as IPv4) is in ``networks``."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def exposition() -> bytes:
    """Every metric in Prometheus's text format: this process's, or under several workers
    every worker's added up."""
    if os.environ.get(MULTIPROCESS_VARIABLE):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


Labelled = tuple[Any, Any]  # a request counter's and a latency histogram's labelled children


class Metrics:
    """Counts and times every HTTP request, and answers ``GET /metrics`` (see the module)."""

    def __init__(self, app: ASGIApp, *, allow: tuple[str, ...], trusted_hops: int = 0) -> None:
        self.app = app
        self.allow = tuple(ipaddress.ip_network(cidr, strict=False) for cidr in allow)
        self.trusted_hops = trusted_hops
        self._labelled: dict[tuple[str, str, int], Labelled] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if (
            scope["path"] == PATH
            and method in ("GET", "HEAD")
            and allowed(client_address(scope, self.trusted_hops), self.allow)
        ):
            await self.scrape(send, head=method == "HEAD")
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            self.record(scope.get("path_template") or UNMATCHED, method, status, started)

    def record(self, route: str, method: str, status: int, started: float) -> None:
        key = (route, method if method in METHODS else OTHER_METHOD, status)
        labelled = self._labelled.get(key)
        if labelled is None:
            labelled = self._labelled[key] = (
                REQUESTS.labels(key[0], key[1], str(status)),
                REQUEST_SECONDS.labels(key[0], key[1]),
            )
        labelled[0].inc()
        labelled[1].observe(time.perf_counter() - started)

    async def scrape(self, send: Send, *, head: bool) -> None:
        body = await to_thread.run_sync(exposition)
        headers = [
            (b"content-type", CONTENT_TYPE_PLAIN_0_0_4.encode()),
            (b"content-length", b"%d" % len(body)),
            (b"cache-control", b"no-store"),
            (b"x-content-type-options", b"nosniff"),
        ]
        await send(HTTPResponseStartEvent(type="http.response.start", status=200, headers=headers))
        await send(
            HTTPResponseBodyEvent(
                type="http.response.body", body=b"" if head else body, more_body=False
            )
        )
