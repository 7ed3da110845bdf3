"""Fixtures: ``server`` is the real app over HTTP, once on SQLite and once on PostgreSQL.

A failed test's report ends with what each server it used logged while it ran. Their databases
are copies of the run's template databases (``tests/support.py``), removed when the run ends.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator

import httpx
import pytest

from tests.support import LiveServer, drop_templates, read_log, run_id, seeded_server

ENGINES = ["sqlite", "postgresql"]
LOG_STARTS = pytest.StashKey[dict[str, int]]()


def pytest_configure(config: pytest.Config) -> None:
    """Choose the run's id before pytest-xdist starts its workers, so they share the templates."""
    run_id()


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the main process, after every worker has finished
        drop_templates()


# Tests that take minutes (schemathesis over every operation): they start first, at the head of
# one worker's queue, so that pytest-xdist's work stealing (``--dist worksteal``, pyproject)
# shares every other test around them rather than leaving one worker alone with them at the end.
LONGEST_FIRST = ("tests/test_fuzzing.py",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))


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
    with seeded_server("sqlite", tmp_path_factory.mktemp("var-sqlite")) as live:
        yield live


@pytest.fixture(scope="session")
def postgresql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with seeded_server("postgresql", tmp_path_factory.mktemp("var-postgresql")) as live:
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
