"""Who is asking, and who may do what: credentials are read once per request, access is checked
by one guard.

A request without an ``Authorization`` header is anonymous. A header that is present must be a
valid credential, or the request is refused with 401 and ``WWW-Authenticate``, whatever the
endpoint: a client with a broken key should learn it at once, not silently see less.

Three schemes carry a credential: the guide's ``Bearer <token>`` (an access token or an API
key), and the two python.org's clients send, ``Token <key>`` (Django REST framework, the v2 API)
and ``ApiKey <username>:<key>`` (Tastypie, the v1 API). One API key works in all three.

How a token becomes an :class:`Identity` is the accounts domain's business; the app passes its
``authenticate`` function to the middleware, so ``core`` depends on no domain.

The middleware only *records* a refused credential; the app-wide guard :func:`authorize` raises
it (or, for a family of endpoints that reads the header its own way, what its
:data:`CREDENTIALS_KEY` reader answers: python.org's v2 knows ``Token`` only, and takes any
other scheme for no credential at all), and then checks the endpoint's :class:`Access`
(``web.endpoints`` derives it from the method and the controller unless the handler declares
one), unless the handler checks it itself once it has found the object
(``access_after_lookup=True``, :func:`require_declared`). Guards run inside the route, after
the rate limiter, so a 401 is counted against the caller's address like any anonymous request
(guessing keys costs the guesser their limit) and carries the RateLimit and X-Request-ID
headers like any answer.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pydotorg.core.exceptions import (
    NOT_AUTHENTICATED,
    PERMISSION_DENIED,
    DomainError,
    NotAuthenticatedError,
    PermissionDeniedError,
)
from pydotorg.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSED_KEY = "refused_credentials"
ACCESS_KEY = "access"
CREDENTIALS_KEY = "credentials"
"""A handler's ``opt`` key for how its family reads the ``Authorization`` header (a
:data:`CredentialReader`); by default, as the middleware did (:func:`refused_credential`)."""
# ``access_after_lookup=True`` on a handler: it checks its access rule itself (``require``),
# after it has looked the object up, so that a missing object is a 404 to anyone (as
# python.org's Tastypie answers a DELETE). A refused credential is still refused first.
AFTER_LOOKUP_KEY = "access_after_lookup"
BEARER_SECURITY: list[dict[str, list[str]]] = [{"BearerToken": []}]


class Access(enum.Enum):
    """Who may call an endpoint, from anyone to superusers only."""

    PUBLIC = "anyone"
    SIGNED_IN = "signed-in users"
    STAFF = "staff"
    SUPERUSER = "superusers"


@dataclass(frozen=True)
class Identity:
    """The signed-in caller, as every guard and service sees it.

    ``family`` is the sign-in a JWT belongs to (None for API keys); ``scopes`` limit an API key
    (None for JWTs, which may do whatever their user may); ``key_expires`` is when the API key
    sending the request expires (None for a key that never does, and for JWTs).
    """

    id: int
    username: str
    is_staff: bool
    is_superuser: bool
    family: str | None = None
    scopes: frozenset[str] | None = None
    key_expires: datetime | None = None


@dataclass(frozen=True)
class Credential:
    """What an ``Authorization`` header carries: its scheme (``bearer``, ``token`` or
    ``apikey``), the secret, and for ``apikey`` the username it claims to belong to."""

    scheme: str
    secret: str
    username: str | None = None


MALFORMED = (
    "Malformed Authorization header; expected 'Bearer <token>', 'Token <api key>' or "
    "'ApiKey <username>:<api key>'."
)


def parse_credential(header: str) -> Credential:
    """The credential in an ``Authorization`` header, or 401 if it is none of the schemes."""
    scheme, _, secret = header.strip().partition(" ")
    scheme, secret = scheme.lower(), secret.strip()
    if scheme not in {"bearer", "token", "apikey"} or not secret or " " in secret:
        raise NotAuthenticatedError(MALFORMED)
    if scheme != "apikey":
        return Credential(scheme, secret)
    username, colon, key = secret.partition(":")
    if not colon or not username or not key or ":" in key:
        raise NotAuthenticatedError(MALFORMED)
    return Credential(scheme, key, username)


Authenticator = Callable[[AsyncSession, Settings, Credential], Awaitable[Identity]]


def current_identity(connection: ASGIConnection[Any, Any, Any, Any]) -> Identity | None:
    user = connection.scope.get("user")
    return user if isinstance(user, Identity) else None


class AuthenticationMiddleware:
    """Resolves the ``Authorization`` header to an :class:`Identity` in ``scope["user"]``."""

    def __init__(self, app: ASGIApp, *, authenticate: Authenticator) -> None:
        self.app = app
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
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
        await self.app(scope, receive, send)

    async def _authenticate(self, scope: Scope, header: str) -> Identity:
        credential = parse_credential(header)
        state = scope["app"].state
        sessionmaker: async_sessionmaker[AsyncSession] = state.sessionmaker
        async with sessionmaker() as session:
            identity = await self.authenticate(session, state.settings, credential)
            await session.commit()
        return identity


CredentialReader = Callable[[ASGIConnection[Any, Any, Any, Any]], DomainError | None]
"""Given a request the middleware has read (``scope["user"]``, its refusal), the refusal to
answer with, or None; it may take the caller for anonymous (``scope["user"] = None``)."""


def refused_credential(connection: ASGIConnection[Any, Any, Any, Any]) -> DomainError | None:
    """The middleware's refusal of the request's credential, if it refused it."""
    refusal: DomainError | None = connection.scope.get("state", {}).get(REFUSED_KEY)
    return refusal


def credentials_refused(scope: Scope) -> bool:
    """The request sent an ``Authorization`` header that was refused (it is no anonymous one)."""
    return REFUSED_KEY in scope.get("state", {})


def require(connection: ASGIConnection[Any, Any, Any, Any], access: Access) -> Identity | None:
    """The caller, if they may call an endpoint open to ``access``; else 401 or 403."""
    identity = current_identity(connection)
    if access is Access.PUBLIC:
        return identity
    if identity is None:
        raise NotAuthenticatedError("Authentication required.", code=NOT_AUTHENTICATED)
    if access is Access.STAFF and not identity.is_staff:
        raise PermissionDeniedError("Staff permission required.", code=PERMISSION_DENIED)
    if access is Access.SUPERUSER and not identity.is_superuser:
        raise PermissionDeniedError("Superuser permission required.", code=PERMISSION_DENIED)
    if identity.scopes is not None:
        needed = "read" if connection.scope.get("method") in SAFE_METHODS else "write"
        if needed not in identity.scopes:
            raise PermissionDeniedError(
                f"This API key lacks the '{needed}' scope.", code=PERMISSION_DENIED
            )
    return identity


async def authorize(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """The app-wide guard: a refused credential's 401 (as the endpoint's family reads the
    header), then the endpoint's access rule.

    A coroutine function, because Litestar runs a plain function guard in a worker thread,
    a thread hop on every request for a check of a few attribute reads."""
    read: CredentialReader = handler.opt.get(CREDENTIALS_KEY, refused_credential)
    error = read(connection)
    if error is not None:
        raise error
    if not handler.opt.get(AFTER_LOOKUP_KEY, False):
        require(connection, handler.opt.get(ACCESS_KEY, Access.PUBLIC))


def require_declared(connection: ASGIConnection[Any, Any, Any, Any]) -> Identity | None:
    """The caller, if they may call the handler answering ``connection`` by its declared
    access rule; else 401 or 403 (for handlers that check it after a lookup)."""
    handler = connection.scope["route_handler"]
    return require(connection, handler.opt.get(ACCESS_KEY, Access.PUBLIC))
