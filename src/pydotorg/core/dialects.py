"""The shape of error answers, per family of endpoints.

The service's own API answers every error with the guide's body, ``{"detail", "status_code",
"extra"}`` (:data:`NATIVE`, :class:`ErrorBody`). The python.org-compatible endpoints must answer
as python.org does, because real clients parse those answers; their dialects (Django REST
framework's under ``/api/v2/``, Tastypie's on the v1 downloads and pages) are the ``compat``
domain's (``compat/dialects.py``), declared with the :class:`Dialect` this module defines.

A controller names its dialect once, in its ``opt`` (``opt={DIALECT_KEY: DRF}``); the error
handlers (``web.errors``), the rate limiter's 429 (``core.ratelimit``) and the OpenAPI
documentation of each operation's errors (``web.endpoints``) read it there, so a dialect is
applied by configuration and no handler writes an error body of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar.openapi.spec import OpenAPIType, Schema

DIALECT_KEY = "dialect"
ErrorBodyOf = Callable[[int, str, dict[str, Any]], Any]


@dataclass(frozen=True, eq=False)
class Dialect:
    """How one family of endpoints writes an error: the body for a status, a detail and the
    guide's ``extra``; the status it uses in place of another; the body of a 429; the scheme a
    401's ``WWW-Authenticate`` names; its own words for kinds of error (``words``, by the
    error's ``code``); and the OpenAPI schema of the body."""

    name: str
    body: ErrorBodyOf
    throttled: Callable[[int], Any]
    schema: Schema
    challenge: str = "Bearer"
    statuses: Mapping[int, int] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)

    def status(self, status: int) -> int:
        return self.statuses.get(status, status)

    def detail(self, detail: str, code: str | None) -> str:
        """The detail of an error, in this family's words for its kind if it has them."""
        return self.words.get(code, detail) if code is not None else detail


def dialect_of(opt: Mapping[str, Any] | None) -> Dialect:
    """The dialect a handler's ``opt`` names; the guide's own for anything else."""
    if opt is None:
        return NATIVE
    dialect: Dialect = opt.get(DIALECT_KEY, NATIVE)
    return dialect


class ErrorBody(msgspec.Struct):
    """The error body every endpoint answers with when something goes wrong."""

    detail: str
    status_code: int
    extra: dict[str, Any] = msgspec.field(default_factory=dict)


def _native_body(status: int, detail: str, extra: dict[str, Any]) -> Any:
    return ErrorBody(detail=detail, status_code=status, extra=extra)


def _native_throttled(seconds: int) -> Any:
    return _native_body(429, f"Rate limit exceeded. Try again in {seconds} seconds.", {})


NATIVE = Dialect(
    name="ErrorBody",
    body=_native_body,
    throttled=_native_throttled,
    schema=Schema(
        type=OpenAPIType.OBJECT,
        title="ErrorBody",
        description="The body of every error response.",
        properties={
            "detail": Schema(type=OpenAPIType.STRING, description="What went wrong."),
            "status_code": Schema(type=OpenAPIType.INTEGER, description="The HTTP status."),
            "extra": Schema(
                type=OpenAPIType.OBJECT,
                description="Details: `errors` (each with `field`, `message`, `source`), "
                "`request_id` on a 500, the `allowed_actions` of a 409.",
            ),
        },
        required=["detail", "status_code", "extra"],
    ),
)
