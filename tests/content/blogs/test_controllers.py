"""Blogs over HTTP on both engines: entries, feeds, related blogs, filters, guards, RSS/Atom."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import feedparser
import httpx
import pytest

from pydotorg.content.blogs.models import BlogEntry
from pydotorg.data import load
from tests.factories import EntryFactory, FeedFactory, token
from tests.support import LiveServer, created_json, insert_rows

SCRIPTED = (
    '<p onclick="steal()">Hello <b>world</b><script>alert(1)</script>'
    '<a href="javascript:alert(2)">x</a><img src="x" onerror="alert(3)"></p>'
)


def make_feed(staff: httpx.Client, **overrides: object) -> dict[str, Any]:
    return created_json(staff.post("/api/blogs/feeds/", json=FeedFactory.body(**overrides)))


def make_entry(staff: httpx.Client, feed_id: int, **overrides: object) -> dict[str, Any]:
    return created_json(
        staff.post(
            "/api/blogs/entries/", json=EntryFactory.body(**{"feed_id": feed_id, **overrides})
        )
    )


def listed(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/blogs/", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    assert int(response.headers["x-total-count"]) >= len(entries)
    return entries


# The seeded Python Insider feed ----------------------------------------------------------------


def test_the_python_insider_feed_and_its_posts_are_seeded(anon: httpx.Client) -> None:
    shipped = load("blog_entries")
    feed = anon.get("/api/blogs/feeds/slug/python-insider").json()
    assert feed["name"] == "Python Insider"
    assert feed["feed_url"] == "https://blog.python.org/rss.xml"
    assert feed["website_url"] == "https://blog.python.org/"
    assert anon.get(f"/api/blogs/feeds/{feed['id']}").json() == feed
    response = anon.get("/api/blogs/", params={"feed": "python-insider", "limit": 1000})
    assert int(response.headers["x-total-count"]) == len(shipped)
    entries = response.json()
    assert {entry["guid"] for entry in entries} == {record["guid"] for record in shipped}
    assert all(entry["summary"] == "" for entry in entries)
    assert all(entry["feed_name"] == "Python Insider" for entry in entries)
    newest = max(shipped, key=lambda record: (record["pub_date"], record["slug"]))
    assert entries[0]["title"] == newest["title"]
    assert entries[0]["url"] == newest["url"]
    assert entries[0]["pub_date"] == f"{newest['pub_date']}T00:00:00Z"
    by_guid = {entry["guid"]: entry for entry in entries}
    for record in shipped[:5]:
        entry = by_guid[record["guid"]]
        assert (entry["title"], entry["author"], entry["url"]) == (
            record["title"],
            record["author"],
            record["url"],
        )
        assert entry["tags"] == sorted(record["tags"])


def test_lists_are_newest_first_with_pagination(anon: httpx.Client) -> None:
    entries = listed(anon)
    moments = [(entry["pub_date"], entry["id"]) for entry in entries]
    assert moments == sorted(moments, reverse=True)
    response = anon.get("/api/blogs/", params={"limit": 2, "offset": 2})
    assert [entry["id"] for entry in response.json()] == [entry["id"] for entry in entries[2:4]]
    assert 'rel="next"' in response.headers["link"]
    assert 'rel="prev"' in response.headers["link"]


# Entries: CRUD, sanitising, search -------------------------------------------------------------


def test_staff_write_an_entry_and_its_summary_is_sanitised(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    feed = make_feed(staff)
    entry = make_entry(staff, feed["id"], summary=SCRIPTED, tags=["Releases", "security"])
    for summary in (entry["summary"], anon.get(entry["resource_uri"]).json()["summary"]):
        assert "<b>world</b>" in summary
        for bad in ("<script", "alert(1)", "onclick", "javascript:", "onerror"):
            assert bad not in summary
    assert entry["resource_uri"].endswith(f"/api/blogs/entries/{entry['id']}")
    assert entry["guid"] == entry["url"]
    assert entry["feed_id"] == feed["id"] and entry["feed_name"] == feed["name"]
    assert entry["tags"] == ["Releases", "security"]

    changed = staff.patch(
        entry["resource_uri"],
        json={"summary": "<i>new</i><script>x()</script>", "tags": ["security", "docs"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["summary"] == "<i>new</i>"
    assert changed.json()["tags"] == ["docs", "security"]
    assert anon.get(entry["resource_uri"]).json()["tags"] == ["docs", "security"]

    assert staff.delete(entry["resource_uri"]).status_code == 204
    assert anon.get(entry["resource_uri"]).status_code == 404


def test_every_entry_write_updates_the_search_index(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    first, second, tag = f"zq{token()}", f"zq{token()}", f"tag{token()}"
    feed = make_feed(staff)
    entry = make_entry(staff, feed["id"], summary=f"<p>About {first}.</p>", tags=[tag])
    assert [e["id"] for e in listed(anon, q=first)] == [entry["id"]]
    assert [e["id"] for e in listed(anon, q=tag)] == [entry["id"]]
    assert [e["id"] for e in listed(anon, q=entry["title"])] == [entry["id"]]
    staff.patch(entry["resource_uri"], json={"summary": f"Now {second}"})
    assert listed(anon, q=first) == []
    assert [e["id"] for e in listed(anon, q=second)] == [entry["id"]]
    staff.delete(entry["resource_uri"])
    assert listed(anon, q=second) == []
    assert listed(anon, q="!!!") == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"feed_id": 2**63 - 1}, "feed_id"),
        ({"pub_date": "1900-01-01T00:00:00Z"}, "pub_date"),
        ({"updated_date": "2101-01-01T00:00:00+00:00"}, "updated_date"),
    ],
)
def test_entry_rules_are_422_naming_the_field(
    staff: httpx.Client, change: dict[str, object], field: str
) -> None:
    feed = make_feed(staff)
    body = {"feed_id": feed["id"], "title": "T", "url": "https://example.org/t", **change}
    body.setdefault("pub_date", "2025-01-01T00:00:00Z")
    response = staff.post("/api/blogs/entries/", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["extra"]["errors"][0]["field"] == field
    assert listed(staff, feed=feed["id"]) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pub_date": "2025-01-01T00:00:00"}, "pub_date"),  # no UTC offset
        ({"title": ""}, "title"),
        ({"title": "line\nbreak"}, "title"),
        ({"url": "ftp://example.org/x"}, "url"),
        ({"tags": ["a\x01"]}, "tags"),
        ({"content": "the body"}, "content"),
    ],
)
def test_malformed_entries_are_400(
    staff: httpx.Client, change: dict[str, object], field: str
) -> None:
    feed = make_feed(staff)
    body = {"feed_id": feed["id"], "title": "T", "url": "https://example.org/t"}
    body["pub_date"] = "2025-01-01T00:00:00Z"
    body.update(change)
    response = staff.post("/api/blogs/entries/", json=body)
    assert response.status_code == 400, response.text
    assert field in response.text
    assert listed(staff, feed=feed["id"]) == []


def test_a_guid_is_unique_within_its_feed(staff: httpx.Client) -> None:
    feed, other = make_feed(staff), make_feed(staff)
    entry = make_entry(staff, feed["id"], guid="tag:example.org,2025:1")
    again = staff.post(
        "/api/blogs/entries/",
        json={
            "feed_id": feed["id"],
            "title": "Again",
            "url": "https://example.org/again",
            "pub_date": "2025-01-01T00:00:00Z",
            "guid": "tag:example.org,2025:1",
        },
    )
    assert again.status_code == 422
    assert again.json()["extra"]["errors"][0]["field"] == "guid"
    elsewhere = make_entry(staff, other["id"], guid="tag:example.org,2025:1")
    moved = staff.patch(elsewhere["resource_uri"], json={"feed_id": feed["id"]})
    assert moved.status_code == 422
    assert staff.get(elsewhere["resource_uri"]).json()["feed_id"] == other["id"]
    assert staff.get(entry["resource_uri"]).json()["guid"] == "tag:example.org,2025:1"


# Filters -------------------------------------------------------------------------------------


def test_filters_by_feed_tag_words_and_days(staff: httpx.Client, anon: httpx.Client) -> None:
    feed, other = make_feed(staff), make_feed(staff)
    word = f"kw{token()}"
    early = make_entry(
        staff, feed["id"], pub_date="2024-03-01T23:30:00Z", tags=["Alpha"], summary=word
    )
    middle = make_entry(staff, feed["id"], pub_date="2024-03-02T00:00:00+01:00", tags=["beta"])
    late = make_entry(staff, feed["id"], pub_date="2024-03-05T12:00:00Z", tags=["alpha", "beta"])
    make_entry(staff, other["id"], pub_date="2024-03-03T12:00:00Z", tags=["alpha"], summary=word)

    def ids(**params: Any) -> list[int]:
        return [entry["id"] for entry in listed(anon, **params)]

    everything = [late["id"], early["id"], middle["id"]]  # middle is 2024-03-01T23:00Z
    assert ids(feed=feed["id"]) == everything
    assert ids(feed=feed["slug"]) == everything
    assert ids(feed=feed["id"], tag="ALPHA") == [late["id"], early["id"]]
    assert ids(feed=feed["id"], tag="beta") == [late["id"], middle["id"]]
    assert ids(feed=feed["slug"], q=word) == [early["id"]]
    assert len(ids(q=word)) == 2
    # days are UTC days, both ends included
    assert ids(feed=feed["id"], date_from="2024-03-01", date_to="2024-03-01") == [
        early["id"],
        middle["id"],
    ]
    assert ids(feed=feed["id"], date_from="2024-03-02") == [late["id"]]
    assert ids(feed=feed["id"], date_to="2024-03-04") == [early["id"], middle["id"]]
    assert ids(feed="no-such-feed") == []
    assert ids(feed=feed["id"], tag="gamma") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "1900-01-01"}, "date_from"),
        ({"date_to": "2101-01-01"}, "date_to"),
        ({"date_from": "2024-02-30"}, "date_from"),
        ({"date_from": "yesterday"}, "date_from"),
    ],
)
def test_bad_days_are_400_naming_the_parameter(
    anon: httpx.Client, params: dict[str, str], field: str
) -> None:
    response = anon.get("/api/blogs/", params=params)
    assert response.status_code == 400, response.text
    assert field in response.text


def test_a_range_that_ends_before_it_starts_is_422_as_for_events(anon: httpx.Client) -> None:
    params = {"date_from": "2024-03-02", "date_to": "2024-03-01"}
    for path in ("/api/blogs/", "/api/v1/events/"):
        response = anon.get(path, params=params)
        assert response.status_code == 422, response.text
        assert response.json()["extra"]["errors"][0]["field"] == "date_to"


# Feeds and related blogs --------------------------------------------------------------------


def test_staff_manage_feeds(staff: httpx.Client, anon: httpx.Client) -> None:
    feed = make_feed(staff, name="Café Blog Ünïcode")
    assert feed["slug"] == "cafe-blog-unicode"
    assert anon.get("/api/blogs/feeds/slug/cafe-blog-unicode").json()["id"] == feed["id"]
    assert feed["id"] in [f["id"] for f in anon.get("/api/blogs/feeds/?limit=1000").json()]
    taken = staff.post("/api/blogs/feeds/", json={"name": "Other", "feed_url": feed["feed_url"]})
    assert taken.status_code == 422
    assert taken.json()["extra"]["errors"][0]["field"] == "feed_url"
    renamed = staff.patch(feed["resource_uri"], json={"name": "Renamed"})
    assert renamed.json()["name"] == "Renamed" and renamed.json()["slug"] == feed["slug"]
    assert staff.patch(feed["resource_uri"], json={"slug": None}).status_code == 400

    entry = make_entry(staff, feed["id"], summary=f"gone{feed['id']}x")
    assert staff.delete(feed["resource_uri"]).status_code == 204
    assert anon.get(feed["resource_uri"]).status_code == 404
    assert anon.get(entry["resource_uri"]).status_code == 404
    assert listed(anon, q=f"gone{feed['id']}x") == []


def test_staff_manage_related_blogs(staff: httpx.Client, anon: httpx.Client) -> None:
    body = {
        "blog_name": f"Related {token()}",
        "blog_website": "https://related.example.org/",
        "description": "Notes from a core developer.",
    }
    created = staff.post("/api/blogs/related/", json=body)
    assert created.status_code == 201, created.text
    blog = created.json()
    assert created.headers["location"] == blog["resource_uri"]
    assert blog["feed_url"] == ""
    listing = anon.get("/api/blogs/related/", params={"limit": 1000}).json()
    assert blog in listing
    changed = staff.patch(
        blog["resource_uri"], json={"feed_url": "https://related.example.org/rss"}
    )
    assert changed.json()["feed_url"] == "https://related.example.org/rss"
    assert anon.get(blog["resource_uri"]).json()["feed_url"] == changed.json()["feed_url"]
    assert staff.delete(blog["resource_uri"]).status_code == 204
    assert anon.get(blog["resource_uri"]).status_code == 404


# Guards -------------------------------------------------------------------------------------


def test_writes_are_for_staff(staff: httpx.Client, anon: httpx.Client, user: httpx.Client) -> None:
    feed = make_feed(staff)
    entry = make_entry(staff, feed["id"])
    related = staff.post(
        "/api/blogs/related/",
        json={"blog_name": "Guarded", "blog_website": "https://guarded.example.org/"},
    ).json()
    new_entry = {
        "feed_id": feed["id"],
        "title": "Not yours",
        "url": "https://example.org/x",
        "pub_date": "2025-01-01T00:00:00Z",
    }
    new_feed = {"name": "Not yours", "feed_url": "https://not-yours.example.org/feed"}
    new_related = {"blog_name": "Not yours", "blog_website": "https://example.org/"}
    for client, status in ((anon, 401), (user, 403)):
        assert client.post("/api/blogs/entries/", json=new_entry).status_code == status
        assert client.patch(entry["resource_uri"], json={"title": "X"}).status_code == status
        assert client.delete(entry["resource_uri"]).status_code == status
        assert client.post("/api/blogs/feeds/", json=new_feed).status_code == status
        assert client.patch(feed["resource_uri"], json={"name": "X"}).status_code == status
        assert client.delete(feed["resource_uri"]).status_code == status
        assert client.post("/api/blogs/related/", json=new_related).status_code == status
        assert client.patch(related["resource_uri"], json={"blog_name": "X"}).status_code == status
        assert client.delete(related["resource_uri"]).status_code == status
    assert staff.get(entry["resource_uri"]).json() == entry
    assert staff.get(feed["resource_uri"]).json() == feed
    assert staff.get(related["resource_uri"]).json() == related
    assert len(listed(staff, feed=feed["id"])) == 1


def test_missing_records_are_404(anon: httpx.Client) -> None:
    for path in (
        "/api/blogs/entries/999999999",
        "/api/blogs/feeds/999999999",
        "/api/blogs/feeds/slug/no-such-feed",
        "/api/blogs/related/999999999",
    ):
        response = anon.get(path)
        assert response.status_code == 404, path
    assert anon.get("/api/blogs/entries/0").status_code == 400


# RSS and Atom -------------------------------------------------------------------------------


def test_the_feeds_parse_newest_first_without_forbidden_characters(
    server: LiveServer, staff: httpx.Client, anon: httpx.Client
) -> None:
    feed = make_feed(staff)
    newest = make_entry(
        staff,
        feed["id"],
        pub_date="2100-12-30T00:00:00Z",
        summary=SCRIPTED,
        author="Ada",
        tags=["releases"],
    )
    stored = BlogEntry(
        feed_id=feed["id"],
        title="Stored \uffff\x0bby another program",
        summary="Odd\ufffe text",
        author="Old \x01Tool",
        url="https://example.org/stored",
        guid=f"stored-{token()}",
        pub_date=datetime(2100, 12, 31, tzinfo=UTC),
    )
    insert_rows(server.database_url, stored)
    for kind, version in (("rss", "rss20"), ("atom", "atom10")):
        response = staff.get(f"/api/blogs/feed/{kind}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(f"application/{kind}+xml")
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.bozo_exception
        assert parsed.version == version
        assert 2 <= len(parsed.entries) <= 50
        first, second = parsed.entries[:2]
        assert first.title == "Stored by another program"
        assert first.link == "https://example.org/stored"
        assert second.title == newest["title"]
        assert second.link == newest["url"]
        assert [tag.term for tag in second.tags] == ["releases"]
        assert second.summary_detail.type == "text/html"
        assert "<b>world</b>" in second.summary
        assert "<script" not in response.text
    assert anon.get("/api/blogs/feed/atom").status_code == 200
