"""VTIMEZONE components: a zone's real offset changes, found once per zone and year."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pydotorg.events.timezones import changes, covered_years, vtimezone
from tests.events.conftest import onsets, vtimezone_of


def offset(key: str, moment: int) -> timedelta:
    return datetime.fromtimestamp(moment, ZoneInfo(key)).utcoffset() or timedelta(0)


def hourly_changes(key: str, year: int) -> list[tuple[int, timedelta, timedelta]]:
    """The changes an hourly reading of the zone sees (slow, and plainly right), each as the
    hour it falls in and the offsets before and after."""
    moment = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
    found, current = [], offset(key, moment)
    while moment < end:
        following = offset(key, moment + 3600)
        if following != current:
            found.append((moment, current, following))
            current = following
        moment += 3600
    return found


@pytest.mark.parametrize(
    ("key", "year", "expected"),
    [
        ("Europe/Berlin", 2031, 2),
        ("America/New_York", 2031, 2),
        ("Australia/Lord_Howe", 2031, 2),  # half an hour of daylight saving time
        ("Africa/Casablanca", 2013, 4),  # daylight saving time paused for Ramadan, 34 days
        ("Asia/Kolkata", 2031, 0),
    ],
)
def test_changes_are_the_zones_real_ones_to_the_second(key: str, year: int, expected: int) -> None:
    found = changes(key, year)
    assert len(found) == expected
    reference = hourly_changes(key, year)
    assert len(reference) == expected
    for (moment, observance), (hour, before, after) in zip(found, reference, strict=True):
        assert hour < moment <= hour + 3600
        assert offset(key, moment - 1) == observance.before == before
        assert offset(key, moment) == observance.after == after
        local = datetime.fromtimestamp(moment, ZoneInfo(key))
        assert observance.name == local.tzname()
        assert observance.daylight == bool(local.dst())


def test_vtimezone_lists_every_change_of_the_years_covered() -> None:
    block = vtimezone("Africa/Casablanca", 2013, 2014)
    assert block[:2] == ("BEGIN:VTIMEZONE", "TZID:Africa/Casablanca")
    (initial, *found) = onsets(vtimezone_of(block))
    assert initial[0] == datetime(2013, 1, 1, tzinfo=UTC) and initial[1] == initial[2]
    expected = [
        (
            datetime.fromtimestamp(moment, UTC),
            o.before,
            o.after,
            "DAYLIGHT" if o.daylight else "STANDARD",
        )
        for year in (2013, 2014)
        for moment, o in changes("Africa/Casablanca", year)
    ]
    assert found == expected
    assert len(found) == 8


def test_daylight_saving_onsets_are_in_the_offset_before_them() -> None:
    """RFC 5545's own example: 2 a.m. local standard time, when clocks jump to 3 a.m."""
    block = vtimezone("America/New_York", 2031, 2031)
    daylight = block.index("BEGIN:DAYLIGHT")
    assert block[daylight + 1] == "DTSTART:20310309T020000"
    assert "TZOFFSETFROM:-0500" in block[daylight:] and "TZNAME:EDT" in block[daylight:]
    standard = block.index("BEGIN:STANDARD", daylight)
    assert block[standard + 1] == "DTSTART:20311102T020000"


def test_covered_years_stay_inside_the_supported_ones() -> None:
    early, late = datetime(1900, 1, 1, tzinfo=UTC), datetime(2200, 12, 31, tzinfo=UTC)
    assert covered_years(early, late) == (1969, 2101)
    assert covered_years(datetime(2031, 5, 1, tzinfo=UTC), datetime(2033, 1, 1, tzinfo=UTC)) == (
        2031,
        2033,
    )
    assert covered_years(late, late) == (2101, 2101)


def test_a_zone_costs_its_years_once() -> None:
    changes.cache_clear()
    vtimezone.cache_clear()
    started = time.process_time()
    first = vtimezone("Pacific/Chatham", *covered_years(datetime(1900, 1, 1), datetime(2200, 1, 1)))
    cold = time.process_time() - started
    started = time.process_time()
    for _ in range(100):
        again = vtimezone("Pacific/Chatham", 1969, 2101)
    warm = (time.process_time() - started) / 100
    assert again == first
    assert changes.cache_info().currsize == 2101 - 1969 + 1
    assert warm < cold / 100
