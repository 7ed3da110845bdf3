"""A request id for every request, and the response headers inner layers decide on.

The edge (``web.edge``) takes the id from a sane ``X-Request-ID`` or makes one; it is echoed in
the response header, put in the access log and in 500 bodies, so a user's report can be matched
with the server's log line.

Inner layers decide on some response headers before the response exists (the rate limiter's).
They append them to the list at ``scope["state"][HEADERS_KEY]``, and the edge sends them with
whatever response the request gets, an error included. One place adds them, so no other layer
has to wrap ``send`` for that.
"""

from __future__ import annotations

import uuid
from typing import Any

STATE_KEY = "request_id"
HEADERS_KEY = "response_headers"


def get_request_id(scope: Any) -> str:
    state = scope.setdefault("state", {})
    value = state.get(STATE_KEY)
    if value is None:
        value = state[STATE_KEY] = uuid.uuid4().hex
    return str(value)
