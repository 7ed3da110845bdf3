"""What every python.org v1 (Tastypie) endpoint shares: its error dialect, its refusal of
credentials outside the ``Authorization`` header, ``limit``/``offset`` and the list envelope.

Tastypie's lists are ``{"meta": {limit, next, offset, previous, total_count}, "objects": [...]}``;
``limit`` defaults to 20, and ``limit=0`` asks for the most Tastypie gives (here 1000, as
python.org's clients ask for with ``limit=1000``); ``meta.next`` and ``meta.previous`` are paths
with the request's other parameters kept.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode

import msgspec
from litestar import MediaType, Request, Response
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from pydotorg.compat.lookups import Filtering, InvalidFilter, tastypie_conditions
from pydotorg.compat.resources import Made, PythonOrgResource
from pydotorg.core.dialects import DIALECT_KEY, tastypie
from pydotorg.core.exceptions import NotAuthenticatedError, NotFoundError
from pydotorg.core.pagination import MAX_LIMIT, MAX_OFFSET, Window
from pydotorg.core.resources import Id, body, dependency
from pydotorg.core.text import ascii_digits

TAG = "python.org v1"
DEFAULT_LIMIT = 20
LEGACY_CREDENTIALS = frozenset({"username", "api_key"})
FORM = "application/x-www-form-urlencoded"


async def no_legacy_credentials(
    connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler
) -> None:
    """python.org takes v1 credentials from the ``Authorization`` header only: ``username`` or
    ``api_key`` in the query string or a form body is a 401, even on a read."""
    if LEGACY_CREDENTIALS & set(connection.query_params):
        raise NotAuthenticatedError("Credentials go in the Authorization header only.")
    if connection.headers.get("content-type", "").startswith(FORM):
        body = await Request[Any, Any, Any](connection.scope, connection.receive).body()
        names = {name for name, _ in parse_qsl(body.decode("latin-1"), keep_blank_values=True)}
        if LEGACY_CREDENTIALS & names:
            raise NotAuthenticatedError("Credentials go in the Authorization header only.")


class TastypieController(PythonOrgResource):
    """A python.org v1 resource (``compat.resources``): its ``listing`` (the ``{meta,
    objects}`` schema) and ``filtering``, and whether an object the caller may not see is
    Tastypie's 401 (``hidden_is_401``) rather than a 404. Its error dialect is named by its
    path (``/api/v1/downloads/os`` -> ``downloads/os``)."""

    version, stem = "v1", "tastypie"
    operations: ClassVar[tuple[str, ...]] = ("list", "get", "create", "delete")
    """python.org's v1 has no PUT or PATCH."""
    tags = [TAG]
    guards = [no_legacy_credentials]
    defaults = {"list": {"reads_query": True}, "create": {"media_type": MediaType.TEXT}}
    listing: ClassVar[type[Any]]
    filtering: ClassVar[Filtering]
    hidden_is_401: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "service" in cls.__dict__:
            cls.opt = {DIALECT_KEY: tastypie(cls.path.removeprefix("/api/v1/"))}
        super().__init_subclass__(**kwargs)

    @classmethod
    def handler(cls, operation: str, key: str) -> Made:
        service = dependency(cls.service)
        if operation == "list":

            async def list_all(self: Any, request: Request[Any, Any, Any], service: Any) -> Any:
                window = window_of(request)
                conditions = tastypie_conditions(cls.filtering, request.query_params.multi_items())
                page = await service.page(window, conditions)
                return cls.listing(meta_of(request, window, page.total), page.items)

            parameters = {"request": Request[Any, Any, Any], "service": service}
            return list_all, parameters, cls.listing
        if operation == "get" and cls.hidden_is_401:

            async def get_one(self: Any, service: Any, **kw: Any) -> Any:
                return await visible_or_401(service, kw[key])

            return get_one, {key: Id, "service": service}, cls.schema
        if operation != "create":
            return super().handler(operation, key)

        async def create(self: Any, data: Any, service: Any) -> Response[bytes]:
            item = await service.create(service.body(data, partial=False))
            return created(item.resource_uri)

        data = body(cls.service.write_schema)
        return create, {"data": data, "service": service}, Response[bytes]


async def visible_or_401(service: Any, key: int) -> Any:
    """The object, or Tastypie's 401 for one the caller may not see (an unpublished release
    or page), or 404."""
    try:
        return await service.get(key)
    except NotFoundError:
        if await service.hidden(key):
            raise NotAuthenticatedError("Only staff see unpublished objects.") from None
        raise


class Meta(msgspec.Struct):
    limit: int
    next: str | None
    offset: int
    previous: str | None
    total_count: int


def _number(request: Request[Any, Any, Any], name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not ascii_digits(raw) or int(raw) > MAX_OFFSET:
        raise InvalidFilter(
            [(name, f"Invalid {name} '{raw}' provided. Please provide a positive integer.")]
        )
    return int(raw)


def window_of(request: Request[Any, Any, Any]) -> Window:
    limit = _number(request, "limit", DEFAULT_LIMIT)
    offset = _number(request, "offset", 0)
    return Window(limit=min(limit, MAX_LIMIT) if limit else MAX_LIMIT, offset=offset)


def meta_of(request: Request[Any, Any, Any], window: Window, total: int) -> Meta:
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset")]

    def link(offset: int) -> str:
        query = urlencode([*kept, ("limit", window.limit), ("offset", offset)])
        return f"{request.url.path.rstrip('/')}/?{query}"

    following = window.offset + window.limit
    return Meta(
        limit=window.limit,
        next=link(following) if following < total else None,
        offset=window.offset,
        previous=link(max(0, window.offset - window.limit)) if window.offset > 0 else None,
        total_count=total,
    )


def created(uri: str) -> Response[bytes]:
    """Tastypie's answer to a create: 201, no body, the new object's path in ``Location``."""
    return Response(b"", status_code=201, headers={"Location": uri}, media_type="text/plain")
