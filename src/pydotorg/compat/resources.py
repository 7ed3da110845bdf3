"""A python.org resource in a few lines: its v1 or v2 endpoints made from a declaration.

As ``core.resources.ResourceController`` makes the native endpoints of a service, a
:class:`PythonOrgResource` subclass names its ``path``, its ``service`` (a ``compat.services``
class answering in the version's ``schema``), its ``noun`` and ``plural`` (the operation ids'
stems: ``tastypieGetReleaseFile``, ``drfListReleaseFiles``), the ``operations`` it serves and,
per operation, what its handler declares beyond the defaults (``options``: a description, a
summary of its own, ``errors``). Each version (``compat.v1.tastypie``, ``compat.v2.drf``) says
what its handlers do; this module names them, documents them and routes them alike:
``python.org v2: replace a release file (staff)``, at ``/`` or ``/{release_file_id:int}``.
Handlers a subclass writes itself sit beside the generated ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from litestar import delete, get, patch, post, put
from litestar.handlers import HTTPRouteHandler

from pydotorg.core.endpoints import ApiController
from pydotorg.core.queries import article
from pydotorg.core.resources import Id, dependency, typed_handler, words
from pydotorg.core.services import services

ROUTE = {"list": get, "get": get, "create": post, "replace": put, "update": patch, "delete": delete}
ON_LIST = frozenset({"list", "create"})
"""The operations at the resource's list path (``/``); the others are at ``/{key:int}``."""
READS = frozenset({"list", "get"})
NAMES = {"list": "list_all", "get": "get_one", "delete": "remove"}
"""The handlers' function names (in tracebacks; Litestar orders a controller's handlers by
module and qualified name)."""

Made = tuple[Callable[..., Any], dict[str, Any], Any]
"""A handler's body, its parameters (name -> annotation) and its return annotation."""


class PythonOrgResource(ApiController):
    """The endpoints of one python.org resource in one version (see the module)."""

    version: ClassVar[str]
    """``v1`` or ``v2``, as the summaries say it."""
    stem: ClassVar[str]
    """The version's operation-id prefix: ``tastypie`` or ``drf``."""
    service: ClassVar[type[Any]]
    schema: ClassVar[type[Any]]
    """What the service's ``read`` answers (``V2ReleaseFile``)."""
    noun: ClassVar[str]
    plural: ClassVar[str]
    called: ClassVar[tuple[str, str]] = ("", "")
    """How the summaries name one and several (``("an OS", "OSes")``); by default the
    ``noun``'s and ``plural``'s words."""
    operations: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[Mapping[str, Mapping[str, Any]]] = {}
    defaults: ClassVar[Mapping[str, Mapping[str, Any]]] = {}
    """What the version's handlers declare per operation (its own ``options``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "service" not in cls.__dict__:
            return
        cls.dependencies = services(service=cls.service)
        key = f"{words(cls.noun).lower().replace(' ', '_')}_id"
        for operation in cls.operations:
            if operation not in cls.__dict__:
                setattr(cls, operation, cls._make(operation, key))

    @classmethod
    def _make(cls, operation: str, key: str) -> HTTPRouteHandler:
        options = {
            "operation_id": cls.operation_id(operation),
            "summary": cls.summary(operation),
            **cls.defaults.get(operation, {}),
            **cls.options.get(operation, {}),
        }
        method, path = cls.route(operation, key)
        function, parameters, returns = cls.handler(operation, key)
        function.__name__ = NAMES.get(operation, operation)
        function.__module__ = cls.__module__
        function.__qualname__ = f"{cls.__qualname__}.{function.__name__}"
        made: HTTPRouteHandler = method(path, **options)(
            typed_handler(function, parameters, returns)
        )
        return made

    @classmethod
    def operation_id(cls, operation: str) -> str:
        """``tastypieListOS``, ``drfReplaceReleaseFile``."""
        return cls.stem + operation.capitalize() + (cls.plural if operation == "list" else cls.noun)

    @classmethod
    def summary(cls, operation: str) -> str:
        """``python.org v2: replace a release file (staff)``."""
        one, many = cls.called if cls.called[0] else (article(words(cls.noun)), words(cls.plural))
        staff = "" if operation in READS else " (staff)"
        return (
            f"python.org {cls.version}: {operation} {many if operation == 'list' else one}{staff}"
        )

    @classmethod
    def route(cls, operation: str, key: str) -> tuple[Any, str]:
        """The decorator (``get``, ``post``, ...) and the path of ``operation``'s handler."""
        return ROUTE[operation], "/" if operation in ON_LIST else f"/{{{key}:int}}"

    @classmethod
    def handler(cls, operation: str, key: str) -> Made:
        """What the version's handler of ``operation`` does, takes and answers: here the
        ``get`` and ``delete`` both versions share; a version makes the others."""
        service = dependency(cls.service)
        if operation == "get":

            async def get_one(self: Any, service: Any, **kw: Any) -> Any:
                return await service.get(kw[key])

            return get_one, {key: Id, "service": service}, cls.schema
        if operation != "delete":
            raise ValueError(f"{cls.__name__} cannot make {operation!r}")

        async def remove(self: Any, service: Any, **kw: Any) -> None:
            await service.delete(kw[key])

        return remove, {key: Id, "service": service}, None
