"""The guide's authentication flow and the users endpoints, over HTTP on both engines."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.factories import UserFactory, token
from tests.support import LiveServer, read_log, serve_app

PASSWORD = "correct horse battery staple 42"


def register(anon: httpx.Client, **overrides: str) -> tuple[dict[str, Any], dict[str, Any]]:
    body = UserFactory.body(**{"password": PASSWORD, **overrides})
    response = anon.post("/api/auth/register", json=body)
    assert response.status_code == 201, response.text
    return body, response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# The guide's steps ---------------------------------------------------------------------------


def test_guide_login_me_refresh(anon: httpx.Client) -> None:
    body, _ = register(anon)
    login = anon.post("/api/auth/login", json={"username": body["username"], "password": PASSWORD})
    assert login.status_code == 200
    tokens = login.json()
    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 604800

    me = anon.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == body["username"] and me.json()["email"] == body["email"]
    assert me.headers["cache-control"] == "private, no-cache"

    refreshed = anon.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert set(new) == set(tokens) and new["refresh_token"] != tokens["refresh_token"]
    assert anon.get("/api/auth/me", headers=bearer(new["access_token"])).status_code == 200


def test_login_with_email_case_insensitively(anon: httpx.Client) -> None:
    body, _ = register(anon)
    response = anon.post(
        "/api/auth/login", json={"email": body["email"].upper(), "password": PASSWORD}
    )
    assert response.status_code == 200
    by_username_field = anon.post(
        "/api/auth/login", json={"username": body["email"], "password": PASSWORD}
    )
    assert by_username_field.status_code == 200


def test_login_failures_look_the_same(anon: httpx.Client) -> None:
    body, _ = register(anon)
    wrong = anon.post("/api/auth/login", json={"username": body["username"], "password": "x" * 9})
    missing = anon.post("/api/auth/login", json={"username": "nobody-here", "password": "x" * 9})
    assert wrong.status_code == missing.status_code == 401
    assert wrong.json() == missing.json()
    assert wrong.headers["www-authenticate"] == "Bearer"
    neither = anon.post("/api/auth/login", json={"password": "x" * 9})
    assert neither.status_code == 422


def test_register_returns_tokens_and_applies_the_password_policy(anon: httpx.Client) -> None:
    _, tokens = register(anon)
    assert anon.get("/api/auth/me", headers=bearer(tokens["access_token"])).status_code == 200
    name = f"p{token(8)}"
    cases = {
        "short7!": "8 characters",
        "password123": "too common",
        name: "username",
        " " * 10: "8 characters",
        "\u200b" * 10: "8 characters",
        "\t" * 10: "control characters",
        # Issue 24: letters and symbols Unicode draws as nothing (Hangul fillers, the empty
        # Braille pattern) are no more visible than spaces.
        "\u3164" * 8: "8 characters",
        "\u115f" * 8: "8 characters",
        "\uffa0" * 8: "8 characters",
        "\u2800" * 8: "8 characters",
        "\u3164\u2800" * 4 + "abc": "8 characters",
    }
    for password, reason in cases.items():
        response = anon.post(
            "/api/auth/register",
            json={"username": name, "email": f"{name}@example.org", "password": password},
        )
        assert response.status_code == 422, password
        assert response.json()["extra"]["errors"][0]["field"] == "password"
        assert reason in response.json()["detail"]
    nul = anon.post(  # refused by the text rules of every request body, before the policy
        "/api/auth/register",
        json={"username": name, "email": f"{name}@example.org", "password": "\x00" * 10},
    )
    assert nul.status_code == 400 and nul.json()["extra"]["errors"][0]["field"] == "password"
    assert anon.post("/api/auth/login", json={"username": name, "password": "x"}).status_code == 401


def test_usernames_and_emails_are_unique_case_insensitively(anon: httpx.Client) -> None:
    body, _ = register(anon)
    again = anon.post(
        "/api/auth/register",
        json={
            "username": body["username"].upper(),
            "email": "other@example.org",
            "password": PASSWORD,
        },
    )
    assert again.status_code == 422 and again.json()["extra"]["errors"][0]["field"] == "username"
    email = anon.post(
        "/api/auth/register",
        json={
            "username": "another" + token(6),
            "email": body["email"].upper(),
            "password": PASSWORD,
        },
    )
    assert email.status_code == 422 and email.json()["extra"]["errors"][0]["field"] == "email"


def test_simultaneous_registrations_of_one_username_are_one_201_and_422s(
    server: LiveServer,
) -> None:
    """Duplicates that only the database catches (a concurrent registration won the race) are
    the same 422 as the ones found before writing, and nothing about them reaches the log."""
    name = f"race{token(8)}"
    attempts = 16
    start = threading.Barrier(attempts)
    statuses: list[int] = []
    fields: list[str | None] = []
    log_start = server.log_path.stat().st_size

    def attempt(number: int) -> None:
        body = {"username": name, "email": f"{name}{number}@example.org", "password": PASSWORD}
        with server.client() as client:
            start.wait()
            response = client.post("/api/auth/register", json=body)
        statuses.append(response.status_code)
        if response.status_code == 422:
            fields.append(response.json()["extra"]["errors"][0]["field"])

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [422] * (attempts - 1), statuses
    assert fields == ["username"] * (attempts - 1)
    logged = read_log(server.log_path, log_start)
    assert "$argon2" not in logged and "parameters" not in logged, logged


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not-an-email"), ("username", "has space"), ("username", "a@b"), ("email", 5)],
)
def test_register_validates_fields(anon: httpx.Client, field: str, value: object) -> None:
    body = {"username": "valid_name", "email": "valid@example.org", "password": PASSWORD}
    response = anon.post("/api/auth/register", json={**body, field: value})
    assert response.status_code == 400
    assert response.json()["extra"]["errors"][0]["field"] == field


def test_register_cannot_grant_roles(anon: httpx.Client) -> None:
    name = f"r{token(8)}"
    response = anon.post(
        "/api/auth/register",
        json={
            "username": name,
            "email": f"{name}@example.org",
            "password": PASSWORD,
            "is_staff": True,
        },
    )
    assert response.status_code == 400
    assert (
        anon.post("/api/auth/login", json={"username": name, "password": PASSWORD}).status_code
        == 401
    )


# Refresh rotation and revocation ------------------------------------------------------------


def test_a_refresh_token_works_once_and_reuse_revokes_the_family(anon: httpx.Client) -> None:
    _, first = register(anon)
    second = anon.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
    reused = anon.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    assert "already used" in reused.json()["detail"]
    for access in (first["access_token"], second["access_token"]):
        assert anon.get("/api/auth/me", headers=bearer(access)).status_code == 401
    latest = anon.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert latest.status_code == 401


def test_logout_revokes_access_and_refresh(anon: httpx.Client) -> None:
    body, tokens = register(anon)
    other = anon.post(
        "/api/auth/login", json={"username": body["username"], "password": PASSWORD}
    ).json()
    out = anon.post(
        "/api/auth/logout",
        headers=bearer(tokens["access_token"]),
        json={"refresh_token": tokens["refresh_token"]},
    )
    assert out.status_code == 204
    assert anon.get("/api/auth/me", headers=bearer(tokens["access_token"])).status_code == 401
    refresh = anon.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401
    assert anon.get("/api/auth/me", headers=bearer(other["access_token"])).status_code == 200


def test_logout_needs_a_token(anon: httpx.Client) -> None:
    response = anon.post("/api/auth/logout")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_revocation_survives_a_restart(server: LiveServer, tmp_path: Path) -> None:
    with server.client() as anon:
        _, tokens = register(anon)
        assert (
            anon.post("/api/auth/logout", headers=bearer(tokens["access_token"])).status_code == 204
        )
    with (
        serve_app(server.settings, tmp_path / "server.log") as other_url,
        httpx.Client(base_url=other_url) as other,
    ):
        assert other.get("/api/auth/me", headers=bearer(tokens["access_token"])).status_code == 401


def test_refresh_token_is_not_an_access_token_and_vice_versa(anon: httpx.Client) -> None:
    _, tokens = register(anon)
    as_access = anon.get("/api/auth/me", headers=bearer(tokens["refresh_token"]))
    assert as_access.status_code == 401 and "access token" in as_access.json()["detail"]
    as_refresh = anon.post("/api/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert as_refresh.status_code == 401


# Profile -------------------------------------------------------------------------------------


def test_profile_update_cannot_touch_roles(anon: httpx.Client) -> None:
    _, tokens = register(anon)
    headers = bearer(tokens["access_token"])
    ok = anon.patch("/api/auth/me", headers=headers, json={"first_name": "Ada", "bio": "Hi"})
    assert ok.status_code == 200 and ok.json()["first_name"] == "Ada"
    for flag in ("is_staff", "is_superuser", "is_active", "email_verified"):
        sneaky = anon.patch("/api/auth/me", headers=headers, json={flag: True})
        assert sneaky.status_code == 400, flag
    me = anon.get("/api/auth/me", headers=headers).json()
    assert me["is_staff"] is False and me["is_superuser"] is False
    assert me["email_verified"] is False


def test_password_change_signs_out_everywhere(anon: httpx.Client) -> None:
    body, tokens = register(anon)
    headers = bearer(tokens["access_token"])
    wrong = anon.post(
        "/api/auth/password",
        headers=headers,
        json={"current_password": "nope-nope-nope", "new_password": "another good passphrase"},
    )
    assert wrong.status_code == 422
    weak = anon.post(
        "/api/auth/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "12345678"},
    )
    assert weak.status_code == 422 and weak.json()["extra"]["errors"][0]["field"] == "new_password"
    done = anon.post(
        "/api/auth/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "another good passphrase"},
    )
    assert done.status_code == 204
    assert anon.get("/api/auth/me", headers=headers).status_code == 401
    login = anon.post(
        "/api/auth/login",
        json={"username": body["username"], "password": "another good passphrase"},
    )
    assert login.status_code == 200


# API keys ------------------------------------------------------------------------------------


def test_api_keys_are_shown_once_listed_and_revocable(anon: httpx.Client) -> None:
    _, tokens = register(anon)
    headers = bearer(tokens["access_token"])
    made = anon.post("/api/auth/api-keys", headers=headers, json={"name": "release tools"})
    assert made.status_code == 201, made.text
    key = made.json()
    assert key["key"].startswith("pdo_") and key["scopes"] == ["read", "write"]
    listed = anon.get("/api/auth/api-keys", headers=headers).json()
    assert [k["name"] for k in listed] == ["release tools"] and "key" not in listed[0]
    assert listed[0]["last_used"] is None

    me = anon.get("/api/auth/me", headers=bearer(key["key"]))
    assert me.status_code == 200
    used = anon.get("/api/auth/api-keys", headers=headers).json()[0]
    assert used["last_used"] is not None

    assert anon.delete(f"/api/auth/api-keys/{key['id']}", headers=headers).status_code == 204
    assert anon.get("/api/auth/me", headers=bearer(key["key"])).status_code == 401
    assert anon.get("/api/auth/api-keys", headers=headers).json()[0]["revoked"] is True


def test_revoking_all_keys_ends_the_callers_keys_only(anon: httpx.Client) -> None:
    _, owner = register(anon)
    _, other = register(anon)
    owner_keys = [
        anon.post(
            "/api/auth/api-keys", headers=bearer(owner["access_token"]), json={"name": name}
        ).json()["key"]
        for name in ("ci", "release tools")
    ]
    other_key = anon.post(
        "/api/auth/api-keys", headers=bearer(other["access_token"]), json={"name": "theirs"}
    ).json()["key"]

    assert anon.delete("/api/auth/api-keys").status_code == 401
    assert anon.delete("/api/auth/api-keys", headers=bearer(other_key)).status_code == 204
    assert anon.get("/api/auth/me", headers=bearer(other_key)).status_code == 401
    for key in owner_keys:
        assert anon.get("/api/auth/me", headers=bearer(key)).status_code == 200

    read_only = anon.post(
        "/api/auth/api-keys",
        headers=bearer(owner["access_token"]),
        json={"name": "ro", "scopes": ["read"]},
    ).json()["key"]
    assert anon.delete("/api/auth/api-keys", headers=bearer(read_only)).status_code == 403
    done = anon.delete("/api/auth/api-keys", headers=bearer(owner["access_token"]))
    assert done.status_code == 204
    for key in [*owner_keys, read_only]:
        assert anon.get("/api/auth/me", headers=bearer(key)).status_code == 401
    listed = anon.get("/api/auth/api-keys", headers=bearer(owner["access_token"])).json()
    assert [key["revoked"] for key in listed] == [True, True, True]
    assert anon.get("/api/auth/me", headers=bearer(owner["access_token"])).status_code == 200


def test_a_password_change_leaves_api_keys_working(anon: httpx.Client) -> None:
    """As on GitHub and PyPI: keys are for programs, and outlive the password."""
    _, tokens = register(anon)
    headers = bearer(tokens["access_token"])
    key = anon.post("/api/auth/api-keys", headers=headers, json={"name": "ci"}).json()["key"]
    changed = anon.post(
        "/api/auth/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "another good passphrase"},
    )
    assert changed.status_code == 204
    assert anon.get("/api/auth/me", headers=headers).status_code == 401
    assert anon.get("/api/auth/me", headers=bearer(key)).status_code == 200


def test_api_keys_of_others_cannot_be_revoked(anon: httpx.Client) -> None:
    _, owner = register(anon)
    _, other = register(anon)
    key = anon.post(
        "/api/auth/api-keys", headers=bearer(owner["access_token"]), json={"name": "mine"}
    ).json()
    response = anon.delete(f"/api/auth/api-keys/{key['id']}", headers=bearer(other["access_token"]))
    assert response.status_code == 404
    assert anon.get("/api/auth/me", headers=bearer(key["key"])).status_code == 200


def test_expired_and_read_only_keys(anon: httpx.Client, staff: httpx.Client) -> None:
    _, tokens = register(anon)
    headers = bearer(tokens["access_token"])
    past = anon.post(
        "/api/auth/api-keys",
        headers=headers,
        json={"name": "old", "expires": "2001-01-01T00:00:00Z"},
    )
    assert past.status_code == 422
    read_only = anon.post(
        "/api/auth/api-keys", headers=headers, json={"name": "ro", "scopes": ["read"]}
    ).json()
    assert anon.get("/api/auth/me", headers=bearer(read_only["key"])).status_code == 200
    write = anon.post(
        "/api/auth/api-keys", headers=bearer(read_only["key"]), json={"name": "escalate"}
    )
    assert write.status_code == 403 and "write" in write.json()["detail"]


def test_a_key_cannot_make_a_key_that_outlives_it(anon: httpx.Client) -> None:
    """Issue 24: a key expiring in an hour made a key that never expires."""
    _, tokens = register(anon)
    signed_in = bearer(tokens["access_token"])
    ends = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    hour = anon.post(
        "/api/auth/api-keys",
        headers=signed_in,
        json={"name": "an hour", "expires": ends.isoformat()},
    ).json()
    limited = bearer(hour["key"])
    later = (ends + timedelta(seconds=1)).isoformat()
    for body in ({"name": "forever"}, {"name": "later", "expires": later}):
        refused = anon.post("/api/auth/api-keys", headers=limited, json=body)
        assert refused.status_code == 422, refused.text
        (error,) = refused.json()["extra"]["errors"]
        assert error["field"] == "expires"
        assert error["message"] == (
            "must not be later than the expiry of the API key making the request, "
            f"{ends.isoformat().replace('+00:00', 'Z')}"
        )
    names = [key["name"] for key in anon.get("/api/auth/api-keys", headers=signed_in).json()]
    assert names == ["an hour"]
    same = anon.post(
        "/api/auth/api-keys", headers=limited, json={"name": "same", "expires": ends.isoformat()}
    )
    assert same.status_code == 201, same.text
    forever = anon.post("/api/auth/api-keys", headers=signed_in, json={"name": "forever"})
    assert forever.status_code == 201 and forever.json()["expires"] is None
    unlimited = bearer(forever.json()["key"])
    made = anon.post("/api/auth/api-keys", headers=unlimited, json={"name": "ci"})
    assert made.status_code == 201


def test_api_key_endpoints_need_a_sign_in(anon: httpx.Client) -> None:
    assert anon.get("/api/auth/api-keys").status_code == 401
    assert anon.post("/api/auth/api-keys", json={"name": "x"}).status_code == 401
    assert anon.delete("/api/auth/api-keys/1").status_code == 401
    assert anon.get("/api/auth/me").status_code == 401
    assert anon.patch("/api/auth/me", json={"bio": "x"}).status_code == 401
    assert anon.post("/api/auth/password", json={}).status_code == 401


# Users ---------------------------------------------------------------------------------------


def test_user_list_is_staff_only(
    anon: httpx.Client, user: httpx.Client, staff: httpx.Client
) -> None:
    assert anon.get("/api/v1/users/").status_code == 401
    assert user.get("/api/v1/users/").status_code == 403
    listed = staff.get("/api/v1/users/", params={"limit": 1000})
    assert listed.status_code == 200
    assert "staffer" in {u["username"] for u in listed.json()}
    assert all("email" in u for u in listed.json())
    assert int(listed.headers["x-total-count"]) >= 2


def test_profiles_are_public_records_are_private(
    anon: httpx.Client, staff: httpx.Client, user: httpx.Client
) -> None:
    body, tokens = register(anon)
    me = anon.get("/api/auth/me", headers=bearer(tokens["access_token"])).json()
    public = anon.get(f"/api/v1/users/{me['id']}").json()
    assert "email" not in public and public["username"] == body["username"]
    assert "email" not in user.get(f"/api/v1/users/{me['id']}").json()
    own = anon.get(f"/api/v1/users/{me['id']}", headers=bearer(tokens["access_token"])).json()
    assert own["email"] == body["email"]
    assert staff.get(f"/api/v1/users/{me['id']}").json()["email"] == body["email"]
    assert anon.get("/api/v1/users/99999999").status_code == 404


def test_staff_creates_users_but_only_superusers_grant_roles(
    staff: httpx.Client, user: httpx.Client, anon: httpx.Client
) -> None:
    body = UserFactory.body(username=f"c{token(8)}", password=PASSWORD)
    assert anon.post("/api/v1/users/", json=body).status_code == 401
    assert user.post("/api/v1/users/", json=body).status_code == 403
    made = staff.post("/api/v1/users/", json=body)
    assert made.status_code == 201, made.text
    assert made.headers["location"].endswith(f"/api/v1/users/{made.json()['id']}")
    promoted = staff.post(
        "/api/v1/users/",
        json={
            **body,
            "username": body["username"] + "x",
            "email": "x" + body["email"],
            "is_staff": True,
        },
    )
    assert promoted.status_code == 403
    grant = staff.patch(f"/api/v1/users/{made.json()['id']}", json={"is_staff": True})
    assert grant.status_code == 403
    assert staff.get(f"/api/v1/users/{made.json()['id']}").json()["is_staff"] is False


def test_deactivated_users_tokens_and_keys_stop_working(
    anon: httpx.Client, staff: httpx.Client, user: httpx.Client
) -> None:
    body, tokens = register(anon)
    headers = bearer(tokens["access_token"])
    key = anon.post("/api/auth/api-keys", headers=headers, json={"name": "k"}).json()["key"]
    me = anon.get("/api/auth/me", headers=headers).json()
    assert user.patch(f"/api/v1/users/{me['id']}", json={"is_active": False}).status_code == 403
    assert anon.patch(f"/api/v1/users/{me['id']}", json={"is_active": False}).status_code == 401
    off = staff.patch(f"/api/v1/users/{me['id']}", json={"is_active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert anon.get("/api/auth/me", headers=headers).status_code == 401
    assert anon.get("/api/auth/me", headers=bearer(key)).status_code == 401
    refresh = anon.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401
    login = anon.post("/api/auth/login", json={"username": body["username"], "password": PASSWORD})
    assert login.status_code == 401
    assert anon.get(f"/api/v1/users/{me['id']}").status_code == 404
    assert staff.patch(f"/api/v1/users/{me['id']}", json={"is_active": True}).status_code == 200
    assert anon.get("/api/auth/me", headers=bearer(key)).status_code == 200


def test_jwt_can_write_downloads_for_staff_only(
    anon: httpx.Client, client_with_header: Callable[[str], httpx.Client]
) -> None:
    _, tokens = register(anon)
    client = client_with_header(f"Bearer {tokens['access_token']}")
    response = client.post("/api/v1/os/", json={"name": "X", "slug": "jwt-os"})
    assert response.status_code == 403
