"""The application factory: every domain's routes plus the cross-cutting behaviour of ``core``."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware

from pydotorg.accounts.controllers import ROUTES as ACCOUNTS_ROUTES
from pydotorg.accounts.services import authenticate_token
from pydotorg.core.auth import AuthenticationMiddleware, refuse_bad_credentials
from pydotorg.core.caching import caching_middleware_factory
from pydotorg.core.database import database_lifespan, provide_db_session
from pydotorg.core.errors import EXCEPTION_HANDLERS
from pydotorg.core.health import HealthController
from pydotorg.core.logging import configure_logging
from pydotorg.core.openapi import docs_assets_router, openapi_config
from pydotorg.core.ratelimit import (
    CounterStore,
    Limits,
    MemoryStore,
    RateLimitMiddleware,
    document_tiers,
)
from pydotorg.core.redis_counters import RedisStore
from pydotorg.core.request_id import request_id_middleware_factory
from pydotorg.core.response_cache import (
    ResponseCache,
    ResponseCacheMiddleware,
    version_poller,
)
from pydotorg.downloads.controllers import ROUTES as DOWNLOADS_ROUTES
from pydotorg.events.controllers import ROUTES as EVENTS_ROUTES
from pydotorg.jobs.controllers import ROUTES as JOBS_ROUTES
from pydotorg.settings import Settings, get_settings


def counter_store(settings: Settings) -> CounterStore:
    """Redis when ``REDIS_URL`` is set (several workers or hosts), else this process's memory."""
    if settings.redis_url:
        return RedisStore(settings.redis_url, prefix=f"{settings.redis_key_prefix}rl:")
    return MemoryStore()


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    configure_logging()
    limits = Limits.parse(settings.rate_limits)
    store = counter_store(settings)
    middleware: list[object] = [
        request_id_middleware_factory(settings.access_log),
        DefineMiddleware(caching_middleware_factory(settings.cache_max_age)),
        AuthenticationMiddleware(authenticate_token),
    ]
    if settings.rate_limit_enabled:
        middleware.append(RateLimitMiddleware(store, limits, settings.trusted_proxy_hops))
    cache = ResponseCache()
    if settings.response_cache:
        middleware.append(ResponseCacheMiddleware(cache))
    app = Litestar(
        route_handlers=[
            HealthController,
            docs_assets_router(),
            *ACCOUNTS_ROUTES,
            *DOWNLOADS_ROUTES,
            *EVENTS_ROUTES,
            *JOBS_ROUTES,
        ],
        dependencies={"db_session": Provide(provide_db_session)},
        lifespan=[database_lifespan(settings, store)]
        + ([version_poller] if settings.response_cache else []),
        middleware=middleware,  # type: ignore[arg-type]
        guards=[refuse_bad_credentials],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=openapi_config(),
        request_max_body_size=settings.max_body_bytes,
        state=State({"settings": settings, "rate_limit_store": store, "response_cache": cache}),
        debug=False,
    )
    document_tiers(app, limits)
    return app
