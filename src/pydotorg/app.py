"""The application factory: every domain's routes inside the serving layers of ``web``.

Middlewares are plain ASGI classes configured in ``__init__``, outermost first: the request id
(and the response headers inner layers collect), HTTP caching, authentication, rate limiting,
the response cache and the request's database (closed after the response). Around them all,
in ``asgi_handler``: the edge, CORS and the front cache, and outermost, when metrics are on,
the layer that counts every request and answers ``/metrics`` (``core.metrics``). Before all of
them, and before Litestar's own ``__call__``, the front door answers what the front cache holds
(:class:`Service`).
"""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.types import (
    LifeSpanReceive,
    LifeSpanScope,
    LifeSpanSend,
    Receive,
    Scope,
    Send,
)

from pydotorg.accounts.services import authenticate
from pydotorg.content.render_pool import render_lifespan
from pydotorg.core import clock
from pydotorg.core.auth import AuthenticationMiddleware, authorize
from pydotorg.core.links import Routes
from pydotorg.core.metrics import Metrics, cache_lookup, rate_limited
from pydotorg.core.pagination import LIMIT_OFFSET
from pydotorg.core.query_strings import check_query
from pydotorg.core.ratelimit import (
    CounterStore,
    Limits,
    MemoryStore,
    RateLimiter,
    RateLimitMiddleware,
    Throttle,
    store_lifespan,
)
from pydotorg.db.database import DatabaseMiddleware
from pydotorg.db.serving import database_lifespan
from pydotorg.db.versioning import read_versions
from pydotorg.domains import DOMAINS
from pydotorg.search.engines import search_engine
from pydotorg.settings import Settings, get_settings
from pydotorg.web.caching import CachingMiddleware
from pydotorg.web.cors import CorsMiddleware
from pydotorg.web.edge import Edge, FrontDoor
from pydotorg.web.endpoints import configure_endpoints
from pydotorg.web.errors import EXCEPTION_HANDLERS
from pydotorg.web.health import HealthController
from pydotorg.web.logging import configure_logging
from pydotorg.web.openapi import PageSchemaPlugin, docs_assets_router, openapi_config
from pydotorg.web.paths import ascii_path_integers
from pydotorg.web.redis_counters import RedisStore
from pydotorg.web.requests import ApiRequest
from pydotorg.web.response_cache import (
    FrontCache,
    ResponseCache,
    ResponseCacheMiddleware,
    version_poller,
)
from pydotorg.web.responses import ApiResponse
from pydotorg.web.slashes import SlashedPaths, document_slashes

HTTP: str = "http"  # a plain string: compared with the scope's at every request


class Service(Litestar):
    """The Litestar app, whose front door (``web.edge.FrontDoor``) answers first what the
    front cache holds: such a request never enters Litestar."""

    door: FrontDoor | None = None

    async def __call__(
        self,
        scope: Scope | LifeSpanScope,
        receive: Receive | LifeSpanReceive,
        send: Send | LifeSpanSend,
    ) -> None:
        door = self.door
        answered = door is not None and scope["type"] == HTTP
        if answered and await door.answered(scope, send):  # type: ignore[arg-type,union-attr]
            return
        await Litestar.__call__(self, scope, receive, send)


def counter_store(settings: Settings) -> CounterStore:
    """Redis when ``REDIS_URL`` is set (several workers or hosts) and limits are on, else this
    process's memory."""
    if settings.redis_url and settings.rate_limit_enabled:
        return RedisStore(settings.redis_url, prefix=f"{settings.redis_key_prefix}rl:")
    return MemoryStore()


def create_app(settings: Settings | None = None) -> Service:
    settings = settings or get_settings()
    configure_logging()
    clock.start_at(settings.clock_start)
    limits = Limits.parse(settings.rate_limits)
    store = counter_store(settings)
    cache = ResponseCache(lookups=cache_lookup if settings.metrics_enabled else None)
    refused = rate_limited if settings.metrics_enabled else None
    limiter = (
        RateLimiter(
            store=store,
            limits=limits,
            trusted_hops=settings.trusted_proxy_hops,
            refused=refused,
        )
        if settings.rate_limit_enabled
        else None
    )
    middleware = [
        DefineMiddleware(CachingMiddleware, max_age=settings.cache_max_age),
        DefineMiddleware(AuthenticationMiddleware, authenticate=authenticate),
    ]
    if limiter is not None:
        middleware.append(DefineMiddleware(RateLimitMiddleware, limiter=limiter))
    if settings.response_cache:
        middleware.append(DefineMiddleware(ResponseCacheMiddleware, cache=cache))
    middleware.append(DefineMiddleware(DatabaseMiddleware))
    ascii_path_integers()
    app = Service(
        route_handlers=[
            HealthController,
            docs_assets_router(),
            *(route for domain in DOMAINS for route in domain.routes()),
        ],
        dependencies=LIMIT_OFFSET,
        lifespan=[database_lifespan(settings), store_lifespan(store), render_lifespan(settings)]
        + ([version_poller(read_versions)] if settings.response_cache else []),
        middleware=middleware,
        guards=[authorize, check_query],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=openapi_config([tag for domain in DOMAINS for tag in domain.tags]),
        plugins=[PageSchemaPlugin()],
        request_class=ApiRequest,
        response_class=ApiResponse,
        request_max_body_size=settings.max_body_bytes,
        state=State(
            {
                "settings": settings,
                "rate_limit_store": store,
                "response_cache": cache,
                "search": search_engine(settings.database_url),
                "throttle": Throttle(
                    store if settings.rate_limit_enabled else None, limits, refused
                ),
            }
        ),
        debug=False,
    )
    configure_endpoints(app, limits)
    document_slashes(app, app.openapi_schema)
    app.state.routes = Routes(app)
    # Litestar offers no middleware around its router, whose 404 and 405 answers would skip
    # every layer above: the edge, CORS and the front cache (which answers before routing)
    # wrap the handler its ``__call__`` runs.
    handler = app.asgi_handler
    front = cors = None
    if settings.response_cache:
        handler = front = FrontCache(handler, cache=cache, limiter=limiter)
    if settings.cors_origins:
        handler = cors = CorsMiddleware(handler, origins=settings.cors_origins)
    app.asgi_handler = Edge(
        handler, limiter=limiter, access_log=settings.access_log, slashed=SlashedPaths(app)
    )
    # The front door answers the front cache's hits before all of that; not with metrics on,
    # whose layer counts every request (the front cache's answers then go through it).
    if front is not None and not settings.metrics_enabled:
        app.door = FrontDoor(front, cors=cors, access_log=settings.access_log)
    if settings.metrics_enabled:
        app.asgi_handler = Metrics(
            app.asgi_handler,
            allow=settings.metrics_allow,
            trusted_hops=settings.trusted_proxy_hops,
        )
    return app
