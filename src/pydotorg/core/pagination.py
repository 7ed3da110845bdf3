"""The guide's two pagination styles, and the page of results a list endpoint returns.

List endpoints answer with a bare JSON array (the guide's clients iterate ``response.json()``);
the total goes in ``X-Total-Count`` and the neighbouring pages in an RFC 8288 ``Link`` header.
A handler returns a :class:`Page`; ``web.responses`` writes it out with those headers, and
``web.openapi`` documents it as an array.

Every controller gets the ``window`` dependency (``limit``/``offset``) from the app; a
controller with page-based lists overrides it with :data:`PAGE_BASED`. Links repeat only the
query parameters the endpoint reads (``core.query_strings``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from litestar import Request
from litestar.di import Provide
from litestar.params import Parameter

from pydotorg.core.query_strings import QUERY_KEY
from pydotorg.core.urls import base_url

T = TypeVar("T")

MAX_LIMIT = 1000
MAX_OFFSET = 2**63 - 1  # what every database can bind; anything larger is a 400
# The largest page number: the largest integer a JSON number holds exactly (so the document
# declares it as it is), and whose offset, at 1000 a page, every database can still bind.
MAX_PAGE = 2**53 - 1


@dataclass(frozen=True)
class Window:
    """A slice of a result list: skip ``offset`` rows, return at most ``limit``.

    ``style`` says where the client gave it: ``limit`` (``limit``/``offset`` in the query),
    ``page`` (``currentPage``/``pageSize``) or ``body`` (a search body; no ``Link`` header).
    """

    limit: int
    offset: int
    style: str = "limit"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One window of a list and the size of the whole list."""

    items: list[T]
    total: int
    window: Window
    headers: dict[str, str] | None = None  # more response headers (the search's counts)


async def provide_limit_offset(
    limit: Annotated[
        int, Parameter(ge=1, le=MAX_LIMIT, description="Maximum items to return (1-1000).")
    ] = 100,
    offset: Annotated[
        int, Parameter(ge=0, le=MAX_OFFSET, description="Number of items to skip.")
    ] = 0,
) -> Window:
    return Window(limit=limit, offset=offset, style="limit")


async def provide_page(
    currentPage: Annotated[  # the guide's name, so errors name it too
        int,
        Parameter(ge=1, le=MAX_PAGE, description="Page number (1-indexed)."),
    ] = 1,
    pageSize: Annotated[
        int, Parameter(ge=1, le=MAX_LIMIT, description="Items per page (1-1000).")
    ] = 20,
) -> Window:
    return Window(limit=pageSize, offset=(currentPage - 1) * pageSize, style="page")


LIMIT_OFFSET = {"window": Provide(provide_limit_offset)}
PAGE_BASED = {"window": Provide(provide_page)}


def link_header(request: Request[Any, Any, Any], window: Window, total: int) -> str:
    """The ``Link`` header: the request's URL with the first, previous, next and last pages'
    parameters in place of its own (every other declared parameter kept, in its order)."""
    last_offset = max(0, (math.ceil(total / window.limit) - 1) * window.limit)
    links = [("first", 0)]
    if window.offset > 0:
        links.append(("prev", max(0, min(window.offset - window.limit, last_offset))))
    if window.offset + window.limit < total:
        links.append(("next", window.offset + window.limit))
    links.append(("last", last_offset))
    paging = window.style == "page"
    names = ("currentPage", "pageSize") if paging else ("limit", "offset")
    declared = request.route_handler.opt.get(QUERY_KEY)
    kept = urlencode(
        [
            (k, v)
            for k, v in request.query_params.multi_items()
            if k not in names and (declared is None or k in declared)
        ]
    )
    url = f"{base_url(request)}{request.url.path}?{kept}{'&' if kept else ''}"
    size = window.limit
    return ", ".join(
        f'<{url}currentPage={offset // size + 1}&pageSize={size}>; rel="{rel}"'
        if paging
        else f'<{url}limit={size}&offset={offset}>; rel="{rel}"'
        for rel, offset in links
    )
