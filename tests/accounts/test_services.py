"""Every way a bearer token is refused over HTTP: 401, the error body, WWW-Authenticate."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import delete, update

from pydotorg.accounts.models import ApiKey, TokenFamily, User
from pydotorg.accounts.passwords import (
    check_password_policy,
    hash_password,
    in_hashing_thread,
    needs_rehash,
    verify_password,
)
from pydotorg.accounts.tokens import encode_token
from pydotorg.core.exceptions import FieldError
from pydotorg.db.engine import create_engine, create_sessionmaker
from tests.factories import UserFactory
from tests.support import LiveServer

PASSWORD = "a perfectly fine passphrase"


def signed_in(anon: httpx.Client) -> tuple[dict[str, Any], dict[str, Any]]:
    response = anon.post("/api/auth/register", json=UserFactory.body(password=PASSWORD))
    assert response.status_code == 201
    tokens = response.json()
    me = anon.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    return me.json(), tokens


def assert_refused(anon: httpx.Client, header: str | bytes) -> None:
    value = header.encode("latin-1") if isinstance(header, str) else header
    response = anon.get("/api/auth/me", headers={b"Authorization": value})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert set(response.json()) == {"detail", "status_code", "extra"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims_of(server: LiveServer, token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(
        token, server.settings.secret_key, algorithms=["HS256"], issuer="pydotorg"
    )
    return claims


def run_sql(server: LiveServer, statement: object) -> None:
    async def go() -> None:
        engine = create_engine(server.database_url, pool=False)
        async with create_sessionmaker(engine)() as session:
            await session.execute(statement)  # type: ignore[call-overload]
            await session.commit()
        await engine.dispose()

    asyncio.run(go())


def test_no_token_and_malformed_headers(anon: httpx.Client) -> None:
    assert anon.get("/api/auth/me").status_code == 401
    for header in ("Bearer", "Basic abc", "Bearer a b", "bearer", "Token x", "Bearer a\tb"):
        assert_refused(anon, header)
    for header in ("ApiKey", "ApiKey ada", "ApiKey :key", "ApiKey ada:", "ApiKey a:b:c"):
        assert_refused(anon, header)
    assert_refused(anon, b"Bearer \x80\xff")


def test_control_characters_in_a_header_never_reach_the_app(anon: httpx.Client) -> None:
    """Granian refuses them itself: a bare 400, before authentication or the request id."""
    response = anon.get("/api/auth/me", headers={"Authorization": "Bearer \x7f"})
    assert response.status_code == 400 and response.content == b""
    assert "x-request-id" not in response.headers


def test_one_api_key_in_all_three_schemes(anon: httpx.Client) -> None:
    """The same key works as ``Bearer``, as python.org's v2 ``Token`` and as its v1 ``ApiKey
    <username>:<key>`` (only with its owner's username), and matches the pattern python.org's
    release tooling checks before it sends one."""
    me, tokens = signed_in(anon)
    made = anon.post(
        "/api/auth/api-keys", headers=bearer(tokens["access_token"]), json={"name": "k"}
    )
    key = made.json()["key"]
    assert re.fullmatch(r"(?P<user>\w+):(?P<key>\w+)", f"{me['username']}:{key}")
    for header in (f"Bearer {key}", f"Token {key}", f"ApiKey {me['username']}:{key}"):
        response = anon.get("/api/auth/me", headers={"Authorization": header})
        assert response.status_code == 200, header
        assert response.json()["id"] == me["id"]
    other, _ = signed_in(anon)
    assert_refused(anon, f"ApiKey {other['username']}:{key}")
    assert_refused(anon, f"ApiKey {me['username'].upper()}:{key}")
    assert_refused(anon, f"Token {tokens['access_token']}")  # Token takes API keys only
    assert_refused(anon, f"ApiKey {me['username']}:{tokens['access_token']}")


def test_forged_tokens(anon: httpx.Client, server: LiveServer) -> None:
    _, tokens = signed_in(anon)
    claims = jwt.decode(
        tokens["access_token"], server.settings.secret_key, algorithms=["HS256"], issuer="pydotorg"
    )
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert_refused(anon, f"Bearer {header}.{body}.")
    assert_refused(
        anon, f"Bearer {jwt.encode(claims, server.settings.secret_key, algorithm='HS512')}"
    )
    assert_refused(anon, f"Bearer {jwt.encode(claims, 'x' * 64, algorithm='HS256')}")
    admin = {**claims, "sub": "1"}
    assert_refused(anon, f"Bearer {jwt.encode(admin, 'x' * 64, algorithm='HS256')}")


def test_expired_access_token(anon: httpx.Client, server: LiveServer) -> None:
    me, tokens = signed_in(anon)
    claims = jwt.decode(
        tokens["access_token"], server.settings.secret_key, algorithms=["HS256"], issuer="pydotorg"
    )
    expired, _ = encode_token(
        server.settings.secret_key,
        user_id=me["id"],
        family=claims["fam"],
        token_type="access",
        lifetime=timedelta(seconds=-5),
    )
    assert_refused(anon, f"Bearer {expired}")


def test_token_of_a_deleted_user(anon: httpx.Client, server: LiveServer) -> None:
    me, tokens = signed_in(anon)
    run_sql(server, delete(User).where(User.id == me["id"]))
    assert_refused(anon, f"Bearer {tokens['access_token']}")
    refreshed = anon.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401


def test_token_of_an_inactive_user(anon: httpx.Client, server: LiveServer) -> None:
    me, tokens = signed_in(anon)
    run_sql(server, update(User).where(User.id == me["id"]).values(is_active=False))
    assert_refused(anon, f"Bearer {tokens['access_token']}")


def test_lifetimes_are_seven_and_thirty_days(anon: httpx.Client, server: LiveServer) -> None:
    _, tokens = signed_in(anon)
    for name, days in (("access_token", 7), ("refresh_token", 30)):
        claims = jwt.decode(
            tokens[name], server.settings.secret_key, algorithms=["HS256"], issuer="pydotorg"
        )
        assert claims["exp"] - claims["iat"] == days * 24 * 3600
        assert {"sub", "exp", "iat", "jti", "type"} <= set(claims)


def test_password_rehashed_on_login_when_parameters_change(
    anon: httpx.Client, server: LiveServer
) -> None:
    from argon2 import PasswordHasher

    me, _ = signed_in(anon)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    assert needs_rehash(weak)
    run_sql(server, update(User).where(User.id == me["id"]).values(password_hash=weak))
    login = anon.post("/api/auth/login", json={"username": me["username"], "password": PASSWORD})
    assert login.status_code == 200

    async def stored() -> str:
        engine = create_engine(server.database_url, pool=False)
        async with create_sessionmaker(engine)() as session:
            user = await session.get(User, me["id"])
            assert user is not None
            value = user.password_hash
        await engine.dispose()
        return value

    new_hash = asyncio.run(stored())
    assert new_hash != weak and new_hash.startswith("$argon2id$") and not needs_rehash(new_hash)


def test_a_sign_in_ends_when_its_family_expires_however_often_it_is_refreshed(
    anon: httpx.Client, server: LiveServer
) -> None:
    _, tokens = signed_in(anon)
    family = claims_of(server, tokens["refresh_token"])["fam"]
    ends = datetime.now(UTC) + timedelta(hours=1)
    run_sql(server, update(TokenFamily).where(TokenFamily.id == family).values(expires=ends))
    refreshed = anon.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    pair = refreshed.json()
    for name in ("access_token", "refresh_token"):
        assert claims_of(server, pair[name])["exp"] <= ends.timestamp(), name
    assert 3500 < pair["expires_in"] <= 3600

    ended = datetime.now(UTC) - timedelta(seconds=1)
    run_sql(server, update(TokenFamily).where(TokenFamily.id == family).values(expires=ended))
    again = anon.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401 and "expired" in again.json()["detail"]
    assert_refused(anon, f"Bearer {pair['access_token']}")


def test_an_api_key_records_its_use_at_most_once_a_minute(
    anon: httpx.Client, server: LiveServer
) -> None:
    """Reads with a key write nothing, except the first one in a minute (``last_used``)."""
    _, tokens = signed_in(anon)
    owner = bearer(tokens["access_token"])
    made = anon.post("/api/auth/api-keys", headers=owner, json={"name": "reads"}).json()

    def read_with_key() -> datetime:
        assert anon.get("/api/auth/me", headers=bearer(made["key"])).status_code == 200
        listed = anon.get("/api/auth/api-keys", headers=owner).json()
        return datetime.fromisoformat(listed[0]["last_used"])

    def stored(moment: datetime) -> None:
        run_sql(server, update(ApiKey).where(ApiKey.id == made["id"]).values(last_used=moment))

    first = read_with_key()
    assert read_with_key() == first
    recently = datetime.now(UTC) - timedelta(seconds=45)
    stored(recently)
    assert read_with_key() == recently
    long_ago = datetime.now(UTC) - timedelta(seconds=61)
    stored(long_ago)
    assert read_with_key() > recently


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "8 characters"),
        ("qwertyuiop", "common"),
        ("Ada_Lovelace", "username"),
        (" " * 12, "8 characters"),
        ("\u200b" * 12, "8 characters"),
        ("ab\u200bcd\u200bef\u00a0g", "8 characters"),
        ("e\u0301" * 7, "8 characters"),
        ("\t" * 12, "control characters"),
        ("\x00" * 12, "control characters"),
        ("a good passphrase\n", "control characters"),
        ("\uff51\uff57\uff45\uff52\uff54\uff59\uff55\uff49\uff4f\uff50", "common"),
        (" qwertyuiop ", "common"),
    ],
)
def test_password_policy(password: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        check_password_policy(password, username="ada_lovelace")


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "\u00e9" * 8,
        "\u092a\u093e\u0938\u0935\u0930\u094d\u0921\u0967\u0968\u0969\u096a",
    ],
)
def test_password_policy_counts_visible_characters_of_any_script(password: str) -> None:
    check_password_policy(password, username="ada_lovelace")


def test_hashes_are_argon2id() -> None:
    assert hash_password("anything at all").startswith("$argon2id$")


def test_passwords_are_hashed_beside_the_event_loop() -> None:
    """A hash takes a fifth of a second: on the loop, it would stall every other request."""

    async def threads() -> tuple[threading.Thread, threading.Thread, str]:
        hashed = await in_hashing_thread(hash_password, "anything at all")
        return threading.current_thread(), await in_hashing_thread(threading.current_thread), hashed

    loop_thread, hashing_thread, hashed = asyncio.run(threads())
    assert hashing_thread is not loop_thread and hashing_thread.name.startswith("argon2")
    assert verify_password(hashed, "anything at all")
