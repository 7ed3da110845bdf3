"""What every python.org v2 (Django REST framework) endpoint shares: its error dialect, its
filters read from the query string, and its answer to a create."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from pydotorg.compat.lookups import Filtering, drf_conditions
from pydotorg.core.dialects import DIALECT_KEY, DRF
from pydotorg.core.endpoints import ApiController

TAG = "python.org v2"


class DRFController(ApiController):
    """A python.org v2 controller: DRF's error bodies, ``Token`` credentials."""

    tags = [TAG]
    opt = {DIALECT_KEY: DRF}


def filters_of(request: Request[Any, Any, Any], filtering: Filtering, *, strict: bool) -> Any:
    """The conditions of django-filter's filters in the request's query string."""
    return drf_conditions(filtering, request.query_params.multi_items(), strict=strict)


def created(item: Any, uri: str) -> Response[Any]:
    """DRF's answer to a create: 201, the object, and its URI in ``Location``."""
    return Response(item, status_code=201, headers={"Location": uri})
