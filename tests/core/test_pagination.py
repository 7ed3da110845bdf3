"""The two pagination styles and the headers that describe a page."""

from __future__ import annotations

import re

import httpx


def links(response: httpx.Response) -> dict[str, str]:
    return {
        rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["link"])
    }


def test_limit_offset_links_walk_the_whole_list(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/os/", params={"limit": 2})
    total = int(response.headers["x-total-count"])
    seen = [os["id"] for os in response.json()]
    while "next" in links(response):
        response = anon.get(links(response)["next"])
        seen += [os["id"] for os in response.json()]
    assert len(seen) == len(set(seen)) == total
    assert "prev" in links(response) and "next" not in links(response)
    assert links(response)["last"] == links(response)["last"]


def test_page_links_keep_filters(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/releases", params={"version": 2, "pageSize": 10})
    for url in links(response).values():
        assert url.startswith("http") and "version=2" in url and "pageSize=10" in url
    last = anon.get(links(response)["last"])
    total = int(response.headers["x-total-count"])
    assert len(last.json()) == total - 10 * (total // 10) or len(last.json()) == 10


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
