"""Cross-origin requests: no CORS header unless ``CORS_ORIGINS`` allows the origin."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support import CACHE_MODES, LiveServer, both_ways, same_database

ALLOWED = "https://app.example.org"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


@pytest.fixture(scope="module")
def cors_server(sqlite_server: LiveServer) -> Iterator[LiveServer]:
    with same_database(sqlite_server, cors_origins=(ALLOWED, "http://localhost:3000")) as live:
        yield live


@pytest.fixture(params=CACHE_MODES)
def mode(request: pytest.FixtureRequest) -> str:
    """Every test here runs with answers built afresh and with answers from the cache."""
    return str(request.param)


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


def test_cors_is_off_by_default(sqlite_server: LiveServer, mode: str) -> None:
    with both_ways(sqlite_server.client(), mode) as anon:
        read = anon.get("/api/v1/os/", headers={"Origin": ALLOWED})
        preflight = anon.options("/api/v1/os/", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert read.status_code == 200 and cors_headers(read) == {}
    # answered as any OPTIONS: the methods, and nothing that lets the browser go on
    assert preflight.status_code == 204 and cors_headers(preflight) == {}
    assert preflight.headers["allow"] == "GET, HEAD, OPTIONS, POST"


def test_an_allowed_origin_may_read_the_answer_and_its_headers(
    cors_server: LiveServer, mode: str
) -> None:
    with both_ways(cors_server.client(), mode) as anon:
        response = anon.get("/api/v1/os/", headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    exposed = {
        h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {
        "x-total-count",
        "link",
        "ratelimit-remaining",
        "retry-after",
        "x-request-id",
    } <= exposed
    assert "access-control-allow-credentials" not in response.headers
    # the answer depends on the origin and the credentials: both stay in Vary
    vary = {v.strip() for v in response.headers["vary"].split(",")}
    assert vary == {"Authorization", "Origin"}


def test_another_origin_gets_no_cors_headers(cors_server: LiveServer, mode: str) -> None:
    with both_ways(cors_server.client(), mode) as anon:
        read = anon.get("/api/v1/os/", headers={"Origin": "https://evil.example"})
        preflight = anon.options(
            "/api/v1/os/", headers={"Origin": "https://evil.example", **PREFLIGHT}
        )
        plain = anon.get("/api/v1/os/")
    assert read.status_code == 200 and cors_headers(read) == {}
    assert preflight.status_code == 204 and cors_headers(preflight) == {}
    assert "Origin" in plain.headers["vary"]  # a shared cache must not reuse it for ALLOWED


def test_a_preflight_from_an_allowed_origin_is_answered(cors_server: LiveServer, mode: str) -> None:
    with both_ways(cors_server.client(), mode) as anon:
        response = anon.options("/api/v1/os/", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers and "content-type" in allowed_headers
    assert int(response.headers["access-control-max-age"]) > 0
    assert response.headers["x-request-id"]


def test_cors_changes_no_guard(cors_server: LiveServer, mode: str) -> None:
    with both_ways(cors_server.client(), mode) as anon:
        response = anon.post(
            "/api/v1/os/", json={"name": "X", "slug": "x"}, headers={"Origin": ALLOWED}
        )
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == ALLOWED  # the page may read why


def test_a_star_allows_every_origin_without_varying(sqlite_server: LiveServer, mode: str) -> None:
    with (
        same_database(sqlite_server, cors_origins=("*",)) as live,
        both_ways(live.client(), mode) as anon,
    ):
        response = anon.get("/api/v1/os/", headers={"Origin": "https://any.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["vary"] == "Authorization"
