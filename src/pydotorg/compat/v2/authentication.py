"""How python.org's v2 reads the ``Authorization`` header: Django REST framework's
``TokenAuthentication``, its only authentication class.

A header of another scheme (``Basic``, ``Bearer``, ``ApiKey``) is no credential at all to it:
the caller is anonymous, so a read answers as to anyone and a write is a 401 "Authentication
credentials were not provided.". A ``Token`` header must hold one key that is a live API key of
an active account, else a 401 in DRF's words. The middleware (``core.auth``) has already looked
the key up; these readers only decide what its finding means here.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from pydotorg.core.auth import refused_credential
from pydotorg.core.exceptions import INACTIVE_ACCOUNT, DomainError, NotAuthenticatedError

KEYWORD = b"token"
GUIDE_SCHEMES = frozenset({b"bearer", b"apikey"})


def _words(connection: ASGIConnection[Any, Any, Any, Any]) -> list[bytes]:
    """The header's words as DRF splits them (bytes, on ASCII whitespace)."""
    return connection.headers.get("authorization", "").encode("latin-1").split()


def token_credentials(connection: ASGIConnection[Any, Any, Any, Any]) -> DomainError | None:
    """DRF's ``TokenAuthentication.authenticate``: the refusal to answer with, or None."""
    words = _words(connection)
    if not words or words[0].lower() != KEYWORD:
        connection.scope["user"] = None
        return None
    if len(words) == 1:
        return NotAuthenticatedError("Invalid token header. No credentials provided.")
    if len(words) > 2:
        return NotAuthenticatedError(
            "Invalid token header. Token string should not contain spaces."
        )
    try:
        words[1].decode("utf-8")
    except UnicodeDecodeError:
        return NotAuthenticatedError(
            "Invalid token header. Token string should not contain invalid characters."
        )
    refusal = refused_credential(connection)
    if refusal is None:
        return None
    if refusal.code == INACTIVE_ACCOUNT:
        return NotAuthenticatedError("User inactive or deleted.")
    return NotAuthenticatedError("Invalid token.")


def token_or_guide_credentials(
    connection: ASGIConnection[Any, Any, Any, Any],
) -> DomainError | None:
    """The sponsors endpoints' reading: ``Token`` as DRF reads it, and the guide's ``Bearer``
    and ``ApiKey`` as the guide reads them (the PyCon app sends ``Bearer``; see the README)."""
    words = _words(connection)
    if words and words[0].lower() in GUIDE_SCHEMES:
        return refused_credential(connection)
    return token_credentials(connection)
