"""The edge: every answer of the service follows the README's conventions, routed or not.

Unknown paths and wrong methods are answered by Litestar's router before any route middleware;
these tests show they still carry the request id, the security headers and the error body (and
``test_ratelimit`` that they are counted), that ``HEAD`` works wherever ``GET`` does, and that
no 404 names a file on disk.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support import CACHE_MODES, LiveServer, both_ways


@pytest.fixture(params=CACHE_MODES)
def anon(server: LiveServer, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """Every test here runs with answers built afresh and with answers from the cache."""
    with both_ways(server.client(), request.param) as client:
        yield client


UNROUTED = [
    ("GET", "/no-such-thing"),
    ("GET", "/api/no-such-page"),  # Litestar's docs router answered this with an HTML page
    ("POST", "/api/no-such-page"),
    ("GET", "/api/v1/no/such/thing"),
    ("PATCH", "/health"),  # a 405
    ("DELETE", "/api/v1/releases"),  # a 405
]


@pytest.mark.parametrize(("method", "path"), UNROUTED)
def test_unrouted_answers_follow_the_conventions(
    anon: httpx.Client, method: str, path: str
) -> None:
    response = anon.request(method, path, headers={"X-Request-ID": "edge-test-0001"})
    expected = 405 if path in {"/health", "/api/v1/releases"} else 404
    assert response.status_code == expected
    assert response.headers["content-type"] == "application/json"
    assert response.json()["status_code"] == expected
    assert response.headers["x-request-id"] == "edge-test-0001"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_every_routed_answer_says_nosniff(anon: httpx.Client) -> None:
    for path in ("/api/v1/releases/latest", "/health", "/api/", "/api/static/docs/favicon.svg"):
        assert anon.get(path).headers["x-content-type-options"] == "nosniff", path


@pytest.mark.parametrize(
    "path", ["/api/v1/releases", "/api/v1/releases/latest", "/jobs/feed/rss", "/api/"]
)
def test_head_answers_as_get_without_the_body(anon: httpx.Client, path: str) -> None:
    got = anon.get(path)
    head = anon.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("etag") == got.headers.get("etag")
    assert head.headers.get("x-total-count") == got.headers.get("x-total-count")


def test_head_of_a_missing_resource_is_a_404_without_the_body(anon: httpx.Client) -> None:
    response = anon.head("/api/v1/releases/999999")
    assert response.status_code == 404
    assert response.content == b""
    assert int(response.headers["content-length"]) > 0


def test_head_where_there_is_no_get_is_405(anon: httpx.Client) -> None:
    response = anon.head("/api/auth/login")
    assert response.status_code == 405
    assert response.headers["allow"] == "OPTIONS, POST"


def test_a_conditional_head_is_304(anon: httpx.Client) -> None:
    etag = anon.get("/api/v1/os/").headers["etag"]
    assert anon.head("/api/v1/os/", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/api/static/docs",
        "/api/static/docs/",
        "/api/static/docs/scalar",
        "/api/static/no-such-file.js",
        "/api/static/../../etc/passwd",
    ],
)
def test_a_missing_asset_names_no_file_on_the_server(anon: httpx.Client, path: str) -> None:
    response = anon.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found", "status_code": 404, "extra": {}}


@pytest.mark.parametrize("path", ["/api/static/x%00", "/api/v1/os/%00", "/api/v1/releases%1B"])
def test_a_path_with_a_control_character_is_404(server: LiveServer, path: str) -> None:
    # httpx would re-encode the path; send it as written
    with httpx.Client(base_url=server.base_url, timeout=30) as raw:
        request = raw.build_request("GET", "/")
        request.url = request.url.copy_with(raw_path=path.encode())
        response = raw.send(request)
    assert response.status_code == 404
    assert response.json()["detail"] == "Not Found"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_an_answer_before_the_body_is_read_closes_the_connection(server: LiveServer) -> None:
    """A 405 answers before reading the body: the connection is closed, and said to be, so a
    client's next request goes on a new one rather than meeting a connection already gone."""
    with server.client() as client:
        refused = client.put("/api/v1/releases", json={"name": "x" * 5000})
        assert refused.status_code == 405
        assert refused.headers["connection"] == "close"
        after = client.get("/api/v1/os")
        assert after.status_code == 200
        assert "close" not in after.headers.get("connection", "")
