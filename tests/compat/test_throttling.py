"""python.org's throttled answer on its v2 paths: Django REST framework's 429 body and
``Retry-After``, counted per caller as every endpoint is (low ``RATE_LIMITS`` here)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.core.test_ratelimit import away_from_window_edge, fresh_ip
from tests.support import LiveServer, seeded_server

LIMITS = "LOW=2/3/4;CRITICAL=2/3/4;HIGH=2/3/4;MEDIUM=2/3/4"
THROTTLED = re.compile(r"^Request was throttled\. Expected available in (\d+) seconds?\.$")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def limited(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    var_dir = tmp_path_factory.mktemp(f"var-throttled-{request.param}")
    options = {"rate_limit_enabled": True, "rate_limits": LIMITS, "trusted_proxy_hops": 1}
    with seeded_server(request.param, var_dir, **options) as live:
        yield live


def caller(server: LiveServer, authorization: str | None = None) -> httpx.Client:
    away_from_window_edge()
    headers = {"X-Forwarded-For": fresh_ip()}
    if authorization:
        headers["Authorization"] = authorization
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=30)


def assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429
    body = response.json()
    assert list(body) == ["detail"]
    match = THROTTLED.match(body["detail"])
    assert match, body
    assert response.headers["retry-after"] == match.group(1)
    assert 1 <= int(match.group(1)) <= 60


def test_staff_token_on_logo_placements(limited: LiveServer) -> None:
    with caller(limited, f"Token {limited.credentials['staff']}") as staff:
        answers = [staff.get("/api/v2/sponsors/logo-placement/") for _ in range(5)]
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 429]
    assert_throttled(answers[-1])


def test_anonymous_callers_on_the_root_and_assets(limited: LiveServer) -> None:
    with caller(limited) as anon:
        root = [anon.get("/api/v2/") for _ in range(3)]
    assert [r.status_code for r in root] == [200, 200, 429]
    assert_throttled(root[-1])
    with caller(limited) as anon:  # refused for want of a credential, then throttled
        assets = [
            anon.get("/api/v2/sponsors/sponsorship-assets/?internal_name=x") for _ in range(3)
        ]
    assert [r.status_code for r in assets] == [401, 401, 429]
    assert_throttled(assets[-1])
