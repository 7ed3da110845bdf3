"""What every python.org v1 (Tastypie) endpoint shares: its error dialect, its refusal of
credentials outside the ``Authorization`` header, ``limit``/``offset`` and the list envelope.

Tastypie's lists are ``{"meta": {limit, next, offset, previous, total_count}, "objects": [...]}``;
``limit`` defaults to 20, and ``limit=0`` asks for the most Tastypie gives (here 1000, as
python.org's clients ask for with ``limit=1000``); ``meta.next`` and ``meta.previous`` are paths
with the request's other parameters kept.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

import msgspec
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from pydotorg.compat.lookups import InvalidFilter
from pydotorg.core.endpoints import ApiController
from pydotorg.core.exceptions import NotAuthenticatedError
from pydotorg.core.pagination import MAX_LIMIT, MAX_OFFSET, Window

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


class TastypieController(ApiController):
    """A python.org v1 controller (subclasses set ``opt`` with their resource's dialect)."""

    tags = [TAG]
    guards = [no_legacy_credentials]


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
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18 or int(raw) > MAX_OFFSET:
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
