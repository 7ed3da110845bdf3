"""Fixtures: ``server`` is the real app over HTTP, once on SQLite and once on PostgreSQL.

A failed test's report ends with what each server it used logged while it ran.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator

import httpx
import pytest

from tests.support import LiveServer, postgres_database, read_log, run_server

ENGINES = ["sqlite", "postgresql"]
LOG_STARTS = pytest.StashKey[dict[str, int]]()


def live_servers(item: pytest.Item) -> dict[str, LiveServer]:
    """The servers a test uses, directly or through another fixture, by fixture name."""
    servers: dict[str, LiveServer] = {}
    for name, value in getattr(item, "funcargs", {}).items():
        if isinstance(value, LiveServer) and value not in servers.values():
            servers[name] = value
    return servers


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    item.stash[LOG_STARTS] = {
        name: live.log_path.stat().st_size for name, live in live_servers(item).items()
    }
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test's report shows what each of its servers logged while it ran."""
    report: pytest.TestReport = yield
    if report.failed:
        starts = item.stash.get(LOG_STARTS, {})
        for name, live in live_servers(item).items():
            text = read_log(live.log_path, starts.get(name, 0)) or "(nothing while this test ran)"
            report.sections.append((f"server log: {name} ({live.log_path})", text))
    return report


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The SQLite server; tests about the HTTP layer rather than the database use it alone."""
    var_dir = tmp_path_factory.mktemp("var-sqlite")
    with run_server("sqlite", f"sqlite+aiosqlite:///{var_dir / 'test.sqlite3'}", var_dir) as live:
        yield live


@pytest.fixture(scope="session")
def postgresql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    var_dir = tmp_path_factory.mktemp("var-postgresql")
    with postgres_database() as url, run_server("postgresql", url, var_dir) as live:
        yield live


@pytest.fixture(scope="session", params=ENGINES)
def server(request: pytest.FixtureRequest) -> LiveServer:
    live: LiveServer = request.getfixturevalue(f"{request.param}_server")
    return live


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
