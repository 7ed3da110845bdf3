"""``pydotorg import feed``, run as an operator runs it, against each engine's test database."""

from __future__ import annotations

import http.server
import os
import pty
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest

from pydotorg.content.blogs.importer import FeedImportError, read_source
from tests.factories import token
from tests.support import LiveServer, free_port, settings_env

PSF_EXAMPLE = "pythondotorg/apps/blogs/tests/psf_feed_example.xml"


def run_import(
    server: LiveServer, cwd: Path, *args: str, **popen: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pydotorg", "import", "feed", *args],
        cwd=cwd,
        env={**os.environ, **settings_env(server.settings)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **popen,
    )


def atom(tag: str, *, first_title: str = "First post") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Test {tag}</title>
  <id>urn:uuid:{tag}</id>
  <updated>2025-06-02T10:00:00Z</updated>
  <link rel="alternate" href="https://atom-{tag}.example.org/"/>
  <link rel="self" href="https://atom-{tag}.example.org/feed.atom"/>
  <entry>
    <title>{first_title}</title>
    <id>tag:atom-{tag}.example.org,2025:1</id>
    <link rel="alternate" href="https://atom-{tag}.example.org/posts/1/"/>
    <published>2025-06-01T09:30:00+02:00</published>
    <updated>2025-06-02T10:00:00Z</updated>
    <author><name>Ada Lovelace</name></author>
    <category term="releases"/>
    <category term="security"/>
    <summary type="html">&lt;p onclick="x()"&gt;Hello &lt;b&gt;readers&lt;/b&gt;
      &lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Second post</title>
    <id>tag:atom-{tag}.example.org,2025:2</id>
    <link rel="alternate" href="https://atom-{tag}.example.org/posts/2/"/>
    <published>2025-06-03T12:00:00Z</published>
    <updated>2025-06-03T12:00:00Z</updated>
    <summary type="text">Plain &lt;b&gt;text&lt;/b&gt; &amp; more</summary>
  </entry>
</feed>
"""


def rss(tag: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>RSS Test {tag}</title>
    <link>https://rss-{tag}.example.org/</link>
    <description>Made up for a test.</description>
    <item>
      <title>Only a link</title>
      <link>https://rss-{tag}.example.org/a/</link>
      <pubDate>Tue, 03 Jun 2025 08:00:00 GMT</pubDate>
      <dc:creator>Grace Hopper</dc:creator>
      <category>docs</category>
      <description>&lt;p&gt;Docs &lt;img src=x onerror=alert(1)&gt;news&lt;/p&gt;</description>
    </item>
    <item>
      <title>With a guid</title>
      <link>https://rss-{tag}.example.org/b/</link>
      <guid isPermaLink="false">rss-{tag}-b</guid>
      <pubDate>Wed, 04 Jun 2025 08:00:00 GMT</pubDate>
      <description>Second</description>
    </item>
  </channel>
</rss>
"""


def entries_of(staff: httpx.Client, feed: str) -> list[dict[str, Any]]:
    response = staff.get("/api/blogs/", params={"feed": feed, "limit": 1000})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


def feed_by_name(staff: httpx.Client, name: str) -> dict[str, Any]:
    feeds = staff.get("/api/blogs/feeds/", params={"limit": 1000}).json()
    (feed,) = [feed for feed in feeds if feed["name"] == name]
    found: dict[str, Any] = feed
    return found


def totals(staff: httpx.Client) -> tuple[str, str, str]:
    """What a refused import must leave as it was: every entry, and every feed."""
    entries = staff.get("/api/blogs/", params={"limit": 1000, "offset": 0})
    feeds = staff.get("/api/blogs/feeds/", params={"limit": 1000})
    return entries.headers["x-total-count"], entries.headers["etag"], feeds.text


# Files the test writes -----------------------------------------------------------------------


def test_an_atom_file_is_imported_once_and_then_left_alone(
    server: LiveServer, staff: httpx.Client, tmp_path: Path
) -> None:
    tag = token()
    path = tmp_path / "feed.atom"
    path.write_text(atom(tag))
    first = run_import(server, tmp_path, str(path))
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"Atom Test {tag}: 2 created, 0 updated, 0 unchanged (new feed)\n"

    feed = feed_by_name(staff, f"Atom Test {tag}")
    assert feed["feed_url"] == f"https://atom-{tag}.example.org/feed.atom"
    assert feed["website_url"] == f"https://atom-{tag}.example.org/"
    second_post, first_post = entries_of(staff, feed["slug"])
    assert first_post["title"] == "First post"
    assert first_post["guid"] == f"tag:atom-{tag}.example.org,2025:1"
    assert first_post["url"] == f"https://atom-{tag}.example.org/posts/1/"
    assert first_post["author"] == "Ada Lovelace"
    assert first_post["tags"] == ["releases", "security"]
    assert first_post["pub_date"] == "2025-06-01T07:30:00Z"
    assert first_post["updated_date"] == "2025-06-02T10:00:00Z"
    assert first_post["summary"] == "<p>Hello <b>readers</b>\n      </p>"
    assert second_post["summary"] == "Plain &lt;b&gt;text&lt;/b&gt; &amp; more"
    found = staff.get("/api/blogs/", params={"q": f"readers {tag}"})
    assert found.json() == []  # the tag is not a word of the entry
    searched = staff.get("/api/blogs/", params={"q": "readers security", "limit": 1000}).json()
    assert first_post["id"] in [entry["id"] for entry in searched]

    again = run_import(server, tmp_path, str(path))
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        f"{feed['name']}: 0 created, 0 updated, 2 unchanged (nothing changed)\n"
    )
    assert entries_of(staff, feed["slug"]) == [second_post, first_post]

    path.write_text(atom(tag, first_title="First post, corrected"))
    changed = run_import(server, tmp_path, str(path))
    assert changed.stdout == f"{feed['name']}: 0 created, 1 updated, 1 unchanged\n"
    titles = [entry["title"] for entry in entries_of(staff, feed["slug"])]
    assert titles == ["Second post", "First post, corrected"]


def test_an_rss_file_is_matched_by_guid_else_link_under_the_name_given(
    server: LiveServer, staff: httpx.Client, tmp_path: Path
) -> None:
    tag = token()
    path = tmp_path / "feed.rss"
    path.write_text(rss(tag))
    name = f"Named {tag}"
    first = run_import(server, tmp_path, str(path), "--feed-name", name)
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"{name}: 2 created, 0 updated, 0 unchanged (new feed)\n"
    feed = feed_by_name(staff, name)
    assert feed["feed_url"] == path.resolve().as_uri()  # the feed names no URL of its own
    guided, linked = entries_of(staff, feed["slug"])
    assert guided["guid"] == f"rss-{tag}-b"
    assert linked["guid"] == linked["url"] == f"https://rss-{tag}.example.org/a/"
    assert linked["author"] == "Grace Hopper" and linked["tags"] == ["docs"]
    assert linked["summary"] == '<p>Docs <img src="x">news</p>'
    again = run_import(server, tmp_path, str(path), "--feed-name", name)
    assert again.stdout == f"{name}: 0 created, 0 updated, 2 unchanged (nothing changed)\n"


def test_a_terminal_gets_a_progress_bar(
    server: LiveServer, staff: httpx.Client, tmp_path: Path
) -> None:
    tag = token()
    path = tmp_path / "feed.atom"
    path.write_text(atom(tag))
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "pydotorg", "import", "feed", str(path)],
            cwd=tmp_path,
            env={**os.environ, **settings_env(server.settings), "COLUMNS": "100"},
            stdout=follower,
            stderr=subprocess.PIPE,
        )
        os.close(follower)
        shown = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the process closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=60) == 0
    finally:
        os.close(leader)
    text = shown.decode(errors="replace")
    assert "Importing entries" in text
    assert f"Atom Test {tag}: 2 created, 0 updated, 0 unchanged (new feed)" in text


# A feed served over HTTP ---------------------------------------------------------------------


@pytest.fixture
def served_feed() -> Iterator[tuple[str, str]]:
    """An RSS feed on a local HTTP server of the test's own: its URL and its tag."""
    tag = token()
    body = rss(tag).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/feed.xml":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml", tag
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_feed_served_over_http_is_imported(
    server: LiveServer, staff: httpx.Client, tmp_path: Path, served_feed: tuple[str, str]
) -> None:
    url, tag = served_feed
    first = run_import(server, tmp_path, url)
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"RSS Test {tag}: 2 created, 0 updated, 0 unchanged (new feed)\n"
    feed = feed_by_name(staff, f"RSS Test {tag}")
    assert feed["feed_url"] == url
    assert feed["website_url"] == f"https://rss-{tag}.example.org/"
    assert [e["title"] for e in entries_of(staff, str(feed["id"]))] == [
        "With a guid",
        "Only a link",
    ]
    again = run_import(server, tmp_path, url)
    assert "0 created, 0 updated, 2 unchanged (nothing changed)" in again.stdout
    missing = run_import(server, tmp_path, url.replace("feed.xml", "gone.xml"))
    assert missing.returncode == 2
    assert missing.stderr.strip().endswith("the server answered 404 Not Found")


# Refused feeds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>a</ti',
        "<!doctype html><html><head><title>Not a feed</title></head><body>Hi</body></html>",
        "",
        '{"items": []}',
    ],
    ids=["truncated", "html", "empty", "json"],
)
def test_a_malformed_file_is_one_line_of_error_and_changes_nothing(
    server: LiveServer, staff: httpx.Client, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(content)
    before = totals(staff)
    result = run_import(server, tmp_path, str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"pydotorg: cannot import {path}: ")
    assert result.stderr.count("\n") == 1
    assert totals(staff) == before


def test_an_unreachable_feed_is_one_line_of_error_and_changes_nothing(
    server: LiveServer, staff: httpx.Client, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{free_port()}/feed.xml"  # nothing listens there
    before = totals(staff)
    result = run_import(server, tmp_path, url)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"pydotorg: cannot import {url}: cannot reach the server " + (
        "([Errno 111] Connection refused)\n"
    )
    missing = run_import(server, tmp_path, str(tmp_path / "nowhere.xml"))
    assert missing.returncode == 2
    assert missing.stderr == f"pydotorg: cannot import {tmp_path / 'nowhere.xml'}: no such file\n"
    assert totals(staff) == before


# python.org's own test feed -----------------------------------------------------------------


def test_python_orgs_example_feed_imports_when_present(
    server: LiveServer, staff: httpx.Client, tmp_path: Path
) -> None:
    shared = Path(os.environ.get("PYDOTORG_SHARED_DATA", "/work/shared/data"))
    example = shared / PSF_EXAMPLE
    if not example.is_file():
        pytest.skip(
            f"python.org's example feed is not at {example} "
            "(set PYDOTORG_SHARED_DATA to the folder holding pythondotorg/)"
        )
    expected = feedparser.parse(example.read_bytes())
    name = f"PSF example {token()}"
    first = run_import(server, tmp_path, str(example), "--feed-name", name)
    assert first.returncode == 0, first.stderr
    count = len(expected.entries)
    assert first.stdout == f"{name}: {count} created, 0 updated, 0 unchanged (new feed)\n"
    feed = feed_by_name(staff, name)
    assert feed["feed_url"] == "http://feeds.feedburner.com/PythonInsider"
    entries = entries_of(staff, feed["slug"])
    assert {entry["guid"] for entry in entries} == {item.id for item in expected.entries}
    assert all("<script" not in entry["summary"] for entry in entries)
    newest = max(expected.entries, key=lambda item: item.published_parsed)
    assert entries[0]["title"] == newest.title
    again = run_import(server, tmp_path, str(example), "--feed-name", name)
    assert again.stdout == f"{name}: 0 created, 0 updated, {count} unchanged (nothing changed)\n"


def test_an_entry_is_matched_by_its_link_when_its_guid_changed(
    server: LiveServer, staff: httpx.Client, tmp_path: Path
) -> None:
    tag = token()
    feed_url = f"https://moved-{tag}.example.org/feed.atom"
    created = staff.post(
        "/api/blogs/feeds/", json={"name": f"Moved {tag}", "feed_url": feed_url}
    ).json()
    entry = staff.post(
        "/api/blogs/entries/",
        json={
            "feed_id": created["id"],
            "title": "Old title",
            "url": f"https://moved-{tag}.example.org/posts/1/",
            "guid": "an-old-guid",
            "pub_date": "2025-06-01T07:30:00Z",
            "author": "Someone Else",
        },
    ).json()
    path = tmp_path / "feed.atom"
    path.write_text(atom(tag).replace(f"atom-{tag}.example.org", f"moved-{tag}.example.org"))
    result = run_import(server, tmp_path, str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Moved {tag}: 1 created, 1 updated, 0 unchanged\n"
    updated = staff.get(entry["resource_uri"]).json()
    assert updated["guid"] == f"tag:moved-{tag}.example.org,2025:1"
    assert updated["title"] == "First post"
    assert updated["author"] == "Ada Lovelace"
    assert updated["feed_id"] == created["id"]
    assert len(entries_of(staff, created["slug"])) == 2


# Reading the source, bounded ------------------------------------------------------------------


@pytest.fixture
def slow_server() -> Iterator[str]:
    """A local server that sends a big feed slowly: its URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"<!-- padding -->" * 4096)
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:  # the reader hung up, as it should
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_download_is_bounded_in_size_and_time(slow_server: str, tmp_path: Path) -> None:
    with pytest.raises(FeedImportError, match="larger than 100,000 bytes"):
        read_source(slow_server, max_bytes=100_000)
    started = time.monotonic()
    with pytest.raises(FeedImportError, match=r"took longer than 0\.3 s"):
        read_source(slow_server, timeout=0.3)
    assert time.monotonic() - started < 3
    big = tmp_path / "big.xml"
    big.write_bytes(b" " * 2000)
    with pytest.raises(FeedImportError, match="larger than 1,000 bytes"):
        read_source(str(big), max_bytes=1000)
