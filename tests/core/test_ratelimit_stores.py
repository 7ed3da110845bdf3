"""Redis counters: one limit across processes, and failing open while Redis is away."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.core.test_ratelimit import away_from_window_edge, fresh_ip
from tests.factories import token
from tests.support import free_port, redis_server, require_redis, seeded_server, serve_app


def test_two_server_processes_share_one_limit_through_redis(tmp_path: Path) -> None:
    options = {
        "rate_limit_enabled": True,
        "redis_url": require_redis(),
        "redis_key_prefix": f"pydotorg-test-{token(8)}:",
        "rate_limits": "LOW=10/20/30",
        "trusted_proxy_hops": 1,
    }
    with (
        seeded_server("sqlite", tmp_path, **options) as first,
        serve_app(first.settings, tmp_path / "second.log") as second,
    ):
        away_from_window_edge()
        headers = {"X-Forwarded-For": fresh_ip()}
        statuses = [
            httpx.get(f"{base}/api/v1/releases/latest", headers=headers).status_code
            for base in [first.base_url, second] * 15
        ]
    assert statuses.count(200) == 10
    assert statuses.count(429) == 20
    assert statuses[:10] == [200] * 10


def test_limits_fail_open_while_redis_is_away_and_resume_after(tmp_path: Path) -> None:
    port = free_port()
    options = {
        "rate_limit_enabled": True,
        "rate_limits": "LOW=3/5/7",
        "trusted_proxy_hops": 1,
        "redis_url": f"redis://127.0.0.1:{port}/0",
    }
    with (
        redis_server(port) as redis_process,
        seeded_server("sqlite", tmp_path, **options) as live,
    ):
        client = httpx.Client(base_url=live.base_url)

        def statuses(n: int) -> list[int]:
            away_from_window_edge()
            headers = {"X-Forwarded-For": fresh_ip()}
            return [client.get("/api/v1/os/", headers=headers).status_code for _ in range(n)]

        assert statuses(4) == [200, 200, 200, 429]

        redis_process.terminate()
        redis_process.wait(timeout=10)
        during = [
            client.get("/api/v1/os/", headers={"X-Forwarded-For": "10.9.9.9"}) for _ in range(8)
        ]
        assert [r.status_code for r in during] == [200] * 8
        assert all(r.headers["ratelimit-limit"] == "3" for r in during)
        status = client.get("/health").json()["rate_limit"]
        assert status["store"] == "redis" and status["available"] is False
        assert status["outages"] == 1 and status["failed_open"] == 8
        warnings = live.log_messages("pydotorg.ratelimit")
        assert sum("unavailable" in m for m in warnings) == 1, warnings

        with redis_server(port):
            time.sleep(1.1)
            assert statuses(4) == [200, 200, 200, 429]
            assert client.get("/health").json()["rate_limit"]["available"] is True
            warnings = live.log_messages("pydotorg.ratelimit")
            assert any("available again" in m for m in warnings), warnings
        client.close()
