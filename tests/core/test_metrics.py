"""``GET /metrics``: what it counts, scraped from a real server, and who may scrape it.

The metered server has rate limits lowered (``RATE_LIMITS``) and trusts one proxy hop, so each
test speaks from a made-up client address of its own (``X-Forwarded-For``) while the scrapes
come from the loopback address the server is reached on, the only one ``METRICS_ALLOW``
allows by default.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.core.test_ratelimit import away_from_window_edge, fresh_ip
from tests.support import (
    LiveServer,
    free_port,
    make_settings,
    seeded_server,
    seeded_sqlite,
    settings_env,
    wait_until,
)

LIMITS = "LOW=4/6/8;CRITICAL=2/3/4;HIGH=3/4/5;MEDIUM=4/5/6"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def metered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with seeded_server(
        request.param,
        tmp_path_factory.mktemp(f"metered-{request.param}"),
        metrics_enabled=True,
        rate_limit_enabled=True,
        rate_limits=LIMITS,
        trusted_proxy_hops=1,
    ) as live:
        yield live


def scrape(base_url: str) -> Samples:
    response = httpx.get(f"{base_url}/metrics", timeout=30)
    assert response.status_code == 200, response.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of ``name`` over every series whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def caller(live: LiveServer, **headers: str) -> httpx.Client:
    away_from_window_edge()
    return httpx.Client(
        base_url=live.base_url, headers={"X-Forwarded-For": fresh_ip(), **headers}, timeout=30
    )


def test_a_request_is_counted_under_its_route_template(metered: LiveServer) -> None:
    route = "/api/v1/files/{file_id}"
    labels = {"route": route, "method": "GET"}
    before = scrape(metered.base_url)
    with caller(metered, **{"Cache-Control": "no-cache"}) as client:
        assert client.get("/api/v1/files/1").status_code == 200
        assert client.get("/api/v1/files/2").status_code == 200
        assert client.get("/api/v1/no-such-thing").status_code == 404
    after = scrape(metered.base_url)
    requests = "pydotorg_http_requests_total"
    assert value(after, requests, **labels, status="200") == (
        value(before, requests, **labels, status="200") + 2
    )
    latency = "pydotorg_http_request_duration_seconds_count"
    assert value(after, latency, **labels) == value(before, latency, **labels) + 2
    unmatched = {"route": "<unmatched>", "method": "GET", "status": "404"}
    assert value(after, requests, **unmatched) == value(before, requests, **unmatched) + 1
    assert total(after, requests, route="/api/v1/files/1") == 0  # never the raw path
    assert total(after, "pydotorg_db_connection_wait_seconds_count") > 0


def test_a_response_cache_hit_is_counted(metered: LiveServer) -> None:
    route = {"route": "/api/v1/os", "method": "GET", "status": "200"}
    front = {"layer": "front", "result": "hit"}
    hits = "pydotorg_response_cache_lookups_total"
    with caller(metered) as client:

        def answered_from_the_cache() -> bool:
            before = scrape(metered.base_url)
            assert client.get("/api/v1/os/").status_code == 200
            after = scrape(metered.base_url)
            counted = value(after, "pydotorg_http_requests_total", **route)
            assert counted == value(before, "pydotorg_http_requests_total", **route) + 1
            return value(after, hits, **front) == value(before, hits, **front) + 1

        wait_until(answered_from_the_cache)  # once the cache is on and the answer stored
    assert total(scrape(metered.base_url), hits, layer="routed") > 0


def test_a_429_is_counted_by_tier(metered: LiveServer) -> None:
    refused = "pydotorg_rate_limited_total"
    before = scrape(metered.base_url)
    with caller(metered, **{"Cache-Control": "no-cache"}) as client:
        statuses = [client.get("/api/v1/releases").status_code for _ in range(6)]
    assert statuses.count(429) == 2
    after = scrape(metered.base_url)
    assert value(after, refused, tier="LOW") == value(before, refused, tier="LOW") + 2
    assert value(after, refused, tier="CRITICAL") == value(before, refused, tier="CRITICAL")
    labels = {"route": "/api/v1/releases", "method": "GET", "status": "429"}
    assert value(after, "pydotorg_http_requests_total", **labels) >= 2


def test_scrapes_are_never_limited_cached_or_documented(metered: LiveServer) -> None:
    for _ in range(8):  # twice the LOW tier's anonymous limit
        response = httpx.get(f"{metered.base_url}/metrics")
        assert response.status_code == 200
        assert "ratelimit-remaining" not in response.headers
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert httpx.head(f"{metered.base_url}/metrics").content == b""
    document = httpx.get(f"{metered.base_url}/api/openapi.json").json()
    assert not [path for path in document["paths"] if "metrics" in path]


def test_a_scrape_from_elsewhere_is_an_unknown_path(metered: LiveServer) -> None:
    with caller(metered) as client:
        refused = client.get("/metrics")
        unknown = client.get("/no-metrics-here")
    assert refused.status_code == unknown.status_code == 404
    assert refused.json() == unknown.json()
    assert "pydotorg_" not in refused.text


def test_searches_renders_and_exports_are_timed(metered: LiveServer) -> None:
    before = scrape(metered.base_url)
    with metered.client("staff") as staff:
        page = {"path": f"/m-{uuid.uuid4().hex[:8]}/", "title": "Metrics", "content": "*hi*"}
        assert staff.post("/api/pages/", json=page).status_code == 201
        assert staff.post("/api/v1/search/", json={"query": "python"}).status_code == 200
        assert staff.get("/api/v1/search/autocomplete", params={"q": "py"}).status_code == 200
        assert staff.get("/api/v1/events/ical").status_code == 200
    after = scrape(metered.base_url)
    for name, labels in [
        ("pydotorg_render_duration_seconds_count", {}),
        ("pydotorg_search_duration_seconds_count", {"operation": "search"}),
        ("pydotorg_search_duration_seconds_count", {"operation": "autocomplete"}),
        ("pydotorg_ical_export_duration_seconds_count", {"export": "events"}),
    ]:
        assert value(after, name, **labels) == value(before, name, **labels) + 1, name


def test_metrics_are_off_by_default(server: LiveServer) -> None:
    assert not server.settings.metrics_enabled
    response = httpx.get(f"{server.base_url}/metrics")
    assert response.status_code == 404
    assert "pydotorg_" not in response.text


def test_reading_the_settings_does_not_import_prometheus_client() -> None:
    """``pydotorg serve`` reads the settings, then sets ``PROMETHEUS_MULTIPROC_DIR``: any
    import of prometheus_client before that would leave every worker counting on its own."""
    check = (
        "import sys; from pydotorg.settings import Settings; "
        "Settings.from_env({'PYDOTORG_VAR_DIR': sys.argv[1], 'RATE_LIMITS': 'LOW=1/2/3'}); "
        "import pydotorg.cli; assert 'prometheus_client' not in sys.modules"
    )
    with tempfile.TemporaryDirectory() as var_dir:
        subprocess.run([sys.executable, "-c", check, var_dir], check=True)


def test_several_workers_add_up_in_one_scrape(tmp_path: Path) -> None:
    """``pydotorg serve --workers 2`` makes a multiprocess directory of its own (in the
    temporary directory) and removes it when it stops."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    settings = make_settings(
        seeded_sqlite(tmp_path / "test.sqlite3"), tmp_path, metrics_enabled=True
    )
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, **settings_env(settings), "TMPDIR": str(temporary)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "pydotorg", "serve", "--port", str(port), "--workers", "2"]
    with (tmp_path / "server.log").open("wb") as log:
        process = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until(lambda: httpx.get(f"{base_url}/health", timeout=1).status_code == 200, 60)
        labels = {"route": "/api/v1/os/{os_id}", "method": "GET", "status": "200"}
        before = value(scrape(base_url), "pydotorg_http_requests_total", **labels)
        for _ in range(20):  # a new connection each: the kernel shares them between workers
            assert httpx.get(f"{base_url}/api/v1/os/1").status_code == 200
        assert value(scrape(base_url), "pydotorg_http_requests_total", **labels) == before + 20
        [directory] = temporary.glob("pydotorg-metrics-*")
        assert len({path.stem.rpartition("_")[2] for path in directory.glob("*.db")}) >= 2
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert not list(temporary.glob("pydotorg-metrics-*")), (tmp_path / "server.log").read_text()
