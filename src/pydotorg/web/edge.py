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
  (``web.slashes``);
* one access-log line.

A request the front cache answers (``web.response_cache``) is answered earlier still, by
:class:`FrontDoor`, before Litestar's own ``__call__`` (``pydotorg.app.Service``): the same
answer, header for header, as through the edge, CORS and the front cache, at a fraction of
the cost; whatever is out of the ordinary is left to those layers.
"""

from __future__ import annotations

import itertools
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
    HTTPScope,
    Message,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)

from pydotorg.core.dialects import ErrorBody, dialect_of
from pydotorg.core.ratelimit import Limit, RateLimiter, Tier, too_many_response
from pydotorg.core.request_id import HEADERS_KEY, STATE_KEY
from pydotorg.web.caching import etag_matches
from pydotorg.web.cors import CorsMiddleware
from pydotorg.web.logging import log_access
from pydotorg.web.response_cache import COUNTED_KEY, FrontCache
from pydotorg.web.slashes import SlashedPaths

_SAFE_ID = re.compile(rb"^[A-Za-z0-9._-]{8,64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
NOSNIFF = (b"x-content-type-options", b"nosniff")
UNROUTED = Limit.of(Tier.LOW)  # what a request no route answered is counted against


# Request ids: 32 hex digits, a random part drawn once per process (again in a forked child)
# and a count. Unique without asking the kernel for randomness per request (``os.urandom`` is
# a system call); an id names a request in the logs, it guards nothing.
_ids = itertools.count()


def _draw_ids() -> None:
    global _ids
    _ids = itertools.count(int.from_bytes(os.urandom(10)) << 48)  # 80 random bits, a count


_draw_ids()
os.register_at_fork(after_in_child=_draw_ids)


def new_request_id() -> bytes:
    """A fresh request id, as the ``X-Request-ID`` value."""
    return b"%032x" % next(_ids)


def request_id_for(incoming: bytes | None) -> bytes:
    """The caller's ``X-Request-ID`` when it is safe to echo (8-64 letters, digits, ``.``,
    ``_``, ``-``), else a new one: one rule for the edge and the front door."""
    if incoming is not None and _SAFE_ID.match(incoming):
        return incoming
    return new_request_id()


def counted(scope: Scope) -> bool:
    """Whether a layer inside counted the request against a limit: a route's, or the front
    cache's answer for one (``web.response_cache``)."""
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
        incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value
                break
        state = scope.setdefault("state", {})
        request_id_bytes = request_id_for(incoming)
        request_id = request_id_bytes.decode("latin-1")
        state[STATE_KEY] = request_id
        extra = state[HEADERS_KEY] = [(b"x-request-id", request_id_bytes), NOSNIFF]
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


_EMPTY_BODY = HTTPResponseBodyEvent(type="http.response.body", body=b"", more_body=False)


def _left_to_layers(name: bytes, value: bytes) -> bool:
    """Whether a request header makes the request one for the layers, not the front door: it
    may carry credentials, ask for a fresh answer, or send a body (which the edge would have to
    answer with ``Connection: close``)."""
    if name == b"authorization" or name == b"transfer-encoding":
        return True
    if name == b"content-length":
        return value.strip() not in (b"0", b"")
    if name == b"cache-control" or name == b"pragma":
        return b"no-cache" in value.lower()
    return False


_WATCHED = frozenset(
    (b"authorization", b"transfer-encoding", b"content-length", b"cache-control", b"pragma")
)


class FrontDoor:
    """Answers a request the front cache holds the answer to, before Litestar is entered.

    ``pydotorg.app.Service`` asks it first for every HTTP request; it answers an anonymous
    ``GET`` or ``HEAD`` that sends no body and no ``no-cache`` when the front cache holds a
    valid entry for it, and declines anything else, which then goes through Litestar and every
    layer as before (the front cache itself answers what it holds but the door declined: an
    answer that varies on a request header, a request with a body, ...). An
    answer here is the one the layers give, header for header and in the same order: the
    stored headers, CORS's, ``X-Request-ID``, ``nosniff`` and the RateLimit headers of the
    endpoint's count (a 429 in its dialect over the limit), a 304 for a matching
    ``If-None-Match``, no body for ``HEAD``, and the access-log line. What it saves is
    Litestar's entry, the scope's state, the layers' wrapped ``send`` functions and the
    copies of the header lists: ``bench/front_inproc.py`` measures it.
    """

    def __init__(
        self,
        front: FrontCache,
        *,
        cors: CorsMiddleware | None,
        access_log: bool,
    ) -> None:
        self.cache = front.cache
        self.limiter = front.limiter
        self.cors = cors
        self.access_log = access_log

    async def answered(self, scope: HTTPScope, send: Send) -> bool:
        """Answer the request if it is the front cache's to answer (True), else nothing."""
        method = scope["method"]
        if method != "GET" and method != "HEAD":
            return False
        started = time.perf_counter() if self.access_log else 0.0
        host = b""
        if_none_match = incoming = origin = None
        for name, value in scope["headers"]:  # one pass over the request's headers
            if name == b"host":
                host = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"x-request-id":
                if incoming is None:  # the first, as the edge takes it
                    incoming = value
            elif name == b"origin":
                origin = value
            elif name in _WATCHED and _left_to_layers(name, value):
                return False
        entry = self.cache.take(("front", host, scope["path"], scope["query_string"]))
        if entry is None:  # not stored, stale, or varying on a request header: the layers'
            return False
        request_id = request_id_for(incoming)
        status, base, body = entry.status, entry.headers, entry.body_message
        if if_none_match is not None and etag_matches(
            if_none_match.decode("latin-1"), entry.etag_text
        ):
            status, base, body = 304, entry.not_modified, _EMPTY_BODY
        if self.cors is None:
            headers = [*base, (b"x-request-id", request_id), NOSNIFF]
        else:
            headers = [
                *base,
                *self.cors.headers_for(origin),
                (b"x-request-id", request_id),
                NOSNIFF,
            ]
        limiter, limit = self.limiter, entry.limit
        if limiter is not None and limit is not None:
            count, rule, now = limiter.begin(scope, limit)
            if count is not None and not isinstance(count, int):
                count = await count
            retry = limiter.finish(count, rule, now, limit, headers)
            if retry is not None:
                too_many, refusal = too_many_response(retry, entry.dialect or dialect_of(None))
                status, headers = 429, [*too_many, *headers[len(base) :]]
                body = HTTPResponseBodyEvent(
                    type="http.response.body", body=refusal, more_body=False
                )
        if method == "HEAD":
            body = _EMPTY_BODY
        start = HTTPResponseStartEvent(type="http.response.start", status=status, headers=headers)
        if not self.access_log:
            await send(start)
            await send(body)
            return True
        try:
            await send(start)
            await send(body)
        finally:
            client = scope.get("client")
            log_access(
                request_id=request_id.decode("latin-1"),
                method=method,
                path=scope["path"],
                status=status,
                started=started,
                client=client[0] if client else None,
            )
        return True
