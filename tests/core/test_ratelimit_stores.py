"""Redis counters: one limit across processes, and failing open while Redis is away."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.core.test_ratelimit import away_from_window_edge, fresh_ip
from tests.support import free_port, redis_server, require_redis, run_server, wait_until


@contextmanager
def api_process(var_dir: Path, **env: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pydotorg", "serve", "--port", str(port)],
        env={**os.environ, "PYDOTORG_VAR_DIR": str(var_dir), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{url}/ready", timeout=1).status_code == 200, 60)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_two_server_processes_share_one_limit_through_redis(tmp_path: Path) -> None:
    redis_url = require_redis()
    env = {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": f"pydotorg-test-{uuid.uuid4().hex[:8]}:",
        "RATE_LIMITS": "LOW=10/20/30",
        "TRUSTED_PROXY_HOPS": "1",
    }
    with api_process(tmp_path, **env) as first, api_process(tmp_path, **env) as second:
        away_from_window_edge()
        headers = {"X-Forwarded-For": fresh_ip()}
        statuses = [
            httpx.get(f"{url}/api/v1/releases/latest", headers=headers).status_code
            for url in [first, second] * 15
        ]
    assert statuses.count(200) == 10
    assert statuses.count(429) == 20
    assert statuses[:10] == [200] * 10


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def warnings_log() -> Iterator[Captured]:
    handler = Captured()
    logger = logging.getLogger("pydotorg.ratelimit")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_limits_fail_open_while_redis_is_away_and_resume_after(
    tmp_path: Path, warnings_log: Captured
) -> None:
    port = free_port()
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    options = {
        "rate_limit_enabled": True,
        "rate_limits": "LOW=3/5/7",
        "trusted_proxy_hops": 1,
        "redis_url": f"redis://127.0.0.1:{port}/0",
    }
    with (
        redis_server(port) as redis_process,
        run_server("sqlite", url, tmp_path, **options) as live,
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
        assert status["outages"] == 1 and status["failed_open"] >= 8
        assert sum("unavailable" in m for m in warnings_log.messages) == 1

        with redis_server(port):
            time.sleep(1.1)
            assert statuses(4) == [200, 200, 200, 429]
            assert client.get("/health").json()["rate_limit"]["available"] is True
            assert any("available again" in m for m in warnings_log.messages)
        client.close()
