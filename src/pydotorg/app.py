"""The application factory: every domain's routes plus the cross-cutting behaviour of ``core``."""

from __future__ import annotations

import logging

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware

from pydotorg.accounts.controllers import ROUTES as ACCOUNTS_ROUTES
from pydotorg.accounts.services import authenticate_token
from pydotorg.core.auth import AuthenticationMiddleware
from pydotorg.core.caching import caching_middleware_factory
from pydotorg.core.database import database_lifespan, provide_db_session
from pydotorg.core.errors import EXCEPTION_HANDLERS
from pydotorg.core.health import HealthController
from pydotorg.core.openapi import docs_assets_router, openapi_config
from pydotorg.core.request_id import request_id_middleware
from pydotorg.downloads.controllers import ROUTES as DOWNLOADS_ROUTES
from pydotorg.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return Litestar(
        route_handlers=[
            HealthController,
            docs_assets_router(),
            *ACCOUNTS_ROUTES,
            *DOWNLOADS_ROUTES,
        ],
        dependencies={"db_session": Provide(provide_db_session)},
        lifespan=[database_lifespan(settings)],
        middleware=[
            request_id_middleware,
            DefineMiddleware(caching_middleware_factory(settings.cache_max_age)),
            AuthenticationMiddleware(authenticate_token),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=openapi_config(),
        request_max_body_size=settings.max_body_bytes,
        state=State({"settings": settings}),
        debug=False,
    )
