"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text

from pydotorg.core.database import sessionmaker_from
from pydotorg.core.endpoints import ApiController
from pydotorg.core.exceptions import ServiceUnavailableError

NO_STORE = {"Cache-Control": "no-store"}


class HealthStatus(msgspec.Struct, omit_defaults=True):
    status: str
    rate_limit: dict[str, Any] | None = None
    response_cache: dict[str, Any] | None = None


class HealthController(ApiController):
    """Probes are public, never rate-limited and never cached."""

    tags = ["Health"]

    @get(
        "/health",
        summary="Is the process alive",
        description="Answers without touching the database or any other service; reports the "
        "rate-limit store's state (outages, requests served without limiting).",
        operation_id="health",
        tier=None,
        cacheable=False,
    )
    async def health(self, state: State) -> Response[HealthStatus]:
        status = HealthStatus(
            status="ok",
            rate_limit=state.rate_limit_store.status(),
            response_cache=state.response_cache.status(),
        )
        return Response(status, headers=NO_STORE)

    @get(
        "/ready",
        summary="Can the service answer requests",
        description="Checks that the database answers; 503 with the error body when it does not.",
        operation_id="ready",
        tier=None,
        cacheable=False,
        errors=(503,),
    )
    async def ready(self, state: State) -> Response[HealthStatus]:
        try:
            async with sessionmaker_from(state)() as session:
                await session.execute(text("SELECT 1"))
        except Exception as exc:
            raise ServiceUnavailableError(
                "Database unavailable.", extra={"database": type(exc).__name__}
            ) from exc
        return Response(HealthStatus(status="ready"), headers=NO_STORE)
