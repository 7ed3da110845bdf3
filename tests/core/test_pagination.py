"""The two pagination styles and the headers that describe a page."""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.support import LiveServer


def links(response: httpx.Response) -> dict[str, str]:
    return {
        rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["link"])
    }


def test_limit_offset_links_walk_the_whole_list(anon: httpx.Client, server: LiveServer) -> None:
    response = anon.get("/api/v1/os/", params={"limit": 2})
    total = int(response.headers["x-total-count"])
    last_offset = (total - 1) // 2 * 2
    expected_last = f"{server.base_url}/api/v1/os?limit=2&offset={last_offset}"
    assert links(response)["last"] == expected_last
    seen = [os["id"] for os in response.json()]
    while "next" in links(response):
        response = anon.get(links(response)["next"])
        seen += [os["id"] for os in response.json()]
    assert len(seen) == len(set(seen)) == total
    assert "prev" in links(response) and "next" not in links(response)
    assert str(response.url) == links(response)["last"] == expected_last
    assert len(response.json()) == total - last_offset


def test_page_links_keep_filters(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/releases", params={"version": 2, "pageSize": 10})
    for url in links(response).values():
        assert url.startswith("http") and "version=2" in url and "pageSize=10" in url
    total = int(response.headers["x-total-count"])
    pages = math.ceil(total / 10)
    last_url = links(response)["last"]
    assert parse_qs(urlsplit(last_url).query)["currentPage"] == [str(pages)]
    last = anon.get(last_url)
    assert last.status_code == 200
    assert len(last.json()) == total - 10 * (pages - 1)


def test_offset_past_the_end_is_an_empty_list(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/os/", params={"offset": 10_000})
    assert response.status_code == 200 and response.json() == []
    assert int(response.headers["x-total-count"]) >= 5


def test_guide_get_all_pattern_terminates(anon: httpx.Client) -> None:
    collected, offset, limit = [], 0, 2
    while True:
        page = anon.get("/api/v1/os/", params={"limit": limit, "offset": offset}).json()
        if not page:
            break
        collected.extend(page)
        offset += limit
        if len(page) < limit:
            break
    assert len(collected) == len(anon.get("/api/v1/os/").json())
