"""Defaults by configuration, exceptions by declaration: who may call an endpoint, what it costs.

Every domain controller derives from :class:`ApiController`. A handler's access rule, rate-limit
tier and whether its anonymous answers are cached follow from its HTTP method and controller:

- reads are open to anyone, in the LOW tier, and cached for anonymous callers;
- writes are for staff (a controller may open them with ``write_access = Access.SIGNED_IN``),
  in the HIGH tier.

A handler declares an exception next to itself, as keyword arguments Litestar keeps in its
``opt``: ``@post("/submit", access=Access.SIGNED_IN, tier=Tier.CRITICAL, errors=(409,))``.

At start-up :func:`configure_endpoints` writes the effective values into every handler's
``opt`` (the guard, the rate limiter and the response cache read them there) and documents them
in the OpenAPI document: who may call and the tier in each operation's description, the bearer
scheme where a credential is needed, and the error statuses the operation can answer, derived
from what it does: 429 where it is rate-limited, 401 and 403 where it is guarded, 404 with a
path parameter, 400 on every operation (any query string may hold a forbidden character,
``core.query_strings``), 413 and 422 with a body, 409 for writes, plus
what the handler declares in ``errors``. It also records the query parameters each handler
reads (``core.query_strings``), which the response cache and pagination links keep to.
"""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus
from typing import Any, ClassVar

from litestar import Controller, Litestar, Router
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
)

from pydotorg.core.auth import ACCESS_KEY, BEARER_SECURITY, SAFE_METHODS, Access
from pydotorg.core.pagination import Page
from pydotorg.core.query_strings import QUERY_KEY, declared_query
from pydotorg.core.ratelimit import TIER_KEY, Limits, Tier, describe
from pydotorg.core.response_cache import CACHE_KEY

DEFAULTS_KEY = "api_defaults"
ERRORS_KEY = "errors"
ERROR_BODY = Reference(ref="#/components/schemas/ErrorBody")
STATUS_TEXT = {
    400: "Malformed request: bad JSON, wrong parameter types, out-of-range values, or control "
    "characters in a query parameter.",
    401: "Missing or invalid credentials.",
    403: "Authenticated, but lacking the required role.",
    404: "No such resource (or not visible to the caller).",
    409: "The request conflicts with the current state of the resource.",
    413: "Request body too large.",
    422: "Semantic validation failed; `extra.errors` names the fields.",
    429: "Rate limit exceeded; `Retry-After` says when to try again.",
    503: "A dependency (the database) is unavailable.",
}
ERROR_BODY_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    title="ErrorBody",
    description="The body of every error response.",
    properties={
        "detail": Schema(type=OpenAPIType.STRING, description="What went wrong."),
        "status_code": Schema(type=OpenAPIType.INTEGER, description="The HTTP status."),
        "extra": Schema(
            type=OpenAPIType.OBJECT,
            description="Details: `errors` (each with `field`, `message`, `source`), "
            "`request_id` on a 500, the `allowed_actions` of a 409.",
        ),
    },
    required=["detail", "status_code", "extra"],
)
PAGE_HEADERS = {
    "X-Total-Count": OpenAPIHeader(
        schema=Schema(type=OpenAPIType.INTEGER),
        description="Total number of items matching the query.",
        required=True,
    ),
    "Link": OpenAPIHeader(
        schema=Schema(type=OpenAPIType.STRING),
        description="RFC 8288 links to the first, previous, next and last pages.",
    ),
}


class ApiController(Controller):
    """Base of every domain controller: reads for anyone, writes for staff, unless it says
    otherwise (``read_access``, ``write_access``) or a handler does (``access=...``)."""

    read_access: ClassVar[Access] = Access.PUBLIC
    write_access: ClassVar[Access] = Access.STAFF

    def __init__(self, owner: Router) -> None:
        super().__init__(owner)
        self.opt = {DEFAULTS_KEY: (self.read_access, self.write_access), **(self.opt or {})}


def api_handlers(app: Litestar) -> Iterator[HTTPRouteHandler]:
    """Every handler of a domain controller (health checks and the docs pages are not)."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if isinstance(handler, HTTPRouteHandler) and DEFAULTS_KEY in handler.opt:
                yield handler


def is_read(handler: HTTPRouteHandler) -> bool:
    return set(handler.http_methods) <= SAFE_METHODS


def configure_endpoints(app: Litestar, limits: Limits) -> None:
    """Resolve every handler's access, tier and caching, and document them (see the module)."""
    handlers: dict[str, HTTPRouteHandler] = {}
    for handler in api_handlers(app):
        opt = handler.opt
        read_access, write_access = opt[DEFAULTS_KEY]
        read = is_read(handler)
        access = opt.setdefault(ACCESS_KEY, read_access if read else write_access)
        opt.setdefault(TIER_KEY, Tier.LOW if read else Tier.HIGH)
        opt.setdefault(CACHE_KEY, read and access is Access.PUBLIC)
        if isinstance(handler.operation_id, str):
            handlers[handler.operation_id] = handler
    schema = app.openapi_schema
    components = schema.components
    components.schemas = {**(components.schemas or {}), "ErrorBody": ERROR_BODY_SCHEMA}
    for item in (schema.paths or {}).values():
        for method in ("get", "post", "put", "patch", "delete"):
            operation: Operation | None = getattr(item, method, None)
            if operation is not None and operation.operation_id in handlers:
                handler = handlers[operation.operation_id]
                handler.opt[QUERY_KEY] = declared_query(operation)
                _document(operation, handler, limits)


def _document(operation: Operation, handler: HTTPRouteHandler, limits: Limits) -> None:
    access: Access = handler.opt[ACCESS_KEY]
    tier: Tier | None = handler.opt[TIER_KEY]
    notes = [f"**Who may call:** {access.value}."]
    if tier is not None:
        notes.append(describe(tier, limits))
    operation.description = "\n\n".join(filter(None, [operation.description, *notes]))
    if access is not Access.PUBLIC:
        operation.security = BEARER_SECURITY
    responses = operation.responses or {}
    for status in sorted(error_statuses(operation, handler)):
        responses[str(status)] = OpenAPIResponse(
            description=STATUS_TEXT.get(status, HTTPStatus(status).phrase),
            content={"application/json": OpenAPIMediaType(schema=ERROR_BODY)},
        )
    if handler.parsed_fn_signature.return_type.origin is Page:
        for code, response in responses.items():
            if code.startswith("2") and isinstance(response, OpenAPIResponse):
                response.headers = {**(response.headers or {}), **PAGE_HEADERS}
    operation.responses = responses


def error_statuses(operation: Operation, handler: HTTPRouteHandler) -> set[int]:
    """The error statuses an operation can answer, from its guard, parameters and method."""
    opt: dict[str, Any] = handler.opt
    statuses = set(opt.get(ERRORS_KEY, ()))
    if opt[TIER_KEY] is not None:
        statuses.add(429)
    if opt[ACCESS_KEY] is not Access.PUBLIC:
        statuses |= {401, 403}
    parameters = operation.parameters or []
    if any(getattr(p, "param_in", None) == "path" for p in parameters):
        statuses.add(404)
    statuses.add(400)
    if operation.request_body is not None:
        statuses |= {413, 422}
    if not is_read(handler):
        statuses.add(409)
    return statuses
