"""Response shapes shared by every domain's controllers."""

from __future__ import annotations

from typing import TypeVar

from litestar import Response

T = TypeVar("T")


def created(content: T, uri: str) -> Response[T]:
    """201 Created with the new resource's absolute URL in ``Location``."""
    return Response(content, status_code=201, headers={"Location": uri})
