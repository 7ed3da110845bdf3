"""python.org's ``/downloads/feed.rss`` and ``/downloads/latest/...`` redirects over HTTP on
both engines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest

from tests.support import created_json

PAGE = "https://www.python.org/downloads/release/{}/"


def make_release(staff: httpx.Client, name: str, date: str, **more: object) -> dict[str, Any]:
    body: dict[str, object] = {
        "name": name,
        "release_date": f"{date}T00:00:00Z",
        "is_published": True,
        **more,
    }
    return created_json(staff.post("/api/v1/releases", json=body))


@pytest.fixture
def made(staff: httpx.Client) -> Iterator[list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    yield rows
    for row in rows:
        staff.delete(f"/api/v1/releases/{row['id']}")


def feed_items(anon: httpx.Client) -> list[dict[str, str]]:
    response = anon.get("/downloads/feed.rss")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - our own server
    assert channel is not None
    assert channel.findtext("title") == "Python Releases"
    assert channel.findtext("description") == "Latest Python releases from Python.org"
    return [{child.tag: child.text or "" for child in item} for item in channel.findall("item")]


def test_feed_lists_the_ten_newest_published_releases_by_date(
    anon: httpx.Client, staff: httpx.Client, made: list[dict[str, Any]]
) -> None:
    newest = anon.get("/api/v1/releases/", params={"pageSize": 10}).json()
    assert [item["title"] for item in feed_items(anon)] == [r["name"] for r in newest]
    made.append(make_release(staff, "Python 3.96.0", "2099-12-30"))
    made.append(make_release(staff, "Python 3.96.1", "2099-12-31", is_published=False))
    made.append(
        make_release(
            staff,
            "Python 3.96.0rc1",
            "2099-12-01",
            release_page="https://www.python.org/download/releases/3.96.0rc1/",
        )
    )
    items = feed_items(anon)
    assert len(items) == 10
    assert items[0] == {
        "title": "Python 3.96.0",
        "link": PAGE.format("python-3960"),
        "description": "Release date: 2099-12-30 00:00:00+00:00",
        "guid": PAGE.format("python-3960"),
        "pubDate": "Wed, 30 Dec 2099 00:00:00 GMT",
    }
    assert items[1]["title"] == "Python 3.96.0rc1"
    assert items[1]["link"] == "https://www.python.org/download/releases/3.96.0rc1/"
    assert [item["title"] for item in items[2:]] == [r["name"] for r in newest[:8]]


def redirect(anon: httpx.Client, path: str) -> tuple[int, str | None]:
    response = anon.get(path, follow_redirects=False)
    return response.status_code, response.headers.get("location")


def test_latest_python3_is_the_latest_release(anon: httpx.Client) -> None:
    latest = anon.get("/api/v1/releases/latest").json()
    expected = (302, PAGE.format(latest["slug"]))
    assert redirect(anon, "/downloads/latest/python3/") == expected
    assert redirect(anon, "/downloads/latest/python3") == expected
    assert redirect(anon, "/downloads/latest/") == expected


def test_latest_of_a_series_and_prerelease(
    anon: httpx.Client, staff: httpx.Client, made: list[dict[str, Any]]
) -> None:
    path = "/downloads/latest/python3.97/"
    assert redirect(anon, path)[0] == 404
    made.append(make_release(staff, "Python 3.97.0b1", "2099-11-01", is_published=False))
    assert redirect(anon, path)[0] == 404  # unpublished releases do not count
    made.append(make_release(staff, "Python 3.97.0b2", "2099-11-02"))
    assert redirect(anon, path) == (302, PAGE.format("python-3970b2"))
    assert redirect(anon, "/downloads/latest/prerelease/") == (
        302,
        PAGE.format("python-3970b2"),
    )
    made.append(make_release(staff, "Python 3.97.0", "2099-11-20"))
    assert redirect(anon, path) == (302, PAGE.format("python-3970"))
    assert redirect(anon, "/downloads/latest/python3.97") == (302, PAGE.format("python-3970"))
    assert redirect(anon, "/downloads/latest/prerelease/") == (
        302,
        PAGE.format("python-3970b2"),
    )


@pytest.mark.parametrize(
    "name",
    [
        "python2",
        "python3.x",
        "python3.",
        "python4",
        "python3.1234",
        "pre",
        "python3.12.1",
        "python3.\u0661\u0662",  # Arabic-Indic digits: ASCII digits only (issue 24)
        "python3.\uff11\uff12",  # fullwidth digits
    ],
)
def test_unknown_names_are_404(anon: httpx.Client, name: str) -> None:
    response = anon.get(f"/downloads/latest/{name}/", follow_redirects=False)
    assert response.status_code == 404
    assert "detail" in response.json()


def test_shipped_series_redirect(anon: httpx.Client) -> None:
    """3.12's newest published release of the shipped data."""
    newest = anon.get(
        "/api/v1/releases/", params={"series": "3.12", "pageSize": 1, "is_published": "true"}
    ).json()[0]
    assert redirect(anon, "/downloads/latest/python3.12/") == (
        302,
        newest["release_page"] or PAGE.format(newest["slug"]),
    )
