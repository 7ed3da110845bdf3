"""Who is asking: credentials are read once per request, and guards say who may do what.

A request without an ``Authorization`` header is anonymous. A header that is present must be a
valid credential, or the request is refused with 401 and ``WWW-Authenticate: Bearer``, whatever
the endpoint: a client with a broken key should learn it at once, not silently see less.

How a token becomes an :class:`Identity` is the accounts domain's business; the app passes its
``authenticate`` function to the middleware, so ``core`` depends on no domain.

The middleware only *records* a refused credential; the app-wide guard
``refuse_bad_credentials`` raises it. Guards run inside the route, after the rate limiter, so a
401 is counted against the caller's address like any anonymous request (guessing keys costs
the guesser their limit) and carries the RateLimit and X-Request-ID headers like any answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.database import sessionmaker_from
from pydotorg.core.exceptions import NotAuthenticatedError, PermissionDeniedError
from pydotorg.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSED_KEY = "refused_credentials"
BEARER_SECURITY: list[dict[str, list[str]]] = [{"BearerToken": []}]


@dataclass(frozen=True)
class Identity:
    """The signed-in caller, as every guard and service sees it.

    ``family`` is the sign-in a JWT belongs to (None for API keys); ``scopes`` limit an API key
    (None for JWTs, which may do whatever their user may).
    """

    id: int
    username: str
    is_staff: bool
    is_superuser: bool
    family: str | None = None
    scopes: frozenset[str] | None = None


Authenticator = Callable[[AsyncSession, Settings, str], Awaitable[Identity]]


def current_identity(connection: ASGIConnection[Any, Any, Any, Any]) -> Identity | None:
    user = connection.scope.get("user")
    return user if isinstance(user, Identity) else None


def is_staff(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    identity = current_identity(connection)
    return bool(identity and identity.is_staff)


class AuthenticationMiddleware(ASGIMiddleware):
    """Resolves the ``Authorization`` header to an :class:`Identity` in ``scope["user"]``."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, authenticate: Authenticator) -> None:
        self.authenticate = authenticate

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        header = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                header = value.decode("latin-1")
                break
        scope["user"] = None
        if header is not None:
            try:
                scope["user"] = await self._authenticate(scope, header)
            except (NotAuthenticatedError, PermissionDeniedError) as exc:
                scope.setdefault("state", {})[REFUSED_KEY] = exc
        await next_app(scope, receive, send)

    async def _authenticate(self, scope: Scope, header: str) -> Identity:
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            raise NotAuthenticatedError(
                "Malformed Authorization header; expected 'Bearer <token>'."
            )
        state = scope["app"].state
        async with sessionmaker_from(state)() as session:
            identity = await self.authenticate(session, state.settings, token)
            await session.commit()
        return identity


def credentials_refused(scope: Scope) -> bool:
    """The request sent an ``Authorization`` header that was refused (it is no anonymous one)."""
    return REFUSED_KEY in scope.get("state", {})


def refuse_bad_credentials(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """App-wide guard: the 401 (or 403) for a credential the middleware refused."""
    error = connection.scope.get("state", {}).get(REFUSED_KEY)
    if error is not None:
        raise error


def _check_scope(connection: ASGIConnection[Any, Any, Any, Any], identity: Identity) -> None:
    if identity.scopes is None:
        return
    needed = "read" if connection.scope.get("method") in SAFE_METHODS else "write"
    if needed not in identity.scopes:
        raise PermissionDeniedError(f"This API key lacks the '{needed}' scope.")


def _require(connection: ASGIConnection[Any, Any, Any, Any], role: str | None = None) -> Identity:
    identity = current_identity(connection)
    if identity is None:
        raise NotAuthenticatedError("Authentication required.")
    if role == "staff" and not identity.is_staff:
        raise PermissionDeniedError("Staff permission required.")
    if role == "superuser" and not identity.is_superuser:
        raise PermissionDeniedError("Superuser permission required.")
    _check_scope(connection, identity)
    return identity


def requires_user(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection)


def requires_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection, "staff")


def requires_superuser(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection, "superuser")
