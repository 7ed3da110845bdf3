"""RSS and Atom feeds of each calendar's upcoming events, parsed with feedparser."""

from __future__ import annotations

from typing import Any

import feedparser
import httpx
import pytest

from pydotorg.events.feeds import describe
from pydotorg.events.recurrence import Occurrence
from tests.events.conftest import create_event, iso, soon


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_lists_upcoming_events_soonest_first(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any], kind: str
) -> None:
    later = create_event(
        staff, calendar, occurrences=[{"all_day": True, "start_date": iso(soon(40))}]
    )
    sooner = create_event(staff, calendar, url="https://example.org/sooner")
    create_event(staff, calendar, occurrences=[{"all_day": True, "start_date": iso(soon(-20))}])
    response = anon.get(f"/api/v1/calendars/{calendar['slug']}/feed/{kind}")
    assert response.status_code == 200
    expected_type = "application/rss+xml" if kind == "rss" else "application/atom+xml"
    assert response.headers["content-type"].startswith(expected_type)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == calendar["name"]
    assert [e.title for e in feed.entries] == [sooner["title"], later["title"]]
    assert feed.entries[0].link == "https://example.org/sooner"
    assert feed.entries[1].link == later["resource_uri"]
    assert "When: " in feed.entries[1].summary
    by_id = anon.get(f"/api/v1/calendars/{calendar['id']}/feed/{kind}")
    assert [e.title for e in feedparser.parse(by_id.content).entries] == [
        e.title for e in feed.entries
    ]


def test_python_events_feed_matches_the_upcoming_list(anon: httpx.Client) -> None:
    feed = feedparser.parse(anon.get("/api/v1/calendars/python-events/feed/rss").content)
    upcoming = anon.get(
        "/api/v1/events/upcoming", params={"calendar": "python-events", "limit": 50}
    )
    assert feed.entries
    assert [e.title for e in feed.entries] == [e["title"] for e in upcoming.json()]


def test_unknown_calendar_feed_is_404(anon: httpx.Client) -> None:
    assert anon.get("/api/v1/calendars/no-such-calendar/feed/rss").status_code == 404
    assert anon.get("/api/v1/calendars/999999/feed/atom").status_code == 404


def test_describe_shows_local_times() -> None:
    from datetime import UTC, datetime

    timed = Occurrence(datetime(2031, 7, 1, 16, tzinfo=UTC), datetime(2031, 7, 1, 18, tzinfo=UTC))
    assert describe(timed, "Europe/Berlin") == "Tue 01 Jul 2031, 18:00 - 20:00 (Europe/Berlin)"
    days = Occurrence(datetime(2031, 7, 1, tzinfo=UTC), datetime(2031, 7, 3, tzinfo=UTC), True)
    assert describe(days, "UTC") == "01 Jul 2031 - 02 Jul 2031"
