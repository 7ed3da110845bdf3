"""A resource in a few lines: a service over one model and the endpoints made from it.

:class:`CrudService` lists, gets (by id or slug), creates, updates and deletes rows of one
model and answers with its read schema; a subclass names the model and schemas and overrides
only what is particular (a visibility rule in ``query``, a check in ``validate``, a refusal in
``before_delete``, what follows a write in ``after_write``, relationships set in ``new`` and
``change``) and names in ``reread`` the writes after which its answer is read again.
:class:`ResourceController` makes the endpoints from that service, at ``path`` and ``path/{id}``
(``path/slug/{slug}``), with operation ids ``list{Plural}``, ``get{Noun}``, ``get{Noun}BySlug``,
``create{Noun}``, ``update{Noun}`` and ``delete{Noun}`` (and ``submit{Noun}``, ``POST
path/submit``, for a service with a ``submit_schema``; a ``POST path/{id}/{move}`` for each
move of its workflow), the access and tier defaults of ``core.endpoints``, and summaries that
say who may call; ``options`` changes any of that per operation. Handlers the subclass writes
itself sit beside the generated ones (and replace one of the same name).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Mapping
from operator import attrgetter
from typing import Annotated, Any, ClassVar, Generic, TypeVar, get_type_hints

import msgspec
from litestar import Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody, PathParameter
from sqlalchemy import Select, select

from pydotorg.core.auth import Access
from pydotorg.core.endpoints import SUBMISSION, ApiController
from pydotorg.core.feeds import ATOM_MEDIA_TYPE, RSS_MEDIA_TYPE, XML_MEDIA_TYPE
from pydotorg.core.pagination import LIMIT_OFFSET, Page, Window
from pydotorg.core.queries import M, Repository, article
from pydotorg.core.schemas import Reason, WriteSchema, changed_fields, patch_of
from pydotorg.core.services import Service, by_role, services
from pydotorg.core.workflow import Move, Workflow

R = TypeVar("R", bound=msgspec.Struct)
MAX_ID = 2**63 - 1
Id = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="The resource's id.")]
Slug = Annotated[
    str, PathParameter(min_length=1, max_length=200, description="The resource's slug.")
]


Plan = tuple[Callable[[Any], tuple[Any, ...]], tuple[tuple[int, str], ...], tuple[str, ...]]
_PLANS: dict[tuple[Any, ...], Plan] = {}


def to_schema(
    schema: type[R], row: Any, columns: Mapping[str, str] | None = None, **values: Any
) -> R:
    """``schema`` made from ``row``: each field from the attribute of the same name (or the one
    ``columns`` names for it, a dotted path such as ``"os.slug"`` included), except the fields
    given in ``values``.

    How to read a schema from a row is worked out once per schema, ``columns`` and names in
    ``values``: one ``attrgetter`` reads the row's fields, the given values go in at their
    places, and the schema is made from positional arguments (several times faster than
    keywords) unless it takes keywords only."""
    key = (schema, tuple(columns.items()) if columns else (), tuple(values))
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _plan(schema, columns, tuple(values))
    read, places, keywords = plan
    arguments = list(read(row))
    for place, name in places:
        arguments.insert(place, values[name])
    if keywords:
        return schema(**dict(zip(keywords, arguments, strict=True)))
    return schema(*arguments)


def reader(
    schema: type[R], columns: Mapping[str, str] | None = None, *given: str
) -> Callable[..., R]:
    """:func:`to_schema` worked out ahead, for a list of thousands of rows: a function of a
    row and the values of the ``given`` fields, in that order, that makes ``schema``."""
    read, places, keywords = _plan(schema, columns, given)
    order = [given.index(name) for _place, name in places]

    def make(row: Any, *values: Any) -> R:
        arguments = list(read(row))
        for (place, _name), index in zip(places, order, strict=True):
            arguments.insert(place, values[index])
        if keywords:
            return schema(**dict(zip(keywords, arguments, strict=True)))
        return schema(*arguments)

    return make


def _plan(schema: type[Any], columns: Mapping[str, str] | None, given: tuple[str, ...]) -> Plan:
    fields = [field.name for field in msgspec.structs.fields(schema)]
    unknown = set(given) - set(fields)
    if unknown:
        raise TypeError(f"{schema.__name__} has no field {sorted(unknown)[0]!r}")
    paths = [(columns or {}).get(name, name) for name in fields if name not in given]
    places = tuple((place, name) for place, name in enumerate(fields) if name in given)
    by_keyword = any(
        parameter.kind is inspect.Parameter.KEYWORD_ONLY
        for parameter in inspect.signature(schema).parameters.values()
    )
    return _getter(paths), places, tuple(fields) if by_keyword else ()


def _getter(paths: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A function reading ``paths`` of an object into a tuple (``attrgetter`` returns a bare
    value for one path)."""
    if len(paths) > 1:
        return attrgetter(*paths)
    if paths:
        single = attrgetter(paths[0])
        return lambda row: (single(row),)
    return lambda row: ()


class CrudService(Service, Generic[M, R]):
    """Reads and staff writes of one model, answered as ``read_schema``."""

    model: ClassVar[type[Any]]
    read_schema: ClassVar[type[Any]]
    create_schema: ClassVar[type[WriteSchema]]
    update_schema: ClassVar[type[WriteSchema]]
    detail_route: ClassVar[str]
    submit_schema: ClassVar[type[WriteSchema] | None] = None
    """What a signed-in user submits for staff to review (``submit(data)``, whose answer is
    the read schema): the controller then has ``POST {path}/submit`` (``SUBMISSION``)."""
    unique: ClassVar[tuple[str, ...]] = ("slug",)
    columns: ClassVar[Mapping[str, str]] = {}
    """Schema field -> model attribute (or dotted path, ``"os.slug"``) where they differ."""
    reread: ClassVar[tuple[str, ...]] = ()
    """The writes after which the row is read again from the database to answer (its
    relationships and the columns the database made): ``("create", "update")``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "create_schema" in cls.__dict__ and getattr(cls, "update_schema", None) is None:
            cls.update_schema = patch_of(cls.create_schema)

    @by_role
    def query(self) -> Select[M]:
        """The rows this caller may see, in list order (made once per role: a subclass whose
        rule needs more than the role, such as the caller's id or the time, overrides it
        without ``by_role``)."""
        return select(self.model).order_by(self.model.id)

    def filtered(self, query: Select[M], filters: Any) -> Select[M]:
        """Apply the list's own filters (the controller's ``filters`` dependency)."""
        return query

    def read(self, row: M) -> R:
        """The row as ``read_schema``: attributes of the same name, and its ``resource_uri``."""
        schema: type[R] = self.read_schema
        if "resource_uri" not in schema.__struct_fields__:
            return to_schema(schema, row, self.columns)
        uri = self.links.url(self.detail_route, row.id)  # type: ignore[attr-defined]
        return to_schema(schema, row, self.columns, resource_uri=uri)

    def values(self, data: msgspec.Struct) -> dict[str, Any]:
        """The fields a body sets, under their model attribute names."""
        return {self.columns.get(k, k): v for k, v in changed_fields(data).items()}

    async def validate(self, values: dict[str, Any], current: M | None) -> None:
        """Check a create (``current`` None) or an update, and complete its values (a derived
        column, the rows an id list names); raise to refuse it (unique fields, 422, by
        default)."""
        await self.rows(self.model).check_unique(values, self.unique, current=current)

    def new(self, values: dict[str, Any]) -> M:
        """The row a create makes of its checked values."""
        row: M = self.model(**values)
        return row

    def change(self, row: M, values: dict[str, Any]) -> None:
        """Set an update's checked values on the row."""
        for name, value in values.items():
            setattr(row, name, value)

    async def before_delete(self, row: M) -> None:
        """Refuse a delete (403, 409) while something depends on the row, or for this caller."""

    async def after_write(self, row: M, action: str) -> None:
        """What follows a write of ``row`` (``action``: ``"create"``, ``"update"``, ``"delete"``
        or a service's own, such as a workflow's ``"move"``), in its transaction, before the
        commit: a column other rows derive from it, a cache to forget. Nothing by default."""

    async def page(self, window: Window, filters: Any = None) -> Page[R]:
        rows, total = await self.rows(self.model).page(window, self.filtered(self.query(), filters))
        return Page([self.read(row) for row in rows], total, window)

    async def row(self, key: int | str, *, fresh: bool = False) -> M:
        repository: Repository[M] = self.rows(self.model, self.query())
        return await repository.get(key, fresh=fresh)

    async def get(self, key: int | str) -> R:
        repository: Repository[M] = self.rows(self.model, self.query())
        return self.read(await repository.view(key))

    async def create(self, data: msgspec.Struct) -> R:
        return await self.insert(self.values(data))

    async def insert(self, values: dict[str, Any], **settled: Any) -> R:
        """Create a row of a body's ``values`` (:meth:`values`) once :meth:`validate` has
        checked them, with the ``settled`` columns the service sets itself (a status)."""
        await self.validate(values, None)
        row = self.new({**values, **settled} if settled else values)
        self.session.add(row)
        return await self.saved(row, "create")

    async def update(self, key: int, data: msgspec.Struct) -> R:
        row = await self.row(key)
        values = self.values(data)
        await self.validate(values, row)
        self.change(row, values)
        return await self.saved(row, "update")

    async def delete(self, key: int) -> None:
        row = await self.row(key)
        await self.before_delete(row)
        await self.session.delete(row)
        await self.after_write(row, "delete")
        await self.commit()

    async def saved(self, row: M, action: str) -> R:
        """Finish a write of ``row``: its :meth:`after_write`, the commit, and the answer (read
        again when ``action`` is one of :attr:`reread`)."""
        await self.after_write(row, action)
        await self.commit()
        if action in self.reread:
            row = await self.row(row.id, fresh=True)  # type: ignore[attr-defined]
        return self.read(row)


def words(name: str) -> str:
    """``EventCategory`` -> ``event category``; an all-capitals name (``OS``) stays."""
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z]*|[a-z]+", name)
    return " ".join(part if part.isupper() and len(part) > 1 else part.lower() for part in parts)


def dependency(kind: Any) -> Any:
    """``NamedDependency[kind]`` for a type known only at run time."""
    return NamedDependency[kind]  # type: ignore[misc]


def body(kind: Any) -> Any:
    """``JSONBody[kind]`` for a type known only at run time."""
    return JSONBody[kind]  # type: ignore[misc]


def typed_handler(
    body: Callable[..., Any],
    parameters: dict[str, Any],
    returns: Any,
    defaults: Mapping[str, Any] | None = None,
) -> Callable[..., Any]:
    """``body`` as a route handler function with the given keyword parameters (name ->
    annotation), defaults and return annotation: how the kit (and python.org's adapters in
    ``compat/``) declares handlers whose types are known only at run time."""
    defaults = defaults or {}
    signature = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    signature += [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=annotation,
            default=defaults.get(name, inspect.Parameter.empty),
        )
        for name, annotation in parameters.items()
    ]
    body.__signature__ = inspect.Signature(signature, return_annotation=returns)  # type: ignore[attr-defined]
    body.__annotations__ = {**parameters, "return": returns}
    return body


Maker = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


def inlined(
    providers: Mapping[str, Provide | Callable[..., Any]],
) -> tuple[dict[str, Any], dict[str, Any], Maker]:
    """The parameters of some dependencies (the window, a controller's filters), to declare on
    a generated handler instead, with their defaults, and a function that makes the
    dependencies from the handler's arguments.

    Litestar resolves two or more dependencies of one handler concurrently, in an anyio task
    group with a task each: about 8 % of a list request (``bench/README.md``). A generated list
    handler therefore takes only the service as a dependency and the query parameters of the
    others itself, documented the same."""
    parameters: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    plan: list[tuple[str, Callable[..., Any], tuple[str, ...]]] = []
    for key, provider in providers.items():
        function = provider.dependency if isinstance(provider, Provide) else provider
        hints = get_type_hints(function, include_extras=True)
        names = tuple(inspect.signature(function).parameters)
        for name, parameter in inspect.signature(function).parameters.items():
            if name in parameters:
                raise TypeError(f"dependency {key!r} repeats the parameter {name!r}")
            parameters[name] = hints[name]
            if parameter.default is not inspect.Parameter.empty:
                defaults[name] = parameter.default
        plan.append((key, function, names))

    async def make(arguments: dict[str, Any]) -> dict[str, Any]:
        made = {}
        for key, function, names in plan:
            value = function(**{name: arguments[name] for name in names})
            made[key] = await value if inspect.isawaitable(value) else value
        return made

    return parameters, defaults, make


class ResourceController(ApiController):
    """The endpoints of one :class:`CrudService` (see the module)."""

    service: ClassVar[type[CrudService[Any, Any]]]
    noun: ClassVar[str]
    plural: ClassVar[str]
    id_parameter: ClassVar[str] = ""
    operations: ClassVar[tuple[str, ...]] = (
        "list",
        "get",
        "get_by_slug",
        "create",
        "update",
        "delete",
    )
    """The endpoints made; ``get_by_slug`` only where the model has a ``slug`` column."""
    options: ClassVar[Mapping[str, Mapping[str, Any]]] = {}
    """Per operation (or workflow move), what its handler declares beyond the defaults:
    ``{"delete": {"summary": ..., "description": ..., "errors": (409,)}}`` (any keyword of
    Litestar's decorators)."""
    filters: ClassVar[Callable[..., Any] | None] = None
    """What the list is filtered by: a function of query parameters (documented as the list's)
    whose answer the service's ``page`` takes; the controller's dependency ``filters``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "service" not in cls.__dict__:
            return
        declared = cls.__dict__.get("dependencies") or {}
        if (filters := cls.__dict__.get("filters")) is not None:
            declared = {"filters": Provide(filters), **declared}
        cls.dependencies = {**services(service=cls.service), **declared}
        submits = getattr(cls.service, "submit_schema", None) is not None
        slugged = hasattr(cls.service.model, "slug")  # no slug column, no by-slug endpoint
        for operation in (*cls.operations, *(("submit",) if submits else ())):
            if operation == "get_by_slug" and not slugged:
                continue
            if operation not in cls.__dict__:
                setattr(cls, operation, cls._make(operation))
        workflow: Workflow | None = getattr(cls.service, "workflow", None)
        for name, move in (workflow.moves if workflow else {}).items():
            if name not in cls.__dict__:
                setattr(cls, name, cls._make_move(name, move))

    @classmethod
    def _key(cls) -> str:
        return cls.id_parameter or f"{words(cls.noun).lower().replace(' ', '_')}_id"

    @classmethod
    def _make_move(cls, name: str, move: Move) -> HTTPRouteHandler:
        key = cls._key()

        async def make_move(self: Any, **kw: Any) -> Any:
            reason = kw["data"].reason if move.reason else None
            return await kw["service"].move(kw[key], name, reason)

        parameters: dict[str, Any] = {key: Id, "service": dependency(cls.service)}
        if move.reason:
            parameters["data"] = JSONBody[Reason]
        options: dict[str, Any] = {
            "operation_id": f"{name}{cls.noun}",
            "summary": move.summary,
            "description": move.description,
            "status_code": 200,
            "access": Access.STAFF if move.by == "staff" else cls.write_access,
            "errors": (404,),
            **cls.options.get(name, {}),
        }
        return post(f"/{{{key}:int}}/{name}", **options)(
            typed_handler(make_move, parameters, cls.service.read_schema)
        )

    @classmethod
    def _make(cls, operation: str) -> HTTPRouteHandler:
        service = dependency(cls.service)
        read, noun = cls.service.read_schema, words(cls.noun)
        key = cls._key()
        staff = " (staff)" if cls.write_access is Access.STAFF else ""
        names = {
            "list": ("list", cls.plural, f"List {words(cls.plural)}"),
            "get": ("get", cls.noun, f"Get {article(noun)} by id"),
            "get_by_slug": ("get", f"{cls.noun}BySlug", f"Get {article(noun)} by slug"),
            "create": ("create", cls.noun, f"Create {article(noun)}{staff}"),
            "update": ("update", cls.noun, f"Update {article(noun)}{staff}"),
            "delete": ("delete", cls.noun, f"Delete {article(noun)}{staff}"),
            "submit": ("submit", cls.noun, f"Submit {article(noun)} for review (signed in)"),
        }
        verb, name, summary = names[operation]
        options: dict[str, Any] = {
            "operation_id": f"{verb}{name}",
            "summary": summary,
            **cls.options.get(operation, {}),
        }
        by_id = f"/{{{key}:int}}"

        if operation == "list":
            declared = cls.dependencies or {}
            providers: dict[str, Provide | Callable[..., Any]] = {
                "window": declared.get("window", LIMIT_OFFSET["window"])
            }
            if "filters" in declared:
                providers["filters"] = declared["filters"]
            parameters, defaults, make = inlined(providers)

            async def list_all(self: Any, **kw: Any) -> Any:
                made = await make(kw)
                return await kw["service"].page(made["window"], made.get("filters"))

            parameters = {"service": service, **parameters}
            handler = typed_handler(list_all, parameters, Page[read], defaults)  # type: ignore[valid-type]
            return get("/", **options)(handler)
        if operation in ("get", "get_by_slug"):
            slug = operation == "get_by_slug"

            async def get_one(self: Any, **kw: Any) -> Any:
                return await kw["service"].get(kw["slug"] if slug else kw[key])

            parameters = {"slug": Slug} if slug else {key: Id}
            return get("/slug/{slug:str}" if slug else by_id, **options)(
                typed_handler(get_one, {**parameters, "service": service}, read)
            )
        if operation == "create":

            async def create(self: Any, **kw: Any) -> Any:
                return await kw["service"].create(kw["data"])

            parameters = {"data": body(cls.service.create_schema), "service": service}
            return post("/", **options)(typed_handler(create, parameters, read))
        if operation == "update":

            async def update(self: Any, **kw: Any) -> Any:
                return await kw["service"].update(kw[key], kw["data"])

            parameters = {key: Id, "data": body(cls.service.update_schema), "service": service}
            return patch(by_id, **options)(typed_handler(update, parameters, read))

        if operation == "submit":

            async def submit(self: Any, **kw: Any) -> Any:
                return await kw["service"].submit(kw["data"])

            parameters = {"data": body(cls.service.submit_schema), "service": service}
            return post("/submit", **{**SUBMISSION, **options})(
                typed_handler(submit, parameters, read)
            )

        async def remove(self: Any, **kw: Any) -> None:
            await kw["service"].delete(kw[key])

        return delete(by_id, **options)(typed_handler(remove, {key: Id, "service": service}, None))


def feed_endpoints(
    path: str,
    name: str,
    about: str,
    *,
    service: Any,
    named: str = "service",
    method: str = "feed",
    key: tuple[str, Any] | None = None,
    description: str | None = None,
) -> tuple[HTTPRouteHandler, HTTPRouteHandler]:
    """The RSS 2.0 and Atom endpoints of one feed, ``{path}/rss`` and ``{path}/atom``, named
    ``{name}Rss`` and ``{name}Atom``: each answers ``{method}([key,] "rss"|"atom")`` of the
    controller's ``service`` dependency (called ``named``); ``key`` is a path parameter
    (its name and type)."""
    parameters: dict[str, Any] = {named: dependency(service)}
    if key is not None:
        parameters = {key[0]: key[1], **parameters}

    def endpoint(kind: str, label: str, media_type: str) -> HTTPRouteHandler:
        async def feed(self: Any, **kw: Any) -> Response[bytes]:
            keys = [kw[key[0]]] if key is not None else []
            document: bytes = await getattr(kw[named], method)(*keys, kind)
            accept = kw["request"].headers.get("accept", "")
            plain = "text/xml" in accept and media_type.split(";")[0] not in accept
            return Response(
                document,
                media_type="text/xml" if plain else media_type,  # Litestar adds text's charset
                headers={"Vary": "Accept"},
            )

        return get(
            f"{path}/{kind}",
            operation_id=f"{name}{kind.capitalize()}",
            summary=f"{label} feed of {about}",
            description=(description or "")
            + f" Sent as `{media_type.split(';')[0]}`, or as `text/xml` when that is asked for.",
            media_type=media_type,
            also_as=(XML_MEDIA_TYPE,),
            vary=(b"accept",),
        )(typed_handler(feed, {**parameters, "request": Request[Any, Any, Any]}, Response[bytes]))

    return (
        endpoint("rss", "RSS 2.0", RSS_MEDIA_TYPE),
        endpoint("atom", "Atom", ATOM_MEDIA_TYPE),
    )
