"""Domain exceptions. Services raise these; `core.errors` turns them into HTTP responses."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400

    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    status_code = 409


class FieldError(DomainError):
    """A semantic validation failure on one or more named fields (422)."""

    status_code = 422

    def __init__(self, field: str, message: str, *, source: str = "body") -> None:
        super().__init__(
            f"Invalid value for '{field}': {message}",
            extra={"errors": [{"field": field, "message": message, "source": source}]},
        )
        self.field = field
        self.message = message


class ParameterError(FieldError):
    """A query parameter the request may not have (400), named like a body field."""

    status_code = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message, source="query")


class DuplicateError(DomainError):
    """A value that must be unique is taken, and which field holds it is not known (422)."""

    status_code = 422

    def __init__(self, detail: str) -> None:
        super().__init__(
            detail, extra={"errors": [{"field": None, "message": detail, "source": "body"}]}
        )


class NotAuthenticatedError(DomainError):
    status_code = 401


class PermissionDeniedError(DomainError):
    status_code = 403


class ServiceUnavailableError(DomainError):
    """Something the service needs (the database) cannot answer now: 503 with ``Retry-After``."""

    status_code = 503
    retry_after = 5


class DatabaseUnavailableError(ServiceUnavailableError):
    """The database cannot be reached, or refuses work for now (``core.database.unavailable``)."""

    def __init__(self) -> None:
        super().__init__("Database unavailable.")


class RateLimitedError(DomainError):
    """A count a service keeps ran over (``core.ratelimit.Throttle``): the middleware's 429."""

    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Rate limit exceeded. Try again in {retry_after} seconds.")
        self.retry_after = retry_after
