"""What every python.org v2 (Django REST framework) endpoint shares: its error dialect, its
credentials (``Token`` only, ``compat.v2.authentication``), its order of checks (the caller,
then the method), its filters read from the query string, its answer to a create, and the
handlers of a resource (``compat.resources``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, ClassVar

from litestar import Controller, HttpMethod, Request, Response, route
from litestar.handlers import HTTPRouteHandler

from pydotorg.compat.dialects import DRF
from pydotorg.compat.lookups import Filtering, drf_conditions
from pydotorg.compat.resources import Made, PythonOrgResource
from pydotorg.compat.v2.authentication import token_credentials
from pydotorg.compat.writes import given
from pydotorg.core.auth import CREDENTIALS_KEY, Access
from pydotorg.core.dialects import DIALECT_KEY
from pydotorg.core.endpoints import DATABASE_KEY, REFUSES_KEY
from pydotorg.core.exceptions import MethodNotAllowedError
from pydotorg.core.resources import Id, body, dependency

TAG = "python.org v2"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def refusals(controller: type[Controller], access: Mapping[bool, Access] | None = None) -> None:
    """Give each path of ``controller`` handlers that refuse the methods it does not serve
    (and that no handler of its own refuses), as Django REST framework does: after the
    caller's credential and permission (an anonymous POST to a read-only resource is a 401, a
    staff one a 405 ``{"detail": "Method \"POST\" not allowed."}``), with ``Allow``.
    ``access`` says who may reach the refusal of a read (``True``) or a write (``False``), if
    not the controller's defaults; ``TRACE`` is refused to anyone, as everywhere here."""
    served: dict[str, set[str]] = defaultdict(set)
    refused: dict[str, set[str]] = defaultdict(set)
    for value in list(vars(controller).values()):
        if isinstance(value, HTTPRouteHandler):
            for path in value.paths:
                kind = refused if value.opt.get(REFUSES_KEY) else served
                kind[path] |= set(value.http_methods)
    for number, (path, methods) in enumerate(sorted(served.items())):
        allowed = tuple(sorted(methods | {"OPTIONS"}))
        missing = {"GET", "TRACE", *UNSAFE} - methods - refused[path]
        groups = {
            "reads": (["GET"], None if access is None else access[True]),
            "writes": (list(UNSAFE), None if access is None else access[False]),
            "trace": (["TRACE"], Access.PUBLIC),
        }
        for group, (candidates, who) in groups.items():
            methods_refused = [method for method in candidates if method in missing]
            if methods_refused:
                name = f"refuse_{number}_{group}"
                declared = {} if who is None else {"access": who}
                refusal = _refusal(controller, name, path, methods_refused, allowed, declared)
                setattr(controller, name, refusal)


def _refusal(
    controller: type[Controller],
    name: str,
    path: str,
    methods: list[str],
    allowed: tuple[str, ...],
    declared: Mapping[str, Any],
) -> HTTPRouteHandler:
    async def refuse(self: Any, request: Request[Any, Any, Any]) -> None:
        raise MethodNotAllowedError(request.method, allowed)

    refuse.__name__ = name
    refuse.__qualname__ = f"{controller.__qualname__}.{name}"
    refuse.__module__ = controller.__module__
    options = {REFUSES_KEY: True, DATABASE_KEY: False, **declared}
    handler: HTTPRouteHandler = route(
        path,
        http_method=[HttpMethod(method) for method in methods],
        include_in_schema=False,
        status_code=405,
        **options,
    )(refuse)
    return handler


class DRFController(PythonOrgResource):
    """A python.org v2 controller: DRF's error bodies, ``Token`` credentials, its refusal of
    a method after the caller's permission (:func:`refusals`); as a resource, its
    ``filtering`` and whether a parameter that is no filter is a 400 (``strict``)."""

    version, stem = "v2", "drf"
    operations: ClassVar[tuple[str, ...]] = ("list", "get", "create", "replace", "update", "delete")
    tags = [TAG]
    opt = {DIALECT_KEY: DRF, CREDENTIALS_KEY: token_credentials}
    defaults = {"list": {"reads_query": True}}
    filtering: ClassVar[Filtering]
    strict: ClassVar[bool] = False
    refusal_access: ClassVar[Mapping[bool, Access] | None] = None
    """Who may reach the refusal of a method (see :func:`refusals`), if not the defaults."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        refusals(cls, cls.refusal_access)

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
