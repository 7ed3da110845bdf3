"""HTTP caching for every GET: a strong ETag over the body, Cache-Control, and 304 answers.

The tag is a hash of the exact bytes sent, so any write that changes what a URL returns changes
its tag at once, with no invalidation bookkeeping to forget. Responses to requests that carry
credentials may differ per caller and are marked ``private``.
"""

from __future__ import annotations

import hashlib

from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

CACHEABLE_METHODS = {"GET"}
PRIVATE = b"private, no-cache"


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison, as If-None-Match requires."""
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(
        candidate.strip().removeprefix("W/") == bare for candidate in if_none_match.split(",")
    )


class CachingMiddleware:
    """Buffers successful GET responses to tag them and answer conditional requests."""

    def __init__(self, app: ASGIApp, *, max_age: int) -> None:
        self.app = app
        self.public_policy = f"public, max-age={max_age}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] not in CACHEABLE_METHODS:
            await self.app(scope, receive, send)
            return
        if_none_match = None
        has_credentials = False
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none_match = value.decode("latin-1")
            elif name == b"authorization":
                has_credentials = True
        start: HTTPResponseStartEvent | None = None
        chunks: list[bytes] = []

        async def buffered_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                if start["status"] != 200:
                    await send(message)
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            if start["status"] != 200:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._finish(start, b"".join(chunks), send, if_none_match, has_credentials)

        await self.app(scope, receive, buffered_send)

    async def _finish(
        self,
        start: HTTPResponseStartEvent,
        body: bytes,
        send: Send,
        if_none_match: str | None,
        has_credentials: bool,
    ) -> None:
        headers = list(start.get("headers", ()))
        present = {name.lower(): value for name, value in headers}
        etag = present.get(b"etag", b"").decode() or strong_etag(body)
        if b"etag" not in present:
            headers.append((b"etag", etag.encode()))
        if b"cache-control" not in present:
            policy = PRIVATE if has_credentials else self.public_policy
            headers += [(b"cache-control", policy), (b"vary", b"Authorization")]
        if if_none_match is not None and etag_matches(if_none_match, etag):
            start["status"] = 304
            start["headers"] = [
                (name, value)
                for name, value in headers
                if name.lower() not in (b"content-length", b"content-type")
            ]
            await send(start)
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        start["headers"] = headers
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})
