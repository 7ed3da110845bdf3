"""Fixtures: ``server`` is the real app over HTTP, once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import LiveServer, postgres_database, run_server

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=ENGINES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    engine: str = request.param
    var_dir: Path = tmp_path_factory.mktemp(f"var-{engine}")
    if engine == "sqlite":
        with run_server(engine, f"sqlite+aiosqlite:///{var_dir / 'test.sqlite3'}", var_dir) as live:
            yield live
    else:
        with postgres_database() as url, run_server(engine, url, var_dir) as live:
            yield live


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A SQLite-only server, for tests about the HTTP layer rather than the database."""
    var_dir = tmp_path_factory.mktemp("var-http")
    with run_server("sqlite", f"sqlite+aiosqlite:///{var_dir / 'test.sqlite3'}", var_dir) as live:
        yield live


@pytest.fixture
def anon(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def staff(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client("staff") as client:
        yield client


@pytest.fixture
def user(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client("user") as client:
        yield client


@pytest.fixture
def client_with_header(server: LiveServer) -> Iterator[Callable[[str], httpx.Client]]:
    """Clients that send a given raw ``Authorization`` header."""
    clients: list[httpx.Client] = []

    def make(header: str) -> httpx.Client:
        client = httpx.Client(base_url=server.base_url, headers={"Authorization": header})
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
