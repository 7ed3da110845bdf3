"""Every error has the guide's body: ``{"detail", "status_code", "extra"}``."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from pydotorg.db.engine import create_engine
from tests.factories import token
from tests.support import LiveServer, read_log


def assert_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"detail", "status_code", "extra"}
    assert body["status_code"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["extra"], dict)
    return body


def test_unknown_route_is_404_with_error_body(anon: httpx.Client) -> None:
    body = assert_error(anon.get("/api/v1/no-such-thing"), 404)
    assert body["extra"] == {}


def test_wrong_method_is_405_with_allow_header(anon: httpx.Client) -> None:
    response = anon.put("/api/v1/releases/latest")
    assert_error(response, 405)
    assert "GET" in response.headers["allow"]


def test_non_integer_id_is_404(anon: httpx.Client) -> None:
    assert_error(anon.get("/api/v1/releases/nonexistent-id"), 404)


def test_malformed_json_is_400(staff: httpx.Client) -> None:
    response = staff.post(
        "/api/v1/os/", content=b'{"name": "x", ', headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400)


def test_wrong_type_in_body_is_400_naming_the_field(staff: httpx.Client) -> None:
    body = assert_error(staff.post("/api/v1/os/", json={"name": 5, "slug": "five"}), 400)
    assert body["extra"]["errors"][0]["field"] == "name"


def test_unknown_body_field_is_refused(staff: httpx.Client) -> None:
    response = staff.post("/api/v1/os/", json={"name": "X", "slug": "x-os", "is_admin": True})
    body = assert_error(response, 400)
    assert "is_admin" in body["detail"] + str(body["extra"])
    assert staff.get("/api/v1/os/slug/x-os").status_code == 404


def test_bad_query_parameter_is_400_naming_it(anon: httpx.Client) -> None:
    body = assert_error(anon.get("/api/v1/os/", params={"limit": "many"}), 400)
    assert body["extra"]["errors"] == [
        {"field": "limit", "message": "Expected `int`, got `str`", "source": "query"}
    ]


@pytest.mark.parametrize(
    "value",
    ["nul\x00byte", "bell\x07", "a" * 201],
    ids=["nul", "control", "too-long"],
)
def test_odd_text_is_refused_and_nothing_is_stored(staff: httpx.Client, value: str) -> None:
    assert_error(staff.post("/api/v1/os/", json={"name": value, "slug": "odd-text"}), 400)
    assert staff.get("/api/v1/os/slug/odd-text").status_code == 404


def test_unicode_text_is_kept_exactly(staff: httpx.Client) -> None:
    name = "Système d’exploitation 🐍 ＯＳ"  # noqa: RUF001
    created = staff.post("/api/v1/os/", json={"name": name, "slug": "unicode-os"})
    assert created.status_code == 201, created.text
    assert staff.get(created.headers["location"]).json()["name"] == name
    assert staff.delete(created.headers["location"]).status_code == 204


def test_huge_body_is_413(staff: httpx.Client, server: LiveServer) -> None:
    big = "x" * (server.settings.max_body_bytes + 10)
    response = staff.post("/api/v1/os/", json={"name": big, "slug": "big"})
    assert_error(response, 413)


def test_injection_attempt_is_plain_data(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/releases/slug/x' OR '1'='1")
    assert_error(response, 404)
    assert anon.get("/api/v1/releases/latest").status_code == 200


def test_request_id_is_echoed_or_generated(anon: httpx.Client) -> None:
    given = anon.get("/health", headers={"X-Request-ID": "my-request-0001"})
    assert given.headers["x-request-id"] == "my-request-0001"
    for unsafe in ("bad id <script>", "x" * 65, "short"):
        generated = anon.get("/health", headers={"X-Request-ID": unsafe}).headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", generated), (unsafe, generated)


# A database error that reaches the log names the statement, never the values it was given:
# a trigger makes the database fail on a registration and quote the password hash it refuses
# (PostgreSQL's DETAIL and CONTEXT quote what did not parse as JSON).
REFUSE_BOOM = {
    "sqlite": [
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON users WHEN NEW.username LIKE 'boom%' "
        "BEGIN SELECT json(NEW.password_hash); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN PERFORM NEW.password_hash::json; RETURN NEW; END $$",
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON users FOR EACH ROW "
        "WHEN (NEW.username LIKE 'boom%') EXECUTE FUNCTION refuse_boom()",
    ],
}
ALLOW_BOOM = {
    "sqlite": ["DROP TRIGGER refuse_boom"],
    "postgresql": ["DROP TRIGGER refuse_boom ON users", "DROP FUNCTION refuse_boom()"],
}


def run_ddl(server: LiveServer, statements: list[str]) -> None:
    async def run() -> None:
        engine = create_engine(server.database_url, pool=False)
        try:
            async with engine.begin() as connection:
                for statement in statements:
                    await connection.exec_driver_sql(statement)
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_database_errors_are_logged_without_the_values(
    anon: httpx.Client, server: LiveServer
) -> None:
    name = f"boom{token(8)}"
    email = f"{name}@example.org"
    start = server.log_path.stat().st_size
    run_ddl(server, REFUSE_BOOM[server.engine])
    try:
        response = anon.post(
            "/api/auth/register",
            json={"username": name, "email": email, "password": "a perfectly fine passphrase"},
        )
    finally:
        run_ddl(server, ALLOW_BOOM[server.engine])
    body = assert_error(response, 500)
    logged = read_log(server.log_path, start)
    assert body["extra"]["request_id"] in logged and "INSERT INTO users" in logged
    for value in ("$argon2", name, email, "passphrase"):
        assert value not in logged, value


def test_concurrent_deletes_of_one_row_are_never_a_500(
    server: LiveServer, staff: httpx.Client
) -> None:
    """Two requests deleting one job posting (and its job types' links) at once: the one that
    finds the links gone is a 409, not a 500 (SQLAlchemy's ``StaleDataError``). On PostgreSQL
    two of them may both see the row and answer 204."""
    for _ in range(5):
        job = staff.post(
            "/api/v1/jobs/",
            json={
                "job_title": "Python Developer",
                "company_name": "Race Conditions Inc",
                "description": "Delete me twice.",
                "contact_email": "jobs@race.example",
                "job_type_ids": [1, 2, 3],
            },
        ).json()

        def remove(_: int, uri: str = job["resource_uri"]) -> int:
            with server.client("staff") as client:
                response = client.delete(uri)
                # SQLite busy past its timeout is the database's 503 with Retry-After.
                assert response.status_code != 503 or response.headers["retry-after"] == "5"
                return response.status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(remove, range(8)))
        assert 204 in statuses and set(statuses) <= {204, 404, 409, 503}, statuses
