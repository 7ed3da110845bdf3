"""``pydotorg sync``, run as an operator runs it, against a stand-in python.org served from a
thread of the test, on a seeded database on SQLite and on PostgreSQL; what it wrote is read back
over HTTP from the real app on the same database."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pydotorg.compat.upstream import MAX_RETRIES
from pydotorg.data import load
from pydotorg.db.engine import create_engine
from tests.conftest import ENGINES
from tests.support import LiveServer, free_port, seeded_server, settings_env

V2 = "/api/v2/downloads"
ORIGIN = "https://www.python.org"
Answer = tuple[int, dict[str, str], bytes]


def link(kind: str, key: int) -> str:
    return f"{ORIGIN}{V2}/{kind}/{key}/"


def os_record(key: int, name: str, slug: str) -> dict[str, Any]:
    return {"name": name, "slug": slug, "resource_uri": link("os", key)}


def release_record(key: int, name: str, slug: str, version: int = 3) -> dict[str, Any]:
    return {
        "name": name,
        "slug": slug,
        "version": version,
        "is_published": True,
        "is_latest": False,
        "release_date": "2031-10-01T00:00:00Z",
        "pre_release": False,
        "release_page": None,
        "release_notes_url": "",
        "show_on_download_page": True,
        "resource_uri": link("release", key),
    }


def file_record(
    key: int, name: str, os: int, release: int, url: str, **more: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "slug": f"{release}-{name.replace(' ', '-')}",
        "os": link("os", os),
        "release": link("release", release),
        "description": "",
        "is_source": False,
        "url": url,
        "gpg_signature_file": "",
        "md5_sum": "",
        "filesize": 100,
        "download_button": False,
        "resource_uri": link("release_file", key),
        "sigstore_signature_file": "",
        "sigstore_cert_file": "",
        "sigstore_bundle_file": "",
        "sbom_spdx2_file": "",
        "sha256_sum": "",
        **more,
    }


# ids on purpose not the shipped data's (which are python.org's own): source is OS 3 here and
# 30 there, release 1 is Python 3.13.0 there and another release here.
SHIPPED = {record["id"]: record["name"] for record in load("releases")}
MANAGER = sorted(SHIPPED)[1]  # a shipped id the skipped install manager must leave alone
SHIPPED_URL = "https://www.python.org/ftp/python/3.13.0/python-3.13.0-embed-amd64.zip"
NEW_URL = "https://www.python.org/ftp/python/3.99.0/Python-3.99.0.tar.xz"
OSES = [os_record(1, "Windows", "windows"), os_record(30, "Source release", "source")]
RELEASES = [
    release_record(1, "Python 3.13.0", "python-3130"),
    release_record(5000, "Python 3.99.0", "python-3990"),
    release_record(MANAGER, "Python install manager 25.0", "pymanager-250", version=100),
]
FILES = [
    file_record(2, "Windows embeddable package (64-bit)", 1, 1, SHIPPED_URL, description="synced"),
    file_record(9000, "XZ source tarball", 30, 5000, NEW_URL, download_button=True),
    file_record(
        11, "Install manager", 1, MANAGER, "https://www.python.org/ftp/python/pymanager/m.msi"
    ),
]


def body(records: Any) -> Answer:
    return 200, {"Content-Type": "application/json"}, json.dumps(records).encode()


class StandIn:
    """A python.org that answers each path with its queue of answers (the last one repeats)."""

    def __init__(self) -> None:
        self.answers: dict[str, list[Answer]] = {}
        self.hits: dict[str, int] = {}
        self.reset()

    def reset(self, **overrides: list[Answer]) -> None:
        self.answers = {
            f"{V2}/os/": [body(OSES)],
            f"{V2}/release/": [body(RELEASES)],
            f"{V2}/release_file/": [body(FILES)],
        }
        self.answers.update({f"{V2}/{kind}/": queue for kind, queue in overrides.items()})
        self.hits = {}

    def answer(self, path: str) -> Answer:
        self.hits[path] = self.hits.get(path, 0) + 1
        queue = self.answers.get(path, [(404, {}, b"[]")])
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture(scope="module")
def stand_in() -> Iterator[tuple[StandIn, str]]:
    site = StandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, payload = site.answer(self.path)
            self.send_response(status)
            headers = {"Content-Length": str(len(payload)), **headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield site, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


@pytest.fixture(scope="module", params=ENGINES)
def mirror(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A seeded database of its own, served (the sync writes to it)."""
    with seeded_server(request.param, tmp_path_factory.mktemp(f"sync-{request.param}")) as live:
        yield live


def sync(live: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pydotorg", "sync", *args],
        cwd=live.settings.var_dir,
        env={**os.environ, **settings_env(live.settings)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def snapshot(live: LiveServer) -> dict[str, Any]:
    """Every downloads row and the data version, to compare before and after."""

    async def read() -> dict[str, Any]:
        engine = create_engine(live.database_url, pool=False)
        try:
            async with engine.connect() as conn:
                state: dict[str, Any] = {}
                for table in ("download_os", "download_release", "download_release_file"):
                    rows = await conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))  # noqa: S608
                    state[table] = [tuple(row) for row in rows]
                versions = await conn.execute(
                    text(
                        "SELECT key, value FROM service_meta "
                        "WHERE key LIKE 'data_version:%' ORDER BY key"
                    )
                )
                state["versions"] = versions.all()
                state["documents"] = (
                    await conn.execute(
                        text(
                            "SELECT object_id, title FROM search_documents "
                            "WHERE kind = 'release' ORDER BY object_id"
                        )
                    )
                ).all()
                return state
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_sync_keeps_the_sources_ids_and_a_second_run_changes_nothing(
    mirror: LiveServer, stand_in: tuple[StandIn, str]
) -> None:
    site, base_url = stand_in
    site.reset()
    before = snapshot(mirror)
    anon = mirror.client()
    assert anon.get("/api/v1/releases/1").json()["name"] == SHIPPED[1] != "Python 3.13.0"

    dry = sync(mirror, "--from", base_url, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "releases: 1 added, 1 updated, 0 unchanged, 1 skipped" in dry.stdout
    assert "release files: 1 added, 1 updated, 0 unchanged, 1 skipped" in dry.stdout
    assert f"Python install manager 25.0 (id {MANAGER}): not a CPython release name" in dry.stdout
    assert dry.stdout.rstrip().endswith("dry run: nothing was written")
    assert snapshot(mirror) == before

    done = sync(mirror, "--from", base_url)
    assert done.returncode == 0, done.stderr
    assert "OSes: 0 added, 1 updated, 1 unchanged" in done.stdout
    assert "Python 3.13.0 (id " in done.stdout and " -> 1: " in done.stdout

    # The server's response cache follows another process's write within a poll (0.25 s).
    deadline = time.monotonic() + 5
    while (release := anon.get("/api/v1/releases/1").json())["name"] != "Python 3.13.0":
        assert time.monotonic() < deadline, release
        time.sleep(0.05)
    assert (release["name"], release["slug"]) == ("Python 3.13.0", "python-3130")
    new = anon.get("/api/v1/releases/5000").json()
    assert (new["name"], new["python_version"], new["version"]) == ("Python 3.99.0", "3.99.0", 3)
    assert new["is_latest"] is True
    assert anon.get("/api/v1/os/30").json()["slug"] == "source"
    assert anon.get("/api/v1/os/3").status_code == 404
    added = anon.get("/api/v1/files/9000").json()
    assert (added["release"], added["os"], added["platform"]) == (5000, 30, "source")
    kept = anon.get("/api/v1/files/2").json()
    assert (kept["url"], kept["description"], kept["release"]) == (SHIPPED_URL, "synced", 1)
    assert anon.get(f"/api/v1/releases/{MANAGER}").json()["name"] == SHIPPED[MANAGER]
    moved = [row for row in snapshot(mirror)["download_release"] if row[1] == SHIPPED[1]]
    assert len(moved) == 1 and moved[0][0] > 5000
    hits = anon.post("/api/v1/search/", json={"query": "3.99.0"}).json()
    assert [(hit["index"], hit["id"]) for hit in hits] == [("releases", 5000)]

    after = snapshot(mirror)
    again = sync(mirror, "--from", base_url)
    assert again.returncode == 0, again.stderr
    assert "releases: 0 added, 0 updated, 2 unchanged, 1 skipped" in again.stdout
    assert again.stdout.rstrip().endswith(
        "nothing changed: the database already matches the source"
    )
    assert snapshot(mirror) == after

    site.reset(os=[(429, {"Retry-After": "1"}, b"slow down"), body(OSES)])
    started = time.monotonic()
    waited = sync(mirror, "--from", base_url)
    assert waited.returncode == 0, waited.stderr
    assert site.hits[f"{V2}/os/"] == 2
    assert time.monotonic() - started >= 1
    assert snapshot(mirror) == after


def bad_types() -> list[Answer]:
    return [body([{**RELEASES[0], "version": "3"}])]


FAILURES: dict[str, tuple[dict[str, list[Answer]], str]] = {
    "server error": ({"release": [(500, {}, b"oops")]}, "answered 500 Internal Server Error"),
    "not found": ({"os": [(404, {}, b"")]}, "answered 404 Not Found"),
    "malformed JSON": ({"release_file": [(200, {}, b'[{"name": ')]}, "malformed answer"),
    "wrong types": ({"release": bad_types()}, "Expected `int`, got `str` - at `$[0].version`"),
    "missing field": (
        {"release": [body([{k: v for k, v in RELEASES[0].items() if k != "slug"}])]},
        "missing required field `slug`",
    ),
    "not a list": ({"os": [body({"results": []})]}, "Expected `array`, got `object`"),
    "a date UTC cannot hold": (
        {"release": [body([{**RELEASES[0], "release_date": "9999-12-31T23:59:59-05:00"}])]},
        "[0].release_date must be an instant from 0001-01-01T00:00:00Z",
    ),
    "dangling OS": (
        {"release_file": [body([file_record(5, "x", 99, 1, NEW_URL)])]},
        f"its OS {link('os', 99)} is not in the list",
    ),
    "bad link": (
        {"release_file": [body([{**FILES[0], "release": link("os", 1)}])]},
        "is not a link to a release",
    ),
    "bad field": (
        {"release_file": [body([{**FILES[0], "md5_sum": "not hex"}])]},
        "release file 2: Expected `str` matching regex",
    ),
    "too large": (
        {"release_file": [(200, {"Content-Length": str(64 * 2**20)}, b"")]},
        "more than 33554432",
    ),
    "429 forever": (
        {"os": [(429, {"Retry-After": "0"}, b"")]},
        f"still answered 429 (too many requests) after {MAX_RETRIES} retries",
    ),
    "429 for too long": (
        {"os": [(429, {"Retry-After": "3600"}, b"")]},
        "answered 429 and asks to wait 3600 s, more than 120 s",
    ),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_bad_source_is_one_line_exit_1_and_changes_nothing(
    mirror: LiveServer, stand_in: tuple[StandIn, str], case: str
) -> None:
    site, base_url = stand_in
    overrides, message = FAILURES[case]
    site.reset(**{kind: list(queue) for kind, queue in overrides.items()})
    before = snapshot(mirror)
    result = sync(mirror, "--from", base_url)
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("pydotorg: sync failed, nothing was changed: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
    assert snapshot(mirror) == before
    if case == "429 forever":
        assert site.hits[f"{V2}/os/"] == MAX_RETRIES + 1


def test_an_unreachable_source_is_one_line_exit_1(mirror: LiveServer, tmp_path: Path) -> None:
    before = snapshot(mirror)
    result = sync(mirror, "--from", f"http://127.0.0.1:{free_port()}")
    assert result.returncode == 1
    assert result.stderr.startswith("pydotorg: sync failed, nothing was changed: cannot fetch ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert snapshot(mirror) == before


def test_new_records_after_a_sync_take_ids_above_the_synced_ones(
    mirror: LiveServer, stand_in: tuple[StandIn, str]
) -> None:
    site, base_url = stand_in
    site.reset()
    assert sync(mirror, "--from", base_url).returncode == 0
    highest = max(row[0] for row in snapshot(mirror)["download_release"])
    with mirror.client("staff") as staff:
        made = staff.post(
            "/api/v1/releases",
            json={"name": "Python 3.98.0", "release_date": "2031-01-01T00:00:00Z"},
        )
    assert made.status_code == 201, made.text
    assert made.json()["id"] == highest + 1


@pytest.fixture
def two_instances(tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two instances of this service, each on a seeded database of its own: the source on
    SQLite, the mirror on PostgreSQL (so a sync writes, and reads back, on both engines)."""
    with contextlib.ExitStack() as stack:
        servers = []
        for name, engine in (("source", "sqlite"), ("mirror", "postgresql")):
            var_dir = tmp_path / name
            var_dir.mkdir()
            servers.append(stack.enter_context(seeded_server(engine, var_dir)))
        yield servers[0], servers[1]


def v2_lists(live: LiveServer) -> dict[str, Any]:
    """The whole of a server's /api/v2/downloads/, with its own address taken out."""
    lists = {}
    with live.client() as client:
        for kind in ("os", "release", "release_file"):
            response = client.get(f"{V2}/{kind}/")
            assert response.status_code == 200, response.text
            lists[kind] = json.loads(response.text.replace(live.base_url, "HOST"))
    return lists


def test_one_instance_syncs_from_another(two_instances: tuple[LiveServer, LiveServer]) -> None:
    """A mirror synced from another instance of this service serves the same v2 lists, ids
    included, after the source gained a release and a file and changed a file."""
    source, mirror = two_instances
    token = {"Authorization": f"Token {source.credentials['staff']}"}
    with source.client() as client:
        made = client.post(
            f"{V2}/release/",
            headers=token,
            json={
                "name": "Python 3.99.1",
                "slug": "python-3991",
                "version": 3,
                "is_published": True,
                "release_date": "2031-10-01T00:00:00Z",
                "pre_release": False,
                "release_notes_url": "",
                "show_on_download_page": True,
            },
        )
        assert made.status_code == 201, made.text
        url = f"{source.base_url}{made.headers['location']}".replace(
            f"{source.base_url}{source.base_url}", source.base_url
        )
        release_uri = client.get(url).json()["resource_uri"]
        files = client.get(f"{V2}/release_file/").json()
        source_os = next(f["os"] for f in files if "/os/3/" in f["os"])
        added = client.post(
            f"{V2}/release_file/",
            headers=token,
            json={
                "name": "XZ compressed source tarball",
                "slug": "python-3991-xz",
                "os": source_os,
                "release": release_uri,
                "description": "",
                "is_source": True,
                "url": "https://www.python.org/ftp/python/3.99.1/Python-3.99.1.tar.xz",
                "md5_sum": "",
                "sha256_sum": "c" * 64,
                "filesize": 4321,
                "download_button": True,
            },
        )
        assert added.status_code == 201, added.text
        changed = client.patch(files[0]["resource_uri"], headers=token, json={"description": "x"})
        assert changed.status_code == 200, changed.text
    expected = v2_lists(source)
    assert v2_lists(mirror) != expected

    done = sync(mirror, "--from", source.base_url)
    assert done.returncode == 0, done.stderr
    assert "releases: 1 added, 0 updated" in done.stdout  # release pages kept
    assert "release files: 1 added, 1 updated" in done.stdout
    assert v2_lists(mirror) == expected
    again = sync(mirror, "--from", source.base_url)
    assert again.stdout.rstrip().endswith(
        "nothing changed: the database already matches the source"
    )
