"""What the search tests share: unique words, pages, and reading hits."""

from __future__ import annotations

import random
from typing import Any

import httpx

from tests.factories import PageFactory, token
from tests.support import created_json

SEARCH = "/api/v1/search/"
PASSWORD = "search passphrase 2026"
LETTERS = "abcdefghijklmnopqrtuvwxyz"  # no "s": a stemmer would take it off a plural


def word(length: int = 12) -> str:
    """A word no other document holds."""
    return "".join(random.choice(LETTERS) for _ in range(length))


def search(client: httpx.Client, query: str, **body: Any) -> httpx.Response:
    return client.post(SEARCH, json={"query": query, **body})


def hits(client: httpx.Client, query: str, **body: Any) -> list[dict[str, Any]]:
    response = search(client, query, **body)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    assert response.headers["X-Total-Count"] == str(len(found)) or "offset" in body
    return found


def keys(found: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(hit["index"], hit["id"]) for hit in found]


def make_page(staff: httpx.Client, title: str, content: str = "", **more: Any) -> dict[str, Any]:
    body = PageFactory.body(
        **{"path": f"/s-{token(12)}/", "title": title, "content": content, **more}
    )
    return created_json(staff.post("/api/pages/", json=body))
