"""The one contract every domain service keeps.

A service is made per request from a :class:`Context`: the request's database (its session
and the connection views are read on, ``core.queries.Database``; the app makes it,
``db.database``), the caller (``Identity`` or None), the settings, the request's links and the
search engine. It owns its transaction (it commits; controllers never do) and it returns
response schemas, never ORM rows.
Controllers get services by name through :func:`services`:
``dependencies = services(os=OSService)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from litestar import Request
from litestar.di import Provide
from sqlalchemy import ColumnElement, Select, or_
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core import clock
from pydotorg.core.auth import Identity, current_identity
from pydotorg.core.exceptions import NotAuthenticatedError
from pydotorg.core.links import Links
from pydotorg.core.queries import AnySelect, Database, M, Repository
from pydotorg.core.ratelimit import Throttle
from pydotorg.core.search import SearchEngine
from pydotorg.settings import Settings

S = TypeVar("S", bound="Service")
P = ParamSpec("P")
Q = TypeVar("Q")


@dataclass(frozen=True)
class Context:
    """What a service knows of the request it serves."""

    database: Database
    caller: Identity | None
    settings: Settings
    links: Links
    search: SearchEngine
    throttle: Throttle


class Service:
    """Base of every domain service."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.database = context.database
        self.caller = context.caller
        self.settings = context.settings
        self.links = context.links
        self.search_engine = context.search
        self.throttle = context.throttle
        self.now = clock.now()

    @property
    def session(self) -> AsyncSession:
        """The request's ORM session, made on first use."""
        return self.database.session

    @property
    def staff(self) -> bool:
        return self.caller is not None and self.caller.is_staff

    @property
    def role(self) -> str:
        """``staff``, ``user`` (signed in) or ``anonymous``: what most visibility rules need."""
        if self.caller is None:
            return "anonymous"
        return "staff" if self.caller.is_staff else "user"

    @property
    def user(self) -> Identity:
        """The signed-in caller, for operations only signed-in callers reach."""
        if self.caller is None:
            raise NotAuthenticatedError("Authentication required.")
        return self.caller

    def visible(self, query: AnySelect, *, public: ColumnElement[bool], owner: Any) -> AnySelect:
        """Staff see every row; a signed-in user the public ones and their own; anyone else
        the public ones."""
        if self.staff:
            return query
        if self.caller is not None:
            return query.where(or_(public, owner == self.caller.id))
        return query.where(public)

    def rows(self, model: type[M], query: Select[M] | None = None) -> Repository[M]:
        return Repository(self.database, model, query)

    async def commit(self) -> None:
        await self.database.commit()


def by_role(
    build: Callable[Concatenate[Any, P], Q],
) -> Callable[Concatenate[Any, P], Q]:
    """Make a service method's statement once per service class, caller role and arguments.

    For a method whose statement depends on nothing else (values a request brings go in as
    bound parameters): a SQLAlchemy statement is immutable, so every request can share one,
    and building it costs tens of µs, then as much again for SQLAlchemy to key its SQL cache on
    a new object (``bench/README.md``). The arguments must have few values (a column name).
    """
    made: dict[tuple[Any, ...], Q] = {}

    @wraps(build)
    def cached(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> Q:
        key = (type(self), self.role, args, tuple(kwargs.items()))
        statement = made.get(key)
        if statement is None:
            statement = made[key] = build(self, *args, **kwargs)
        return statement

    return cached


def context_of(request: Request[Any, Any, Any]) -> Context:
    state = request.app.state
    return Context(
        database=state.database_of(request.scope),
        caller=current_identity(request),
        settings=state.settings,
        links=Links.of(request),
        search=state.search,
        throttle=state.throttle,
    )


def provide(service: Callable[[Context], S]) -> Provide:
    """A dependency that makes ``service`` for the current request."""

    def make(request: Request[Any, Any, Any]) -> Any:
        return service(context_of(request))

    return Provide(make, sync_to_thread=False)


def services(**named: Callable[[Context], Service]) -> dict[str, Provide]:
    """Controller dependencies: ``services(os=OSService)`` injects an ``OSService`` as ``os``."""
    return {name: provide(service) for name, service in named.items()}
