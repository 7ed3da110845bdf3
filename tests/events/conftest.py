"""Shared helpers of the events tests: each test makes its own calendar, so what it counts is
only what it created, whatever else the session's shared server holds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import icalendar
import pytest

from tests.factories import CalendarFactory, EventFactory
from tests.support import LiveServer, created_json, new_user, now

PASSWORD = "events passphrase 2026"


def today() -> date:
    return now().date()


def iso(day: date) -> str:
    return day.isoformat()


def soon(days: int) -> date:
    return today() + timedelta(days=days)


def event_body(calendar: dict[str, Any], /, **overrides: Any) -> dict[str, Any]:
    """An event in ``calendar``, an evening a month from today unless ``overrides`` say."""
    return EventFactory.body(**{"calendar": calendar["id"], **overrides})


def onsets(vtimezone: Any) -> list[tuple[datetime, timedelta, timedelta, str]]:
    """Each onset of a parsed VTIMEZONE as (UTC instant, offset before, offset after, kind),
    read as RFC 5545 says: DTSTART and RDATE are local times in the offset before the onset
    (TZOFFSETFROM)."""
    found = []
    for observance in vtimezone.walk("STANDARD") + vtimezone.walk("DAYLIGHT"):
        before, after = observance["TZOFFSETFROM"].td, observance["TZOFFSETTO"].td
        local_times = [observance["DTSTART"].dt]
        rdates = observance.get("RDATE")
        for rdate in rdates if isinstance(rdates, list) else [rdates] if rdates else []:
            local_times += [period.dt for period in rdate.dts]
        for local in local_times:
            found.append(((local - before).replace(tzinfo=UTC), before, after, observance.name))
    return sorted(found)


def vtimezone_of(block: tuple[str, ...]) -> Any:
    """A VTIMEZONE's lines, parsed."""
    lines = ["BEGIN:VCALENDAR", *block, "END:VCALENDAR", ""]
    return icalendar.Calendar.from_ical("\r\n".join(lines)).walk("VTIMEZONE")[0]


def create_event(
    staff: httpx.Client, calendar: dict[str, Any], /, **overrides: Any
) -> dict[str, Any]:
    return created_json(staff.post("/api/v1/events/", json=event_body(calendar, **overrides)))


@pytest.fixture
def calendar(staff: httpx.Client) -> dict[str, Any]:
    return make_calendar(staff)


def make_calendar(staff: httpx.Client) -> dict[str, Any]:
    """A calendar of the test's own (the seeded calendars keep their shipped counts)."""
    return created_json(staff.post("/api/v1/calendars/", json=CalendarFactory.body()))


@pytest.fixture(scope="module")
def submitter(server: LiveServer) -> Iterator[httpx.Client]:
    """A freshly registered user, signed in with a JWT (one per module: hashing is slow)."""
    with new_user(server, PASSWORD) as client:
        yield client
