"""Every error response, in the guide's shape, built in exactly one place.

The body is always ``{"detail": str, "status_code": int, "extra": {...}}``. Litestar's own
exceptions (unknown route, wrong method, bad parameters, oversized body) and the services' domain
exceptions all pass through here. A write the database refused (a unique value a concurrent
request took first) becomes the domain error it means, wherever the service met it (at a flush
or at its commit). A database that cannot work now (down, restarting, its file gone, every
connection busy) is a 503 with ``Retry-After``, logged at most once in a while. A client that
leaves before sending its whole body is one line at info level, not an error. Anything
unexpected is logged with the request id, and never with the values of a database statement,
and answered with a 500 that reveals nothing about the internals.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError

from pydotorg.core.dialects import dialect_of
from pydotorg.core.exceptions import (
    ConflictError,
    DatabaseUnavailableError,
    DomainError,
    MethodNotAllowedError,
    RateLimitedError,
    ServiceUnavailableError,
)
from pydotorg.core.request_id import get_request_id
from pydotorg.db.database import (
    OUTAGES,
    conflict_of,
    conflict_of_writes,
    database_of,
    loggable,
    schema_of,
    unavailable,
    write_conflict,
)
from pydotorg.web.requests import ClientDisconnectedError

logger = logging.getLogger("pydotorg.errors")


def error_response(
    status_code: int,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    request: Request[Any, Any, Any] | None = None,
    code: str | None = None,
) -> Response[Any]:
    """An error answer, in the dialect of the endpoint that met it (``core.dialects``), in
    its words for the error's ``code`` if it has them."""
    handler = None if request is None else request.scope.get("route_handler")
    dialect = dialect_of(None if handler is None else handler.opt)
    status_code = dialect.status(status_code)
    if status_code == 401:
        headers = {**(headers or {}), "WWW-Authenticate": dialect.challenge}
    return Response(
        content=dialect.body(status_code, dialect.detail(detail, code), extra or {}),
        status_code=status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


MISSING_BODY = {"field": None, "message": "the request body is missing", "source": "body"}


def _validation_extra(extra: Any) -> dict[str, Any]:
    if isinstance(extra, dict):
        return extra
    errors = []
    for item in extra or []:
        if isinstance(item, dict) and item.get("key") == "data":
            errors.append(MISSING_BODY)  # the body as a whole: Litestar got none to decode
        elif isinstance(item, dict):
            errors.append(
                {
                    "field": item.get("key"),
                    "message": item.get("message"),
                    "source": _source(item.get("source")),
                }
            )
        else:
            errors.append({"field": None, "message": str(item), "source": None})
    return {"errors": errors}


def _source(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _validation_detail(exc: ValidationException, extra: dict[str, Any]) -> str:
    errors = extra.get("errors") or []
    if errors and errors[0].get("field"):
        first = errors[0]
        source = first.get("source") or "request"
        return f"Invalid {source} field '{first['field']}': {first['message']}"
    if errors and errors[0].get("message"):
        return f"{exc.detail}: {errors[0]['message']}"
    return str(exc.detail)


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if isinstance(exc, ValidationException):
        extra = _validation_extra(exc.extra)
        detail = _validation_detail(exc, extra)
    else:
        extra = exc.extra if isinstance(exc.extra, dict) else {}
        if isinstance(exc.extra, list) and exc.extra:
            extra = {"errors": exc.extra}
        detail = str(exc.detail) if exc.detail else HTTPStatus(status).phrase
    if status >= 500:
        return handle_unexpected(request, exc)
    return error_response(status, detail, extra, headers=exc.headers, request=request)


def handle_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    headers = None
    if isinstance(exc, DatabaseUnavailableError):
        OUTAGES.refused(exc)
    if isinstance(exc, RateLimitedError):
        handler = request.scope.get("route_handler")
        return Response(
            content=dialect_of(None if handler is None else handler.opt).throttled(exc.retry_after),
            status_code=429,
            media_type=MediaType.JSON,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if isinstance(exc, ServiceUnavailableError):
        headers = {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, MethodNotAllowedError):
        headers = {"Allow": ", ".join(exc.allowed)}
    return error_response(
        exc.status_code, exc.detail, exc.extra, headers=headers, request=request, code=exc.code
    )


def handle_integrity_error(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[Any]:
    schema = schema_of(database_of(request.scope).session)
    return handle_domain_error(request, conflict_of(exc, schema))


def handle_stale_data(request: Request[Any, Any, Any], exc: StaleDataError) -> Response[Any]:
    """A row a write meant to change or delete was deleted meanwhile by a concurrent request
    (two deletes of one row): a 409, as for any constraint a concurrent change broke."""
    conflict = ConflictError("The change conflicts with a concurrent change; try again.")
    return handle_domain_error(request, conflict)


def handle_database_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A database that cannot work now is a 503 with ``Retry-After``; any other database error
    is a bug (500)."""
    if write_conflict(exc):
        return handle_domain_error(request, conflict_of_writes())
    refusal = unavailable(exc)
    if refusal is None:
        return handle_unexpected(request, exc)
    return handle_domain_error(request, refusal)


def handle_client_disconnected(
    request: Request[Any, Any, Any], exc: ClientDisconnectedError
) -> Response[Any]:
    """Nobody reads this answer: the client left mid-body. One line for the log, no trace."""
    request_id = get_request_id(request.scope)
    logger.info(
        "client disconnected before sending the whole body of %s %s (request id %s)",
        request.method,
        request.url.path,
        request_id,
    )
    return error_response(
        400, "The client disconnected before sending the whole request body.", request=request
    )


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    request_id = get_request_id(request.scope)
    logger.exception(
        "unhandled error on %s %s (request id %s)",
        request.method,
        request.url.path,
        request_id,
        exc_info=loggable(exc),
    )
    return error_response(500, "Internal Server Error", {"request_id": request_id}, request=request)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    HTTPException: handle_http_exception,
    DomainError: handle_domain_error,
    IntegrityError: handle_integrity_error,
    StaleDataError: handle_stale_data,
    DBAPIError: handle_database_error,
    PoolTimeoutError: handle_database_error,
    ClientDisconnectedError: handle_client_disconnected,
    Exception: handle_unexpected,
}
