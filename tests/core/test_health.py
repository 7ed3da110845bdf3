"""Liveness and readiness probes."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support import make_settings, serve_app


def test_health_and_ready(anon: httpx.Client) -> None:
    health = anon.get("/health").json()
    assert health["status"] == "ok"
    assert health["rate_limit"] == {"store": "memory", "available": True}
    assert health["response_cache"]["enabled"] is True
    assert anon.get("/ready").json() == {"status": "ready"}


def test_ready_is_503_with_error_body_when_the_database_is_down(tmp_path: Path) -> None:
    """Granian's own command on the app factory: ``pydotorg serve`` would stop at migrating."""
    settings = make_settings("postgresql+asyncpg://nobody@127.0.0.1:1/none", tmp_path)
    with (
        serve_app(settings, tmp_path / "server.log", prepare_database=False) as base_url,
        httpx.Client(base_url=base_url) as client,
    ):
        assert client.get("/health").status_code == 200
        response = client.get("/ready")
        assert response.status_code == 503
        body = response.json()
        assert body["status_code"] == 503 and body["detail"] == "Database unavailable."
        assert set(body) == {"detail", "status_code", "extra"}
        failed = client.get("/api/v1/releases/latest")
        assert failed.status_code == 500
        assert set(failed.json()["extra"]) == {"request_id"}
        assert "asyncpg" not in failed.text and "Traceback" not in failed.text
