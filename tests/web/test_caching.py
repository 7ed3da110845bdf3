"""HTTP caching as the guide promises: strong ETags, 304s, stale tags after writes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pydotorg.web.caching import etag_matches, strong_etag
from tests.support import CACHE_MODES, LiveServer, both_ways


@pytest.fixture(params=CACHE_MODES)
def anon(server: LiveServer, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """Every test here runs with answers built afresh and with answers from the cache."""
    with both_ways(server.client(), request.param) as client:
        yield client


def test_every_public_get_has_strong_etag_and_cache_control(anon: httpx.Client) -> None:
    for path in ("/api/v1/releases", "/api/v1/releases/latest", "/api/v1/os/", "/api/v1/files/1"):
        response = anon.get(path)
        assert response.status_code == 200
        assert response.headers["etag"].startswith('"') and not response.headers["etag"].startswith(
            "W/"
        )
        assert response.headers["etag"] == strong_etag(response.content)
        assert response.headers["cache-control"] == "public, max-age=60"
        assert "Authorization" in response.headers["vary"]


def test_guide_caching_example_gets_304_with_empty_body(anon: httpx.Client) -> None:
    first = anon.get("/api/v1/releases")
    again = anon.get("/api/v1/releases", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    other = anon.get("/api/v1/releases", headers={"If-None-Match": '"not-the-tag"'})
    assert other.status_code == 200 and other.json() == first.json()
    listed = anon.get(
        "/api/v1/releases", headers={"If-None-Match": f'"x", W/{first.headers["etag"]}'}
    )
    assert listed.status_code == 304


def test_a_write_makes_the_tag_stale(anon: httpx.Client, staff: httpx.Client) -> None:
    before = anon.get("/api/v1/os/")
    created = staff.post("/api/v1/os/", json={"name": "Plan 9", "slug": "plan-9-etag"})
    assert created.status_code == 201
    try:
        after = anon.get("/api/v1/os/", headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        assert after.headers["etag"] != before.headers["etag"]
        assert "plan-9-etag" in {os["slug"] for os in after.json()}
    finally:
        staff.delete(created.headers["location"])


def test_responses_to_signed_in_callers_are_private(staff: httpx.Client) -> None:
    response = staff.get("/api/v1/releases/latest")
    assert response.headers["cache-control"] == "private, no-cache"
    assert (
        staff.get(
            "/api/v1/releases/latest", headers={"If-None-Match": response.headers["etag"]}
        ).status_code
        == 304
    )


def test_errors_and_writes_carry_no_etag(anon: httpx.Client, staff: httpx.Client) -> None:
    assert "etag" not in anon.get("/api/v1/releases/99999999").headers
    response = staff.post("/api/v1/os/", json={"name": "Temp", "slug": "temp-etag"})
    assert "etag" not in response.headers
    staff.delete(response.headers["location"])


def test_health_probes_are_not_cached(anon: httpx.Client) -> None:
    assert anon.get("/health").headers["cache-control"] == "no-store"


def test_etag_matching_rules() -> None:
    assert etag_matches("*", '"a"')
    assert etag_matches('"b", "a"', '"a"')
    assert etag_matches('W/"a"', '"a"')
    assert not etag_matches('"b"', '"a"')
