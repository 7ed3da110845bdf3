"""What every python.org v2 (Django REST framework) endpoint shares: its error dialect, its
filters read from the query string, its answer to a create, and the handlers of a resource
(``compat.resources``)."""

from __future__ import annotations

from typing import Any, ClassVar

from litestar import Request, Response

from pydotorg.compat.lookups import Filtering, drf_conditions
from pydotorg.compat.resources import Made, PythonOrgResource
from pydotorg.compat.writes import given
from pydotorg.core.dialects import DIALECT_KEY, DRF
from pydotorg.core.resources import Id, body, dependency

TAG = "python.org v2"


class DRFController(PythonOrgResource):
    """A python.org v2 controller: DRF's error bodies, ``Token`` credentials; as a resource,
    its ``filtering`` and whether a parameter that is no filter is a 400 (``strict``)."""

    version, stem = "v2", "drf"
    operations: ClassVar[tuple[str, ...]] = ("list", "get", "create", "replace", "update", "delete")
    tags = [TAG]
    opt = {DIALECT_KEY: DRF}
    defaults = {"list": {"reads_query": True}}
    filtering: ClassVar[Filtering]
    strict: ClassVar[bool] = False

    @classmethod
    def handler(cls, operation: str, key: str) -> Made:
        service, schema = dependency(cls.service), cls.schema
        if operation == "list":

            async def list_all(self: Any, request: Request[Any, Any, Any], service: Any) -> Any:
                return await service.every(filters_of(request, cls.filtering, strict=cls.strict))

            parameters = {"request": Request[Any, Any, Any], "service": service}
            return list_all, parameters, list[schema]  # type: ignore[valid-type]
        if operation in ("get", "delete"):
            return super().handler(operation, key)
        data = body(cls.service.write_schema)
        if operation == "create":

            async def create(self: Any, data: Any, service: Any) -> Response[Any]:
                item = await service.create(service.body(data, partial=False))
                return created(item, item.resource_uri)

            answer = Response[schema]  # type: ignore[valid-type]
            return create, {"data": data, "service": service}, answer
        replace = operation == "replace"

        async def update(self: Any, data: Any, service: Any, **kw: Any) -> Any:
            if replace:
                given(data, *service.required)
            return await service.update(kw[key], service.body(data, partial=True))

        return update, {key: Id, "data": data, "service": service}, schema


def filters_of(request: Request[Any, Any, Any], filtering: Filtering, *, strict: bool) -> Any:
    """The conditions of django-filter's filters in the request's query string."""
    return drf_conditions(filtering, request.query_params.multi_items(), strict=strict)


def created(item: Any, uri: str) -> Response[Any]:
    """DRF's answer to a create: 201, the object, and its URI in ``Location``."""
    return Response(item, status_code=201, headers={"Location": uri})
