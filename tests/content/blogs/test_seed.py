"""The shipped Python Insider posts: loaded once, searchable, and never their prose."""

from __future__ import annotations

import asyncio

import httpx

from pydotorg.data import load
from pydotorg.db.seed import seed
from pydotorg.domains import DOMAINS
from tests.support import LiveServer


def test_seeding_again_changes_nothing(server: LiveServer, staff: httpx.Client) -> None:
    before = staff.get("/api/blogs/", params={"limit": 1000}).json()
    counts = asyncio.run(seed(server.database_url, DOMAINS))
    assert (counts["blog_feeds"], counts["blog_entries"]) == (0, 0)
    assert staff.get("/api/blogs/", params={"limit": 1000}).json() == before


def test_seeded_posts_are_searchable_by_title_and_tag(anon: httpx.Client) -> None:
    shipped = load("blog_entries")
    summit = [r for r in shipped if r["slug"] == "2011-language-summit-report"]
    (record,) = summit
    found = anon.get("/api/blogs/", params={"q": "language summit 2011", "feed": "python-insider"})
    assert record["guid"] in [entry["guid"] for entry in found.json()]
    tagged = [r for r in shipped if "security" in r["tags"]]
    response = anon.get(
        "/api/blogs/", params={"tag": "security", "feed": "python-insider", "limit": 1000}
    )
    assert {entry["guid"] for entry in response.json()} == {r["guid"] for r in tagged}
    assert tagged
