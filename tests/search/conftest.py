"""The search tests' fixtures: a signed-in member, and servers holding the shipped data alone."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.search.support import PASSWORD
from tests.support import LiveServer, new_user, seeded_server


@pytest.fixture
def member(server: LiveServer) -> Iterator[httpx.Client]:
    """A freshly registered user, signed in."""
    with new_user(server, PASSWORD) as client:
        yield client


@pytest.fixture(scope="session")
def as_shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    """A SQLite and a PostgreSQL server on the shipped data alone, which no test writes to:
    what other tests write on the shared servers would change the judged queries' rankings
    and counts."""
    with (
        seeded_server("sqlite", tmp_path_factory.mktemp("var-shipped-sqlite")) as lite,
        seeded_server("postgresql", tmp_path_factory.mktemp("var-shipped-postgresql")) as pg,
    ):
        yield lite, pg


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A seeded server of its own, for a test that reads or rebuilds its whole index."""
    with seeded_server(request.param, tmp_path_factory.mktemp("var-fresh")) as live:
        yield live
