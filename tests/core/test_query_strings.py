"""Query strings: only the parameters an endpoint reads key the cache and repeat in page links;
no parameter may hold a control character."""

from __future__ import annotations

import httpx
import pytest


def cache_hits(client: httpx.Client) -> int:
    hits: int = client.get("/health").json()["response_cache"]["hits"]
    return hits


def test_parameters_an_endpoint_does_not_read_do_not_key_the_cache(anon: httpx.Client) -> None:
    url = "/api/v1/release-cycle/3.12"
    first = anon.get(url)
    before = cache_hits(anon)
    for params in ({"_": "1732000000"}, {"utm_source": "newsletter"}, {"_": "2", "x": ""}):
        again = anon.get(url, params=params)
        assert again.status_code == 200 and again.content == first.content
    assert cache_hits(anon) == before + 3


def test_parameters_it_reads_key_the_cache_in_any_order(anon: httpx.Client) -> None:
    first = anon.get("/api/v1/os/", params=[("limit", "2"), ("offset", "1")])
    before = cache_hits(anon)
    reordered = anon.get("/api/v1/os/", params=[("offset", "1"), ("limit", "2"), ("x", "y")])
    assert reordered.content == first.content
    assert reordered.headers["link"] == first.headers["link"]
    assert cache_hits(anon) == before + 1
    other = anon.get("/api/v1/os/", params={"limit": "3"})
    assert len(other.json()) == 3
    assert cache_hits(anon) == before + 1


def test_page_links_repeat_only_the_parameters_the_endpoint_reads(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/releases/", params={"pageSize": 5, "version": 3, "ref": "abc"})
    assert response.status_code == 200
    link = response.headers["link"]
    assert "version=3" in link and "pageSize=5" in link and "ref=" not in link


@pytest.mark.parametrize(
    "query", ["limit=%00", "x=%1B", "x%00=1", "x=%7F", "x=a%EF%BF%BEb", "x=%EF%BF%BF"]
)
def test_a_control_character_in_any_parameter_is_400_naming_it(
    anon: httpx.Client, query: str
) -> None:
    anon.get("/api/v1/os/")
    response = anon.get(f"/api/v1/os/?{query}")
    assert response.status_code == 400, response.text
    body = response.json()
    (error,) = body["extra"]["errors"]
    assert error["source"] == "query"
    assert error["field"] == query.partition("=")[0].replace("%00", "\x00")
    assert "control characters" in body["detail"]


def test_other_text_in_parameters_is_kept(anon: httpx.Client) -> None:
    for value in ("Zürich café", "東京", "a b", "%"):
        assert anon.get("/api/v1/event-locations/", params={"q": value}).status_code == 200
