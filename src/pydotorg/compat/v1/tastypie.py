"""What every python.org v1 (Tastypie) endpoint shares: its error dialect, its credentials, its
filters, ``limit``/``offset`` and the list envelope, and the handlers of a resource.

Tastypie's lists are ``{"meta": {limit, next, offset, previous, total_count}, "objects": [...]}``
(its paginator: ``limit`` 20 by default, ``0`` or more than 1000 asks for 1000; ``next`` and
``previous`` are the list's path with the request's other parameters kept, ``previous`` only
from a whole page back). Each resource also serves ``schema/`` (``compat.v1.discovery``) and
``set/1;3/``, several objects by id. Writes take ``Authorization: ApiKey <username>:<key>``
of a staff user only; every other scheme is a 401, reads included, as Tastypie's
``ApiKeyAuthentication`` answers. A DELETE looks its object up first, so a missing object is a
404 to anyone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar
from urllib.parse import parse_qsl, urlencode

from litestar import MediaType, Request, Response, get
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.params import PathParameter
from msgspec import UNSET

from pydotorg.compat.dialects import tastypie
from pydotorg.compat.lookups import Filtering, InvalidFilter
from pydotorg.compat.resources import Made, PythonOrgResource
from pydotorg.compat.v1 import filters
from pydotorg.compat.v1.discovery import Described, resource_schema
from pydotorg.compat.v1.schemas import Meta, ResourceSchema
from pydotorg.core.auth import AFTER_LOOKUP_KEY, require_declared
from pydotorg.core.dialects import DIALECT_KEY
from pydotorg.core.endpoints import SLASHED_KEY
from pydotorg.core.exceptions import NotAuthenticatedError, NotFoundError
from pydotorg.core.pagination import MAX_LIMIT, MAX_OFFSET, Window
from pydotorg.core.resources import Id, body, dependency
from pydotorg.core.text import ascii_digits

TAG = "python.org v1"
ROOT = "/api/v1"
DEFAULT_LIMIT = 20
LEGACY_CREDENTIALS = frozenset({"username", "api_key"})
FORM = "application/x-www-form-urlencoded"
CANNED = "Sorry, this request could not be processed. Please try again later."
"""Tastypie's body for an error it did not expect, such as a relation URI that is no link."""
ONLY_API_KEYS = "python.org's v1 API takes credentials as 'ApiKey <username>:<api key>' only."
_INTEGER = re.compile(r"-?[0-9]+")
SetIds = Annotated[
    str,
    PathParameter(
        min_length=1,
        max_length=4000,
        description="Ids separated by `;` (`1;3`); each that names no object the caller may "
        "see is listed in `not_found`.",
    ),
]


async def tastypie_credentials(
    connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler
) -> None:
    """python.org takes v1 credentials as ``Authorization: ApiKey <username>:<key>`` only
    (``pydotorg/resources.py``): a header of another scheme (a sign-in token as ``Bearer``, a
    ``Token``) is a 401 even on a read, and so are ``username`` or ``api_key`` in the query
    string or a form body."""
    header = connection.headers.get("authorization")
    if header is not None and header.partition(" ")[0].lower() != "apikey":
        raise NotAuthenticatedError(ONLY_API_KEYS)
    if LEGACY_CREDENTIALS & set(connection.query_params):
        raise NotAuthenticatedError("Credentials go in the Authorization header only.")
    if connection.headers.get("content-type", "").startswith(FORM):
        body = await Request[Any, Any, Any](connection.scope, connection.receive).body()
        names = {name for name, _ in parse_qsl(body.decode("latin-1"), keep_blank_values=True)}
        if LEGACY_CREDENTIALS & names:
            raise NotAuthenticatedError("Credentials go in the Authorization header only.")


def query_of(request: Request[Any, Any, Any]) -> list[tuple[str, str]]:
    """The query string's parameters in the order they came, as Django reads them."""
    raw = request.scope.get("query_string", b"").decode("latin-1")
    return parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="replace")


def bad_request(field: str, message: str) -> InvalidFilter:
    """Tastypie's ``BadRequest``: 400 ``{"error": message}``."""
    return InvalidFilter([(field, message)])


def related_key(uri: str, resource: str) -> int | None:
    """The id a relation's URI names, read as Tastypie's ``get_via_uri`` reads it: any path
    (or URL) ending in ``/<resource>/<id>/``. ``None`` for a URI of the resource that can name
    no object (blank, a negative or too long id); a 404 for one that is no link to the
    resource, which Tastypie answers with its canned error."""
    if not uri:
        return None
    head, _, key = uri[:-1].rpartition("/")
    if not uri.endswith("/") or not head.endswith(f"/{resource}") or not _INTEGER.fullmatch(key):
        raise NotFoundError(CANNED)
    return int(key) if ascii_digits(key) else None


class TastypieService:
    """What a v1 service adds to its python.org service (``compat.services``): the relations
    a write names by URI, field -> (the related resource's name, its model), checked as
    Tastypie checks them before anything else in the body."""

    relations: ClassVar[Mapping[str, tuple[str, type[Any]]]] = {}
    session: Any
    body: Any
    """The python.org service's (``compat.services``)."""

    async def received(self, data: Any) -> Any:
        """The domain's create body of what a client posted, once each relation's URI names
        an object: else Tastypie's 400 (or its 404, for a URI that is no link)."""
        for field, (resource, model) in self.relations.items():
            uri = getattr(data, field, UNSET)
            if uri is UNSET:
                message = (
                    f"The '{field}' field has no data and doesn't allow a default or null value."
                )
                raise bad_request(field, message)
            key = related_key(uri, resource)
            if key is None or await self.session.get(model, key) is None:
                message = f"Could not find the provided {resource} object via resource URI '{uri}'."
                raise bad_request(field, message)
        return self.body(data, partial=False)

    def id_in(self, route: str, value: str, field: str) -> int:
        key = related_key(value, self.relations[field][0])
        if key is None:
            raise bad_request(field, "Could not find the object via resource URI.")
        return key


class TastypieController(PythonOrgResource):
    """A python.org v1 resource (``compat.resources``): its ``listing`` (the ``{meta,
    objects}`` schema) and ``sets`` (``set/``'s), its ``filtering`` and ``described`` fields
    (its ``schema/``), the methods its list takes, and whether an object the caller may not
    see is Tastypie's 401 (``hidden_is_401``) rather than a 404. Its error dialect is named by
    its path (``/api/v1/downloads/os`` -> ``downloads/os``)."""

    version, stem = "v1", "tastypie"
    operations: ClassVar[tuple[str, ...]] = (
        "list",
        "get",
        "create",
        "delete",
        "get_schema",
        "get_multiple",
    )
    """python.org's v1 has no PUT or PATCH."""
    tags = [TAG]
    guards = [tastypie_credentials]
    defaults = {
        "list": {"reads_query": True},
        "create": {"media_type": MediaType.TEXT},
        "delete": {AFTER_LOOKUP_KEY: True},
        "get_multiple": {"reads_query": True},
    }
    listing: ClassVar[type[Any]]
    sets: ClassVar[type[Any]]
    filtering: ClassVar[Filtering]
    described: ClassVar[Mapping[str, Described]]
    list_methods: ClassVar[tuple[str, ...]] = ("get", "post")
    hidden_is_401: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "service" in cls.__dict__:
            cls.opt = {DIALECT_KEY: tastypie(cls.resource_name()), SLASHED_KEY: True}
        super().__init_subclass__(**kwargs)

    @classmethod
    def resource_name(cls) -> str:
        """Tastypie's name of the resource: ``downloads/os``."""
        return cls.path.removeprefix(f"{ROOT}/")

    @classmethod
    def tastypie_only(cls, operation: str) -> tuple[str, str, str] | None:
        """The operation id, summary and path of an operation only Tastypie has (a GET);
        None for the others."""
        if operation == "get_schema":
            return (
                f"{cls.stem}Get{cls.noun}Schema",
                f"python.org v1: the {cls.resource_name()} resource's schema",
                "/schema",
            )
        if operation == "get_multiple":
            return (
                f"{cls.stem}Get{cls.noun}Set",
                f"python.org v1: several {cls.called[1] or cls.plural} by id",
                "/set/{ids:str}",
            )
        return None

    @classmethod
    def operation_id(cls, operation: str) -> str:
        own = cls.tastypie_only(operation)
        return own[0] if own else super().operation_id(operation)

    @classmethod
    def summary(cls, operation: str) -> str:
        own = cls.tastypie_only(operation)
        return own[1] if own else super().summary(operation)

    @classmethod
    def route(cls, operation: str, key: str) -> tuple[Any, str]:
        own = cls.tastypie_only(operation)
        return (get, own[2]) if own else super().route(operation, key)

    @classmethod
    def handler(cls, operation: str, key: str) -> Made:
        service = dependency(cls.service)
        request = Request[Any, Any, Any]
        if operation == "list":

            async def list_all(self: Any, request: Request[Any, Any, Any], service: Any) -> Any:
                params = query_of(request)
                conditions = filters.conditions(cls.filtering, params)
                filters.refuse_ordering(cls.filtering.fields, params)
                window = window_of(request)
                page = await service.page(window, conditions)
                return cls.listing(meta_of(request, cls.path, window, page.total), page.items)

            return list_all, {"request": request, "service": service}, cls.listing
        if operation == "get" and cls.hidden_is_401:

            async def get_one(self: Any, service: Any, **kw: Any) -> Any:
                return await visible_or_401(service, kw[key])

            return get_one, {key: Id, "service": service}, cls.schema
        if operation == "create":

            async def create(self: Any, data: Any, service: Any) -> Response[bytes]:
                item = await service.create(await service.received(data))
                return created(item.resource_uri)

            data = body(cls.service.write_schema)
            return create, {"data": data, "service": service}, Response[bytes]
        if operation == "delete":

            async def remove(self: Any, request: Any, service: Any, **kw: Any) -> None:
                if cls.hidden_is_401:
                    await visible_or_401(service, kw[key])
                else:
                    await service.get(kw[key])
                require_declared(request)
                await service.delete(kw[key])

            return remove, {key: Id, "request": request, "service": service}, None
        if operation == "get_schema":

            async def schema(self: Any) -> Any:
                return cls.resource_schema()

            return schema, {}, ResourceSchema
        if operation == "get_multiple":

            async def get_set(
                self: Any, request: Request[Any, Any, Any], service: Any, ids: str
            ) -> Any:
                conditions = filters.conditions(cls.filtering, query_of(request))
                identifiers = ids.split(";")
                keys = [int(name) for name in identifiers if canonical(name)]
                found = await service.some(sorted(set(keys)), conditions)
                objects = [found[int(name)] for name in identifiers if int_or(name) in found]
                missing = [name for name in identifiers if int_or(name) not in found]
                return cls.sets(not_found=missing or None, objects=objects)

            parameters = {"request": request, "service": service, "ids": SetIds}
            return get_set, parameters, cls.sets
        return super().handler(operation, key)

    @classmethod
    def resource_schema(cls) -> ResourceSchema:
        return resource_schema(cls.described, cls.filtering, cls.list_methods)


def canonical(identifier: str) -> bool:
    """Whether an identifier of ``set/`` is an id as Tastypie writes one (``3``, not ``03``)."""
    return ascii_digits(identifier) and str(int(identifier)) == identifier


def int_or(identifier: str) -> int | None:
    return int(identifier) if canonical(identifier) else None


async def visible_or_401(service: Any, key: int) -> Any:
    """The object, or Tastypie's 401 for one the caller may not see (an unpublished release
    or page), or 404."""
    try:
        return await service.get(key)
    except NotFoundError:
        if await service.hidden(key):
            raise NotAuthenticatedError("Only staff see unpublished objects.") from None
        raise


def _number(request: Request[Any, Any, Any], name: str, default: int) -> int:
    """``limit`` or ``offset`` (the last one given), or Tastypie's 400 in its words."""
    given = [value for key, value in query_of(request) if key == name]
    if not given:
        return default
    raw = given[-1]
    number = int(raw) if _INTEGER.fullmatch(raw) and len(raw) <= 4000 else None
    if number is None:
        wanted = "a positive integer" if name == "limit" else "an integer"
        raise bad_request(name, f"Invalid {name} '{raw}' provided. Please provide {wanted}.")
    if number < 0:
        message = f"Invalid {name} '{number}' provided. Please provide a positive integer >= 0."
        raise bad_request(name, message)
    if name == "offset" and number > MAX_OFFSET:
        message = (
            f"Invalid offset '{number}' provided. Please provide an integer up to {MAX_OFFSET}."
        )
        raise bad_request(name, message)
    return number


def window_of(request: Request[Any, Any, Any]) -> Window:
    """Tastypie's paginator: ``limit`` 20 by default, 0 or more than 1000 is 1000."""
    limit = _number(request, "limit", DEFAULT_LIMIT)
    offset = _number(request, "offset", 0)
    return Window(limit=limit if 0 < limit <= MAX_LIMIT else MAX_LIMIT, offset=offset)


def meta_of(request: Request[Any, Any, Any], path: str, window: Window, total: int) -> Meta:
    """Tastypie's ``meta``: ``next`` while objects follow, ``previous`` from a whole page back,
    each the list's path with the other parameters (grouped by name, as Django writes a
    query) then ``limit`` and ``offset``."""
    grouped: dict[str, list[str]] = {}
    for name, value in query_of(request):
        if name not in ("limit", "offset"):
            grouped.setdefault(name, []).append(value)
    kept = [(name, value) for name, values in grouped.items() for value in values]

    def link(offset: int) -> str:
        return f"{path}/?{urlencode([*kept, ('limit', window.limit), ('offset', offset)])}"

    following = window.offset + window.limit
    before = window.offset - window.limit
    return Meta(
        limit=window.limit,
        next=link(following) if following < total else None,
        offset=window.offset,
        previous=link(before) if before >= 0 else None,
        total_count=total,
    )


def created(uri: str) -> Response[bytes]:
    """Tastypie's answer to a create: 201, no body, the new object's path in ``Location``."""
    return Response(b"", status_code=201, headers={"Location": uri}, media_type="text/plain")
