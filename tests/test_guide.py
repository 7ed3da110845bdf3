"""The guide's examples, run as written (https://python.org replaced by the test server)."""

from __future__ import annotations

import json
import subprocess

import httpx
import pytest

from tests import guide_examples
from tests.factories import token
from tests.support import LiveServer


def test_get_a_specific_release(server: LiveServer, capsys: pytest.CaptureFixture[str]) -> None:
    guide_examples.print_latest_release(server.base_url)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Latest Python: Python 3.")
    assert lines[1].startswith("Released: 20") and lines[1].endswith("Z")
    assert lines[2].startswith(f"Download: {server.base_url}/api/v1/releases/")


@pytest.mark.parametrize(
    "path", ["/api/v1/releases/latest", "/api/v1/releases?currentPage=2&pageSize=20"]
)
def test_curl_examples(server: LiveServer, anon: httpx.Client, path: str) -> None:
    result = subprocess.run(
        ["curl", "-s", "--write-out", "\n%{http_code}", f"{server.base_url}{path}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    body, _, status = result.stdout.rpartition("\n")
    assert status == "200", result.stdout
    same = anon.get(path)
    assert same.status_code == 200
    answered = json.loads(body)
    assert answered and answered == same.json()


def test_caching_example_reuses_the_cached_copy(server: LiveServer) -> None:
    guide_examples.etag = None
    first = guide_examples.get_releases(server.base_url)
    assert guide_examples.etag and first
    second = guide_examples.get_releases(server.base_url)
    assert second is first


def test_jobs_examples(server: LiveServer, capsys: pytest.CaptureFixture[str]) -> None:
    guide_examples.print_jobs(server.base_url)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and all(" at " in line for line in lines)
    everything = guide_examples.get_all_jobs(server.base_url)
    assert len(everything) >= 196
    assert guide_examples.handle_job_errors(server.base_url) is None
    assert capsys.readouterr().out.strip() == "Job not found"


def test_search_example(server: LiveServer, staff: httpx.Client) -> None:
    path = f"/guide-{token(12)}/"
    body = {"path": path, "title": "An asyncio tutorial", "content": "Start an event loop."}
    page = staff.post("/api/pages/", json=body).json()
    response = guide_examples.search_content(server.base_url)
    assert response.status_code == 200, response.text
    found = response.json()
    assert len(found) <= 20 and {hit["index"] for hit in found} <= {"pages", "blogs"}
    assert {"index": "pages", "id": page["id"]}.items() <= next(
        hit for hit in found if hit["id"] == page["id"] and hit["index"] == "pages"
    ).items()
