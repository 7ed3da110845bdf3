"""A request id for every request: taken from a sane ``X-Request-ID`` or generated.

It is echoed in the response header, put in the access log and in 500 bodies, so a user's report
can be matched with the server's log line.

This outermost middleware also writes the request's *response headers*: headers that inner
layers decide on before the response exists (the rate limiter's). They append them to the list
at ``scope["state"][HEADERS_KEY]``, and it sends them with whatever response the request gets,
an error included. One place adds them, so no other layer has to wrap ``send`` for that.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from pydotorg.core.logging import log_access

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
STATE_KEY = "request_id"
HEADERS_KEY = "response_headers"


def get_request_id(scope: Any) -> str:
    state = scope.setdefault("state", {})
    value = state.get(STATE_KEY)
    if value is None:
        value = state[STATE_KEY] = uuid.uuid4().hex
    return str(value)


class RequestIdMiddleware:
    """The outermost layer: a request id, the collected response headers, the access log."""

    def __init__(self, app: ASGIApp, *, access_log: bool) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        state = scope.setdefault("state", {})
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        state[STATE_KEY] = request_id
        extra = state[HEADERS_KEY] = [(b"x-request-id", request_id.encode())]
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.access_log:
                client = scope.get("client")
                log_access(
                    request_id=request_id,
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    started=started,
                    client=client[0] if client else None,
                )
