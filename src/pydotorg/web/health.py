"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response, get
from litestar.datastructures import State

from pydotorg.core.endpoints import ApiController
from pydotorg.core.exceptions import ServiceUnavailableError
from pydotorg.core.ratelimit import CounterStore
from pydotorg.db.database import ReadinessProbe

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
        description="Answers without touching the database; reports the rate-limit store's "
        "state (available now, outages, requests served without limiting), asking a Redis "
        "store again when it has not answered within the last second.",
        operation_id="health",
        tier=None,
        cacheable=False,
        database=False,
    )
    async def health(self, state: State) -> Response[HealthStatus]:
        store: CounterStore = state.rate_limit_store
        await store.probe()
        status = HealthStatus(
            status="ok",
            rate_limit=state.rate_limit_store.status(),
            response_cache=state.response_cache.status(),
        )
        return Response(status, headers=NO_STORE)

    @get(
        "/ready",
        summary="Can the service answer requests",
        description="Checks that the database answers, on a new connection, at most once a "
        "second (callers meanwhile get the last answer); 503 with the error body and "
        "`Retry-After` when it does not.",
        operation_id="ready",
        tier=None,
        cacheable=False,
        errors=(503,),
    )
    async def ready(self, state: State) -> Response[HealthStatus]:
        probe: ReadinessProbe = state.readiness
        error = await probe.check()
        if error is not None:
            raise ServiceUnavailableError(
                "Database unavailable.", extra={"database": type(error).__name__}
            ) from error
        return Response(HealthStatus(status="ready"), headers=NO_STORE)
