"""The three API documentation pages render in a real browser with no internet access.

Headless Chromium loads each page from the live test server with every host but 127.0.0.1
unresolvable and every proxied connection refused, so a script or stylesheet from a CDN cannot
load. The page passes only if the JavaScript UI has rendered the spec into the DOM: the title and
an operation summary must appear as page text. The HTML the app serves carries neither as text
(Swagger UI and ReDoc get the spec inside a ``<script>``, Scalar fetches it), so a page whose UI
failed to start fails the test.

Chromium's network log also records every request the page made: none may leave the local
server. Each page's Content-Security-Policy must let the UI run (the page renders) and must
block nothing but the one outside image ReDoc always shows (Chromium logs every violation).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from tests.support import LiveServer, missing_service

TITLE = "Python.org API"
OPERATION = "List releases"  # summary of listReleases, the first operation (Swagger UI draws only
# the operations in view: its list is virtualised)

# page name -> (path, a vendored script the page must load from the app)
PAGES = {
    "scalar": ("/api/", "/api/static/docs/scalar/standalone.js"),
    "swagger": ("/api/swagger", "/api/static/docs/swagger/swagger-ui-bundle.js"),
    "redoc": ("/api/redoc", "/api/static/docs/redoc/redoc.standalone.js"),
}

# What a page's policy may block without harm. ReDoc 2.x always shows the Redocly logo next to
# "API docs by Redocly" in its sidebar; no option turns it off, and the <img> hides itself when
# the image does not load. The policy (img-src 'self') keeps the browser from requesting it.
BLOCKED_HARMLESSLY = "https://cdn.redoc.ly/redoc/logo-mini.svg"

CHROMIUM_TIMEOUT = 60


class _PageParts(HTMLParser):
    """The text a reader sees (no <title>, scripts or styles) and the URLs of scripts and links."""

    HIDDEN = frozenset({"head", "title", "script", "style", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__()
        self._hidden = 0
        self._text: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.assets.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.assets.append(values["href"] or "")
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._text.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._text).split())


def parse(html: str) -> _PageParts:
    parts = _PageParts()
    parts.feed(html)
    parts.close()
    return parts


def origin(url: str) -> str:
    split = urlsplit(url)
    return f"{split.scheme}://{split.netloc}"


def chromium_command(chromium: str, profile: Path, netlog: Path, url: str) -> list[str]:
    return [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        # No internet: no name but 127.0.0.1 resolves, and anything else goes to a dead proxy.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=127.0.0.1",
        f"--log-net-log={netlog}",
        "--enable-logging=stderr",  # the console, where every policy violation is reported
        "--v=0",
        "--window-size=1280,900",
        "--virtual-time-budget=15000",
        "--dump-dom",
        url,
    ]


def run_chromium(command: list[str]) -> tuple[str, str]:
    """The DOM after the page's scripts ran, and Chromium's log; the whole process group dies
    on timeout."""
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=CHROMIUM_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"chromium did not finish within {CHROMIUM_TIMEOUT}s")
    assert proc.returncode == 0, f"chromium exited {proc.returncode}:\n{stderr[-2000:]}"
    return stdout, stderr


def page_requests(netlog: Path, page_origin: str) -> set[str]:
    """URLs of the requests the page itself started (not Chromium's own background traffic)."""
    log = json.loads(netlog.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return {
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start_job
        and event.get("params", {}).get("initiator") == page_origin
        and "url" in event["params"]
    }


@pytest.mark.parametrize("name", PAGES)
def test_docs_page_is_served_with_local_assets_only(sqlite_server: LiveServer, name: str) -> None:
    path, script = PAGES[name]
    response = httpx.get(sqlite_server.base_url + path, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    served = parse(response.text)
    directives = (
        part.strip().partition(" ")
        for part in response.headers["content-security-policy"].split(";")
    )
    policy = {name: value for name, _, value in directives}
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"] and "http" not in policy["script-src"]
    assert response.headers["x-frame-options"] == "DENY"

    local = origin(sqlite_server.base_url)
    outside = [
        u for u in served.assets if origin(urljoin(sqlite_server.base_url + path, u)) != local
    ]
    assert outside == [], f"{path} loads scripts or styles from outside the app: {outside}"
    assert script in served.assets
    assert httpx.get(sqlite_server.base_url + script, timeout=30).status_code == 200

    # Only the UI's JavaScript can put these on the page, so the browser test can fail.
    assert TITLE not in served.text
    assert OPERATION not in served.text


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGES)
def test_docs_page_renders_offline(sqlite_server: LiveServer, name: str, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        missing_service("the docs browser tests need headless Chromium (Debian package chromium)")
        return
    path, script = PAGES[name]
    url = sqlite_server.base_url + path
    netlog = tmp_path / "netlog.json"

    dom, log = run_chromium(chromium_command(chromium, tmp_path / "profile", netlog, url))

    text = parse(dom).text
    assert TITLE in text, f"{name} did not render the spec; page text: {text[:500]!r}"
    assert OPERATION in text, f"{name} did not render the operations; page text: {text[:500]!r}"

    local = origin(sqlite_server.base_url)
    requests = page_requests(netlog, local)
    assert sqlite_server.base_url + script in requests, f"{script} not loaded: {requests}"
    outside = {u for u in requests if origin(u) != local}
    assert outside == set(), f"{name} tried to reach outside the app: {sorted(outside)}"
    violations = [
        line
        for line in log.splitlines()
        if "Content Security Policy" in line and BLOCKED_HARMLESSLY not in line
    ]
    assert violations == [], f"{name}'s policy blocked part of the page: {violations}"
