"""JSON Web Tokens, verified strictly: one algorithm, required claims, expiry and type.

Encoding and decoding only; which tokens are revoked is the accounts service's business.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt

ALGORITHM = "HS256"
ISSUER = "pydotorg"
REQUIRED_CLAIMS = ["sub", "exp", "iat", "jti", "type", "fam", "iss"]
TokenType = Literal["access", "refresh"]


class InvalidTokenError(Exception):
    """The token is not one this service issued, has expired, or is of the wrong type."""


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    jti: str
    family: str
    type: TokenType
    expires: datetime


def encode_token(
    secret: str,
    *,
    user_id: int,
    family: str,
    token_type: TokenType,
    lifetime: timedelta,
    not_after: datetime | None = None,
) -> tuple[str, str]:
    """A signed token and its ``jti``; it expires after ``lifetime``, and never after
    ``not_after`` (the end of the sign-in it belongs to)."""
    now = datetime.now(UTC)  # the real time, as PyJWT checks it (see core.clock)
    jti = uuid.uuid4().hex
    expires = now + lifetime if not_after is None else min(now + lifetime, not_after)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "iat": now,
        "exp": expires,
        "jti": jti,
        "type": token_type,
        "fam": family,
        "iss": ISSUER,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM), jti


def decode_token(secret: str, token: str, expected_type: TokenType) -> TokenClaims:
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise InvalidTokenError("unexpected signing algorithm")
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidTokenError("token has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidTokenError("token is invalid") from exc
    if claims["type"] != expected_type:
        raise InvalidTokenError(f"expected an {expected_type} token")
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise InvalidTokenError("token is invalid") from exc
    return TokenClaims(
        user_id=user_id,
        jti=str(claims["jti"]),
        family=str(claims["fam"]),
        type=expected_type,
        expires=datetime.fromtimestamp(claims["exp"], UTC),
    )
