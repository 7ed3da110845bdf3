"""The service's one clock: real time by default, or started on a chosen day and running on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from pydotorg.core import clock


@pytest.fixture(autouse=True)
def real_time_around() -> Iterator[None]:
    """Real time before (an app built in this process may have started the clock on its
    ``CLOCK_START``) and after."""
    clock.start_at(None)
    yield
    clock.start_at(None)


def test_the_clock_is_the_real_time_by_default() -> None:
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)


def test_a_started_clock_runs_on_from_its_start() -> None:
    start = datetime(2030, 2, 3, 4, 5, tzinfo=UTC)
    clock.start_at(start)
    first = clock.now()
    assert timedelta(0) <= first - start < timedelta(seconds=1)
    assert clock.now() >= first
    assert clock.today() == date(2030, 2, 3)
