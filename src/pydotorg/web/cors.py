"""Cross-origin requests from browsers: off unless ``CORS_ORIGINS`` names the origins allowed.

Without the setting no response carries a CORS header, so a page on another origin cannot read
the API (a server-side client is not concerned). With it, a request from an allowed origin gets
``Access-Control-Allow-Origin`` and the headers a client needs to read exposed
(``X-Total-Count``, ``Link``, the RateLimit headers, ...), and a preflight from an allowed origin
is answered here with a 204. Credentials travel in the ``Authorization`` header, never in
cookies, so ``Access-Control-Allow-Credentials`` is never sent. A request from any other origin
is answered as if CORS did not exist (the browser then keeps the answer from the page).

Written here rather than taken from Litestar's ``CORSConfig``: its middleware replaces the
``Vary`` header (a cache would then serve one caller's answer to another, ``web.caching``
varies on ``Authorization``), treats every ``OPTIONS`` with an ``Origin`` as a preflight, and
refuses a preflight with a ``text/plain`` 400 instead of the error body.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

METHODS = b"DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
REQUEST_HEADERS = b"Authorization, Content-Type, If-None-Match, X-Request-ID"
EXPOSED = (
    b"ETag, Link, Location, RateLimit-Limit, RateLimit-Policy, RateLimit-Remaining, "
    b"RateLimit-Reset, Retry-After, X-Request-ID, X-Total-Count"
)
PREFLIGHT_MAX_AGE = b"600"


class CorsMiddleware:
    """CORS for the origins of ``CORS_ORIGINS`` (``("*",)`` for any); see the module."""

    def __init__(self, app: ASGIApp, *, origins: tuple[str, ...]) -> None:
        self.app = app
        self.any_origin = origins == ("*",)
        self.origins = frozenset(origin.encode() for origin in origins)

    def _allowing(self, origin: bytes | None) -> list[tuple[bytes, bytes]]:
        """What every answer to ``origin`` gets, a preflight's too."""
        added: list[tuple[bytes, bytes]] = []
        if origin is not None and (self.any_origin or origin in self.origins):
            added.append((b"access-control-allow-origin", b"*" if self.any_origin else origin))
        if not self.any_origin:
            added.append((b"vary", b"Origin"))  # the answer depends on the Origin sent
        return added

    def headers_for(self, origin: bytes | None) -> list[tuple[bytes, bytes]]:
        """The CORS headers of an answer other than a preflight's to a request from ``origin``
        (None: it sent no ``Origin``); the edge's front door adds them to its answers too."""
        added = self._allowing(origin)
        if origin is not None and (self.any_origin or origin in self.origins):
            added.append((b"access-control-expose-headers", EXPOSED))
        return added

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        origin: bytes | None = None
        preflight = False
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
            elif name == b"access-control-request-method":
                preflight = True
        allowed = origin is not None and (self.any_origin or origin in self.origins)
        if allowed and preflight and scope["method"] == "OPTIONS":
            headers = [
                *self._allowing(origin),
                (b"access-control-allow-methods", METHODS),
                (b"access-control-allow-headers", REQUEST_HEADERS),
                (b"access-control-max-age", PREFLIGHT_MAX_AGE),
                (b"content-length", b"0"),
            ]
            await send(
                HTTPResponseStartEvent(type="http.response.start", status=204, headers=headers)
            )
            await send(HTTPResponseBodyEvent(type="http.response.body", body=b"", more_body=False))
            return
        added = self.headers_for(origin)

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and added:
                message["headers"] = [*message.get("headers", ()), *added]
            await send(message)

        await self.app(scope, receive, send_with_cors)
