"""JWT verification is strict: pinned algorithm, required claims, expiry, type."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from pydotorg.accounts.tokens import InvalidTokenError, decode_token, encode_token

SECRET = "s" * 64


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def good_claims() -> dict[str, Any]:
    token, _ = encode_token(
        SECRET, user_id=7, family="f" * 32, token_type="access", lifetime=timedelta(minutes=5)
    )
    return jwt.decode(token, SECRET, algorithms=["HS256"], issuer="pydotorg")


def test_round_trip() -> None:
    token, jti = encode_token(
        SECRET, user_id=7, family="fam", token_type="refresh", lifetime=timedelta(days=30)
    )
    claims = decode_token(SECRET, token, "refresh")
    assert (claims.user_id, claims.jti, claims.family, claims.type) == (7, jti, "fam", "refresh")


def test_a_token_never_outlives_its_sign_in() -> None:
    ends = datetime.now(UTC) + timedelta(minutes=5)
    token, _ = encode_token(
        SECRET,
        user_id=7,
        family="fam",
        token_type="refresh",
        lifetime=timedelta(days=30),
        not_after=ends,
    )
    assert decode_token(SECRET, token, "refresh").expires <= ends
    early, _ = encode_token(
        SECRET,
        user_id=7,
        family="fam",
        token_type="access",
        lifetime=timedelta(minutes=1),
        not_after=ends,
    )
    assert decode_token(SECRET, early, "access").expires < ends - timedelta(minutes=3)


def test_alg_none_is_refused() -> None:
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(good_claims())}."
    with pytest.raises(InvalidTokenError, match="algorithm"):
        decode_token(SECRET, token, "access")


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_other_algorithms_are_refused_even_with_the_right_key(algorithm: str) -> None:
    token = jwt.encode(good_claims(), SECRET, algorithm=algorithm)
    with pytest.raises(InvalidTokenError):
        decode_token(SECRET, token, "access")


def test_bad_signature_is_refused() -> None:
    token = jwt.encode(good_claims(), "another-secret-" + "y" * 64, algorithm="HS256")
    with pytest.raises(InvalidTokenError, match="invalid"):
        decode_token(SECRET, token, "access")


def test_expired_is_refused() -> None:
    token, _ = encode_token(
        SECRET, user_id=1, family="f", token_type="access", lifetime=timedelta(seconds=-1)
    )
    with pytest.raises(InvalidTokenError, match="expired"):
        decode_token(SECRET, token, "access")


def test_wrong_type_is_refused() -> None:
    token, _ = encode_token(
        SECRET, user_id=1, family="f", token_type="refresh", lifetime=timedelta(minutes=1)
    )
    with pytest.raises(InvalidTokenError, match="access"):
        decode_token(SECRET, token, "access")


@pytest.mark.parametrize("claim", ["sub", "exp", "jti", "type", "fam", "iss"])
def test_missing_claims_are_refused(claim: str) -> None:
    claims = good_claims()
    del claims[claim]
    with pytest.raises(InvalidTokenError):
        decode_token(SECRET, jwt.encode(claims, SECRET, algorithm="HS256"), "access")


def test_garbage_is_refused() -> None:
    for token in ("", "abc", "a.b.c", "x" * 5000):
        with pytest.raises(InvalidTokenError):
            decode_token(SECRET, token, "access")
