"""Clients that speak to the python.org-compatible endpoints as python.org's clients do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.factories import ReleaseFactory, source_url, unique
from tests.support import LiveServer


def scheme_client(server: LiveServer, header: str | None) -> httpx.Client:
    headers = {"Authorization": header} if header else {}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=30)


@pytest.fixture
def as_client(server: LiveServer) -> Iterator[Callable[[str | None], httpx.Client]]:
    """``as_client("ApiKey staffer:<key>")``: a client sending that header (or none)."""
    clients: list[httpx.Client] = []

    def make(header: str | None) -> httpx.Client:
        client = scheme_client(server, header)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def v1_staff(server: LiveServer) -> Iterator[httpx.Client]:
    with scheme_client(server, f"ApiKey staffer:{server.credentials['staff']}") as client:
        yield client


@pytest.fixture
def v2_staff(server: LiveServer) -> Iterator[httpx.Client]:
    with scheme_client(server, f"Token {server.credentials['staff']}") as client:
        yield client


@pytest.fixture
def v2_user(server: LiveServer) -> Iterator[httpx.Client]:
    """A signed-in account that is not staff, as v2 reads it (``Token``)."""
    with scheme_client(server, f"Token {server.credentials['user']}") as client:
        yield client


def pk(uri: str) -> int:
    """The id at the end of a URI, as python.org's clients read it."""
    return int(uri.strip("/").split("/")[-1])


@pytest.fixture
def new_release(staff: httpx.Client) -> Iterator[Callable[..., dict[str, Any]]]:
    """Releases of a test's own (``Python 9.<n>.0``), deleted afterwards."""
    made: list[str] = []

    def make(**fields: Any) -> dict[str, Any]:
        response = staff.post("/api/v1/releases/", json=ReleaseFactory.body(**fields))
        assert response.status_code == 201, response.text
        made.append(response.json()["resource_uri"])
        return dict(response.json())

    yield make
    for uri in made:
        staff.delete(uri)


def file_body(
    release: dict[str, Any], os_uri: str, release_uri: str, **extra: Any
) -> dict[str, Any]:
    url = source_url(release["python_version"])
    return {
        "name": "Gzipped source tarball",
        "slug": unique("s", 12),
        "os": os_uri,
        "release": release_uri,
        "description": "",
        "is_source": True,
        "url": url,
        "sha256_sum": "b" * 64,
        "filesize": 1234,
        "download_button": False,
        **extra,
    }
