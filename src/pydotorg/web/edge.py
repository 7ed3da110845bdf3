"""The edge: what every response of the service gets, whether a route answered it or not.

Litestar runs an app's middlewares only for requests that match a route; an unknown path or
an unsupported method is answered by its router before any of them. This layer wraps the
whole application (``create_app`` installs it around Litestar's ASGI handler), so the rules
the README states hold for every answer, errors included:

* a request id (taken from a sane ``X-Request-ID`` or made), echoed in ``X-Request-ID``, with
  the headers inner layers collect for the response (``core.request_id``);
* ``X-Content-Type-Options: nosniff``;
* ``HEAD`` wherever ``GET`` is served: answered as the ``GET`` (same status and headers, and
  the same limits and caching), without the body; and ``Allow`` lists ``HEAD`` with ``GET``,
  in one order everywhere;
* a request that matched no route (404, 405, a CORS preflight) is counted in the LOW tier by
  client address, so it carries the RateLimit headers and can be refused with a 429 (an answer
  from the front cache was counted against its route's limit there);
* a path holding a control character matches nothing: a 404 (the static files route would
  otherwise fail on it);
* a path python.org serves with a trailing slash, given without it, is a 301 to it
  (``core.slashes``);
* one access-log line.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable

import msgspec
from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)

from pydotorg.core.dialects import ErrorBody
from pydotorg.core.ratelimit import Limit, RateLimiter, Tier, too_many_response
from pydotorg.core.request_id import HEADERS_KEY, STATE_KEY
from pydotorg.web.logging import log_access
from pydotorg.web.response_cache import COUNTED_KEY
from pydotorg.web.slashes import SlashedPaths

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
NOSNIFF = (b"x-content-type-options", b"nosniff")
UNROUTED = Limit.of(Tier.LOW)  # what a request no route answered is counted against


def counted(scope: Scope) -> bool:
    """Whether a layer inside counted the request against a limit: a route's, or the front
    cache's answer for one (``core.response_cache``)."""
    return "route_handler" in scope or COUNTED_KEY in scope["state"]


def allow_value(value: bytes) -> bytes:
    """An ``Allow`` header's methods in alphabetical order, with ``HEAD`` wherever ``GET`` is."""
    methods = {m.strip().upper() for m in value.decode("latin-1").split(",") if m.strip()}
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods)).encode()


def not_found() -> tuple[list[tuple[bytes, bytes]], bytes]:
    body = msgspec.json.encode(ErrorBody(detail="Not Found", status_code=404))
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    return headers, body


def _declares_body(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Whether a request's headers announce a body (a length above 0, or chunks)."""
    for name, value in headers:
        if name == b"content-length":
            return value.strip() not in (b"0", b"")
        if name == b"transfer-encoding":
            return True
    return False


class Edge:
    """The outermost layer of the app (see the module)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter | None,
        access_log: bool,
        slashed: SlashedPaths | None = None,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.access_log = access_log
        self.slashed = slashed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method = scope["method"]
        incoming = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        state = scope.setdefault("state", {})
        request_id = incoming if incoming and _SAFE_ID.match(incoming) else os.urandom(16).hex()
        state[STATE_KEY] = request_id
        extra = state[HEADERS_KEY] = [(b"x-request-id", request_id.encode()), NOSNIFF]
        head = method == "HEAD"
        if head:
            scope["method"] = "GET"
        status = 500
        replaced = False  # a 429 went out in place of what the app answered
        unread = _declares_body(scope["headers"])  # a body the app has not read to its end

        async def receive_at_edge() -> ReceiveMessage:
            nonlocal unread
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                unread = False
            return message

        async def send_at_edge(message: Message) -> None:
            nonlocal status, replaced
            if message["type"] == "http.response.start" and unread:
                # Answered before its body was read (a 405, a 401, a 413): the server cannot
                # tell where the next request on this connection starts, so it closes it, and
                # says so, or a client sending its next request meanwhile finds it gone.
                message["headers"] = [*message.get("headers", ()), (b"connection", b"close")]
            if message["type"] == "http.response.start":
                if self.limiter is not None and not counted(scope):
                    retry = await self.limiter.count(scope, UNROUTED)
                    if retry is not None:
                        replaced = True
                        headers, body = too_many_response(retry)
                        status = 429
                        await send(
                            HTTPResponseStartEvent(
                                type="http.response.start", status=429, headers=[*headers, *extra]
                            )
                        )
                        await send(
                            HTTPResponseBodyEvent(
                                type="http.response.body",
                                body=b"" if head else body,
                                more_body=False,
                            )
                        )
                        return
                status = message["status"]
                headers = list(message.get("headers", ()))
                for number, (name, value) in enumerate(headers):
                    if name == b"allow":
                        headers[number] = (name, allow_value(value))
                message["headers"] = headers + extra
            elif message["type"] == "http.response.body":
                if replaced:
                    return
                if head and message.get("body"):
                    message = HTTPResponseBodyEvent(
                        type="http.response.body",
                        body=b"",
                        more_body=message.get("more_body", False),
                    )
            await send(message)

        try:
            location = None
            if self.slashed is not None:
                location = self.slashed.location(
                    scope["path"], scope.get("raw_path"), scope.get("query_string", b"")
                )
            if _CONTROL.search(scope["path"]):
                headers, body = not_found()
                await send_at_edge(
                    HTTPResponseStartEvent(type="http.response.start", status=404, headers=headers)
                )
                await send_at_edge(
                    HTTPResponseBodyEvent(type="http.response.body", body=body, more_body=False)
                )
            elif location is not None:
                headers = [(b"location", location), (b"content-length", b"0")]
                await send_at_edge(
                    HTTPResponseStartEvent(type="http.response.start", status=301, headers=headers)
                )
                await send_at_edge(
                    HTTPResponseBodyEvent(type="http.response.body", body=b"", more_body=False)
                )
            else:
                await self.app(scope, receive_at_edge, send_at_edge)
        finally:
            if self.access_log:
                client = scope.get("client")
                log_access(
                    request_id=request_id,
                    method=method,
                    path=scope["path"],
                    status=status,
                    started=started,
                    client=client[0] if client else None,
                )
