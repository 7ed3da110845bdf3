"""Paths served with a trailing slash (``web.slashes``): the edge answers each without it
with a 301 to it, and the OpenAPI document lists it with its slash."""

from __future__ import annotations

from typing import Annotated

import httpx
import pytest
from litestar import Controller, Litestar, get
from litestar.params import PathParameter

from pydotorg.core.endpoints import SLASHED_KEY
from pydotorg.web.slashes import SlashedPaths, document_slashes


class Slashed(Controller):
    path = "/old"
    opt = {SLASHED_KEY: True}

    @get("/")
    async def listed(self) -> str:
        return "list"

    @get("/{key:int}")
    async def one(self, key: Annotated[int, PathParameter()]) -> int:
        return key


class Plain(Controller):
    path = "/new"

    @get("/")
    async def listed(self) -> str:
        return "list"


@pytest.fixture(scope="module")
def app() -> Litestar:
    return Litestar([Slashed, Plain])


def test_a_slashed_path_without_its_slash_is_sent_to_it(app: Litestar) -> None:
    slashed = SlashedPaths(app)
    assert slashed.location("/old", None, b"") == b"/old/"
    assert slashed.location("/old/3", b"/old/3", b"a=1&b=%20") == b"/old/3/?a=1&b=%20"
    assert slashed.location("/old/a%2Fb", b"/old/a%252Fb", b"") == b"/old/a%252Fb/"
    for path in ("/old/", "/old/3/", "/new", "/oldest", "/old/3/4"):
        assert slashed.location(path, None, b"") is None, path


def test_the_document_lists_slashed_paths_with_their_slash(app: Litestar) -> None:
    document = app.openapi_schema
    document_slashes(app, document)
    assert set(document.paths or {}) == {"/old/", "/old/{key}/", "/new"}


def test_an_app_without_slashed_paths_sends_nothing(app: Litestar) -> None:
    assert SlashedPaths(Litestar([Plain])).location("/new", None, b"") is None


def test_the_served_301_carries_the_edges_headers(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/downloads/os?limit=1", headers={"X-Request-ID": "slash-0001"})
    assert response.status_code == 301
    assert response.headers["location"] == "/api/v1/downloads/os/?limit=1"
    assert response.headers["x-request-id"] == "slash-0001"
    assert response.headers["x-content-type-options"] == "nosniff"
    head = anon.head("/api/v1/downloads/os")
    assert head.status_code == 301 and head.content == b""
