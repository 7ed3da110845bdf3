"""Who is asking: credentials are read once per request, and guards say who may do what.

A request without an ``Authorization`` header is anonymous. A header that is present must be a
valid credential, or the request is refused with 401 and ``WWW-Authenticate: Bearer``, whatever
the endpoint: a client with a broken key should learn it at once, not silently see less.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from pydotorg.accounts.services import authenticate_api_key
from pydotorg.core.database import sessionmaker_from
from pydotorg.core.exceptions import NotAuthenticatedError, PermissionDeniedError


@dataclass(frozen=True)
class Identity:
    """The signed-in caller, as every guard and service sees it."""

    id: int
    username: str
    is_staff: bool
    is_superuser: bool


def current_identity(connection: ASGIConnection[Any, Any, Any, Any]) -> Identity | None:
    user = connection.scope.get("user")
    return user if isinstance(user, Identity) else None


class AuthenticationMiddleware(ASGIMiddleware):
    """Resolves the ``Authorization`` header to an :class:`Identity` in ``scope["user"]``."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        header = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                header = value.decode("latin-1")
                break
        scope["user"] = None if header is None else await self._authenticate(scope, header)
        await next_app(scope, receive, send)

    async def _authenticate(self, scope: Scope, header: str) -> Identity:
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            raise NotAuthenticatedError(
                "Malformed Authorization header; expected 'Bearer <token>'."
            )
        maker = sessionmaker_from(scope["app"].state)
        async with maker() as session:
            user = await authenticate_api_key(session, token)
            if user is None:
                raise NotAuthenticatedError("Invalid or expired credentials.")
            identity = Identity(
                id=user.id,
                username=user.username,
                is_staff=user.is_staff,
                is_superuser=user.is_superuser,
            )
            await session.commit()
        return identity


def requires_user(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if current_identity(connection) is None:
        raise NotAuthenticatedError("Authentication required.")


def requires_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    identity = current_identity(connection)
    if identity is None:
        raise NotAuthenticatedError("Authentication required.")
    if not identity.is_staff:
        raise PermissionDeniedError("Staff permission required.")
