"""Domain exceptions. Services raise these; `web.errors` turns them into HTTP responses."""

from __future__ import annotations

from typing import Any

NOT_AUTHENTICATED = "not_authenticated"
"""The code of a 401 for a caller who sent no credential where one is needed."""
PERMISSION_DENIED = "permission_denied"
"""The code of a 403 for a caller whose role or key does not allow the call."""
INACTIVE_ACCOUNT = "inactive_account"
"""The code of a 401 for a credential whose account is not active."""
UNIQUE = "unique"
"""The code of a field error for a value another row already has."""
DOES_NOT_EXIST = "does_not_exist"
"""The code of a field error for an id that names no row."""


class DomainError(Exception):
    """Base of every error a service raises on purpose. ``code`` names a kind of error that a
    family of endpoints words in its own way (``core.dialects``: ``"not_authenticated"`` is
    Django REST framework's "Authentication credentials were not provided.")."""

    status_code = 400

    def __init__(
        self, detail: str, *, extra: dict[str, Any] | None = None, code: str | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}
        self.code = code


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    status_code = 409


class FieldError(DomainError):
    """A semantic validation failure on one or more named fields (422)."""

    status_code = 422

    def __init__(
        self, field: str, message: str, *, source: str = "body", code: str | None = None
    ) -> None:
        super().__init__(
            f"Invalid value for '{field}': {message}",
            extra={"errors": [{"field": field, "message": message, "source": source}]},
            code=code,
        )
        self.field = field
        self.message = message


class FieldErrors(DomainError):
    """Semantic validation failures on several named fields at once (422), each a
    ``(field, message)`` in the order they were found; the detail names the first."""

    status_code = 422

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        field, message = errors[0]
        super().__init__(
            f"Invalid value for '{field}': {message}",
            extra={"errors": [{"field": f, "message": m, "source": "body"} for f, m in errors]},
        )


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


class MethodNotAllowedError(DomainError):
    """A method the path does not serve, refused once the caller may call it (405, with
    ``Allow``): as Django REST framework checks the caller before the method."""

    status_code = 405

    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        super().__init__(f'Method "{method}" not allowed.')
        self.allowed = allowed


class ServiceUnavailableError(DomainError):
    """Something the service needs (the database) cannot answer now: 503 with ``Retry-After``."""

    status_code = 503
    retry_after = 5


class DatabaseUnavailableError(ServiceUnavailableError):
    """The database cannot be reached, or refuses work for now (``db.database.unavailable``)."""

    def __init__(self) -> None:
        super().__init__("Database unavailable.")


class RateLimitedError(DomainError):
    """A count a service keeps ran over (``core.ratelimit.Throttle``): the middleware's 429."""

    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Rate limit exceeded. Try again in {retry_after} seconds.")
        self.retry_after = retry_after
