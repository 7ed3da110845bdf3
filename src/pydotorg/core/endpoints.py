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
from what it does: 429 where it is rate-limited, 401 everywhere (a refused credential is
refused even on a public read), 403 where it is guarded, 404 with a path parameter, 400 on
every operation (any query string may hold a forbidden character, ``core.query_strings``), 413
and 422 with a body, 409 for writes, 503 wherever it reaches the database (all but
``database=False``), plus what the handler declares in ``errors``. It also records the query
parameters each handler reads (``core.query_strings``), which the response cache and
pagination links keep to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar

from litestar import Controller, Litestar, Router
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    Reference,
    RequestBody,
    Schema,
)
from litestar.routes import HTTPRoute

from pydotorg.core.auth import (
    ACCESS_KEY,
    AFTER_LOOKUP_KEY,
    BEARER_SECURITY,
    SAFE_METHODS,
    Access,
)
from pydotorg.core.declarations import declare_item_constraints, declare_query_rules
from pydotorg.core.dialects import NATIVE, dialect_of
from pydotorg.core.pagination import Page
from pydotorg.core.query_strings import (
    INTEGER_QUERY_KEY,
    QUERY_KEY,
    READS_QUERY_KEY,
    declared_query,
)
from pydotorg.core.ratelimit import (
    BY_ADDRESS_KEY,
    GROUP_KEY,
    LIMIT_KEY,
    TIER_KEY,
    Limit,
    Limits,
    Tier,
    describe,
)
from pydotorg.core.response_cache import CACHE_KEY
from pydotorg.core.schemas import LenientSchema, WriteSchema

DEFAULTS_KEY = "api_defaults"
MAX_INTEGER = 2**63 - 1
ERRORS_KEY = "errors"
ALSO_AS_KEY = "also_as"
# ``database=False``: the handler never reaches the database, so it cannot answer 503 for it.
DATABASE_KEY = "database"
# ``refuses=True``: the handler only refuses its methods (405), so ``Allow`` does not list them.
REFUSES_KEY = "refuses"
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
    503: "The database is unavailable for now; `Retry-After` says when to try again.",
}
SUBMISSION: dict[str, Any] = {
    "access": Access.SIGNED_IN,
    "tier": Tier.CRITICAL,
    "group": "submissions",
}
"""What a handler that puts something before staff for review declares (``@post(...,
**SUBMISSION)``): signed-in callers, the critical tier, and one counter for every kind of
submission, so that a caller's story, event, post and application share one limit."""
SEARCH: dict[str, Any] = {"access": Access.PUBLIC, "tier": Tier.CRITICAL, "group": "search"}
"""What a full-text search handler declares: open to anyone, the critical tier, and one counter
for every search endpoint."""
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
        if "OPTIONS" in handler.http_methods:
            read_access = Access.PUBLIC  # saying which methods a path has is no one's secret
        access = opt.setdefault(ACCESS_KEY, read_access if read else write_access)
        tier = opt.setdefault(TIER_KEY, Tier.LOW if read else Tier.HIGH)
        if tier is not None:
            opt[LIMIT_KEY] = Limit.of(tier, opt.get(GROUP_KEY), opt.get(BY_ADDRESS_KEY, False))
        opt.setdefault(CACHE_KEY, read and access is Access.PUBLIC)
        if isinstance(handler.operation_id, str):
            handlers[handler.operation_id] = handler
    for route in app.routes:  # the docs pages and their assets count as reads
        for other in getattr(route, "route_handlers", ()):
            if DEFAULTS_KEY not in other.opt:
                other.opt.setdefault(LIMIT_KEY, Limit.of(Tier.LOW))
    schema = app.openapi_schema
    components = schema.components
    dialects = {dialect_of(handler.opt) for handler in handlers.values()} | {NATIVE}
    components.schemas = {
        **(components.schemas or {}),
        **{dialect.name: dialect.schema for dialect in dialects},
    }
    for item in (schema.paths or {}).values():
        for method in ("get", "post", "put", "patch", "delete"):
            operation: Operation | None = getattr(item, method, None)
            if operation is not None and operation.operation_id in handlers:
                handler = handlers[operation.operation_id]
                reads_all = handler.opt.get(READS_QUERY_KEY, False)
                handler.opt[QUERY_KEY] = None if reads_all else declared_query(operation)
                _document(operation, handler, limits)
                declare_query_rules(operation)
    tidy_schemas(schema)
    close_request_bodies(schema)
    declare_item_constraints(schema)
    complete_allow_headers(app)


@dataclass(frozen=True)
class ServedMethods:
    """What an ``OPTIONS`` handler reads of its route: the methods the path serves."""

    methods: frozenset[str]


def complete_allow_headers(app: Litestar) -> None:
    """Make every ``OPTIONS`` answer list all of its path's methods, and only those it serves.

    Litestar makes one ``OPTIONS`` handler per path, bound to the route object that existed
    when the path's first handlers were registered; handlers registered for the same path later
    make a new route, and the old handler keeps answering the old route's methods. Bind each
    ``OPTIONS`` handler to its path's final route, less the methods a handler only refuses
    (``refuses=True``: a 405 after the guard, as python.org's v2 answers them).
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "OPTIONS" not in route.route_handler_map:
            continue
        handler, _ = route.route_handler_map["OPTIONS"]
        refused = {
            method
            for method, (other, _) in route.route_handler_map.items()
            if other.opt.get(REFUSES_KEY)
        }
        served = ServedMethods(frozenset(route.methods) - refused) if refused else route
        for cell in getattr(handler.fn, "__closure__", None) or ():
            if isinstance(cell.cell_contents, HTTPRoute):
                cell.cell_contents = served


def close_request_bodies(document: OpenAPI) -> None:
    """Request bodies refuse unknown fields (``WriteSchema``) or ignore them
    (``LenientSchema``): say which in their schemas."""
    components = document.components.schemas or {}
    for base, allowed in ((WriteSchema, False), (LenientSchema, True)):
        pending: list[type[Any]] = [base]
        while pending:
            kind = pending.pop()
            component = components.get(kind.__name__)
            if isinstance(component, Schema):
                component.additional_properties = allowed
            pending += kind.__subclasses__()


def tidy_schemas(document: Any) -> None:
    """Write what the service enforces, where Litestar writes it loosely.

    Litestar writes every numeric bound as a float, and 2**63 - 1 as a float is 2**63: integer
    schemas get their bounds as the integers they are, so that clients (and fuzzers) read the
    range the service enforces. And it writes a union as ``oneOf``, which a value matching two
    of its members (a full user record is also a public profile) fails: unions are ``anyOf``.
    """
    seen: set[int] = set()

    def visit(node: Any) -> None:
        if id(node) in seen or isinstance(node, str | int | float | bool | type(None)):
            return
        seen.add(id(node))
        if isinstance(node, Schema) and node.one_of:
            node.any_of, node.one_of = node.one_of, None
        if isinstance(node, Schema) and _is_integer(node):
            for bound in ("minimum", "maximum", "exclusive_minimum", "exclusive_maximum"):
                value = getattr(node, bound)
                if isinstance(value, float) and value.is_integer():
                    exact = MAX_INTEGER if value >= float(MAX_INTEGER) else int(value)
                    setattr(node, bound, exact)
        children = node.values() if isinstance(node, dict) else node
        if isinstance(children, list | tuple) or isinstance(node, dict):
            for child in children:
                visit(child)
        elif hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                visit(getattr(node, name))

    visit(document)


def _accepts_integer(schema: Schema) -> bool:
    return _is_integer(schema) or any(
        isinstance(option, Schema) and _is_integer(option) for option in schema.one_of or []
    )


def _is_integer(schema: Schema) -> bool:
    kinds = schema.type if isinstance(schema.type, list | tuple) else [schema.type]
    return OpenAPIType.INTEGER in kinds


def _document(operation: Operation, handler: HTTPRouteHandler, limits: Limits) -> None:
    handler.opt[INTEGER_QUERY_KEY] = frozenset(
        parameter.name
        for parameter in operation.parameters or []
        if isinstance(parameter, Parameter)
        and parameter.param_in == "query"
        and isinstance(parameter.schema, Schema)
        and _accepts_integer(parameter.schema)
    )
    access: Access = handler.opt[ACCESS_KEY]
    limit: Limit | None = handler.opt.get(LIMIT_KEY)
    notes = [f"**Who may call:** {access.value}."]
    if limit is not None:
        notes.append(describe(limit, limits))
    operation.description = "\n\n".join(filter(None, [operation.description, *notes]))
    if access is not Access.PUBLIC:
        # a handler that looks its object up first may answer a caller without credentials
        # (a 404, a 400 for its query): for it a credential is optional, not required
        after_lookup = handler.opt.get(AFTER_LOOKUP_KEY, False)
        operation.security = [*BEARER_SECURITY, {}] if after_lookup else BEARER_SECURITY
    responses = operation.responses or {}
    dialect = dialect_of(handler.opt)
    body = Reference(ref=f"#/components/schemas/{dialect.name}")
    for status in sorted(error_statuses(operation, handler)):
        responses[str(status)] = OpenAPIResponse(
            description=STATUS_TEXT.get(status, HTTPStatus(status).phrase)
            if dialect is NATIVE
            else HTTPStatus(status).phrase,
            content={"application/json": OpenAPIMediaType(schema=body)},
        )
    for code, response in responses.items():
        if code.startswith("2") and isinstance(response, OpenAPIResponse) and response.content:
            first = next(iter(response.content.values()))
            for media_type in opt_also_as(handler):
                response.content[media_type] = OpenAPIMediaType(schema=first.schema)
    data = handler.parsed_data_field
    optional_body = data is not None and (data.is_optional or data.has_default)
    if optional_body and isinstance(operation.request_body, RequestBody):
        operation.request_body.required = False
    if handler.parsed_fn_signature.return_type.origin is Page:
        for code, response in responses.items():
            if code.startswith("2") and isinstance(response, OpenAPIResponse):
                response.headers = {**(response.headers or {}), **PAGE_HEADERS}
    operation.responses = responses


def opt_also_as(handler: HTTPRouteHandler) -> tuple[str, ...]:
    """Other media types the handler answers with when a client asks (``also_as=``)."""
    also: tuple[str, ...] = handler.opt.get(ALSO_AS_KEY, ())
    return also


def error_statuses(operation: Operation, handler: HTTPRouteHandler) -> set[int]:
    """The error statuses an operation can answer, from its guard, parameters and method."""
    opt: dict[str, Any] = handler.opt
    statuses = set(opt.get(ERRORS_KEY, ()))
    if opt[TIER_KEY] is not None:
        statuses.add(429)
    statuses.add(401)  # a refused credential is refused on every endpoint, public ones included
    if opt[ACCESS_KEY] is not Access.PUBLIC:
        statuses.add(403)
    parameters = operation.parameters or []
    if any(getattr(p, "param_in", None) == "path" for p in parameters):
        statuses.add(404)
    statuses.add(400)
    if operation.request_body is not None:
        statuses |= {413, 422}
    if not is_read(handler):
        statuses.add(409)
    if opt.get(DATABASE_KEY, True):
        statuses.add(503)
    return {dialect_of(opt).status(status) for status in statuses}
