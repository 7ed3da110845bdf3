"""The shipped events: python.org's calendars and the conference list, loaded completely and
idempotently, with all-day end dates read the way each source means them."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from pydotorg.data import load
from pydotorg.db.seed import seed
from pydotorg.domains import DOMAINS
from tests.support import LiveServer, now


def find(client: httpx.Client, title: str, day: str, calendar: str) -> list[dict[str, Any]]:
    """The events titled ``title`` (as seeded: white space collapsed) on ``day``."""
    title = " ".join(title.split())
    response = client.get(
        "/api/v1/events/",
        params={"q": title, "date_from": day, "date_to": day, "calendar": calendar, "limit": 1000},
    )
    assert response.status_code == 200, response.text
    return [e for e in response.json() if e["title"] == title]


def test_every_shipped_event_is_loaded(anon: httpx.Client) -> None:
    records = load("events_calendar")
    conferences = load("conferences")
    assert (len(records), len(conferences)) == (1777, 451)
    groups = anon.get("/api/v1/events/", params={"calendar": "python-user-groups", "limit": 1})
    events = anon.get("/api/v1/events/", params={"calendar": "python-events", "limit": 1})
    in_groups = sum(r["calendar"] == "python-user-groups" for r in records)
    assert int(groups.headers["x-total-count"]) == in_groups
    assert int(events.headers["x-total-count"]) == len(records) - in_groups + len(conferences)


def test_seeding_again_changes_nothing(server: LiveServer) -> None:
    counts = asyncio.run(seed(server.database_url, DOMAINS))
    keys = {"event_calendars", "event_categories", "event_locations", "events"}
    assert keys <= set(counts)
    assert {counts[k] for k in keys} == {0}


def test_calendar_all_day_ends_are_exclusive_and_times_are_utc(anon: httpx.Client) -> None:
    records = load("events_calendar")
    for record in records[::97]:
        day = record["start"][:10]
        (event,) = [
            e
            for e in find(anon, record["title"], day, record["calendar"])
            if e["uid"] == record["uid"]
        ]
        (occurrence,) = event["occurrences"]
        if len(record["start"]) == 10:
            last = date.fromisoformat(record["end"]) - timedelta(days=1)
            assert occurrence["all_day"] is True
            assert (occurrence["start_date"], occurrence["end_date"]) == (
                record["start"],
                last.isoformat(),
            )
        else:
            start = datetime.fromisoformat(record["start"].replace("Z", "+00:00"))
            assert datetime.fromisoformat(occurrence["dt_start"]) == start
            assert occurrence["all_day"] is False
        if record["latitude"] is not None:
            assert event["venue"]["latitude"] == record["latitude"]
            assert event["venue"]["longitude"] == record["longitude"]


def test_conference_end_dates_are_inclusive(anon: httpx.Client) -> None:
    for record in load("conferences")[::23]:
        matches = find(anon, record["title"], record["start"], "python-events")
        assert matches, record
        ends = {e["occurrences"][0]["end_date"] for e in matches}
        assert max(record["end"], record["start"]) in ends
        assert all(e["occurrences"][0]["all_day"] for e in matches)
        assert all(e["categories"][0]["slug"] == "conference" for e in matches)


def test_new_events_get_ids_after_the_shipped_ones(staff: httpx.Client) -> None:
    calendar = staff.get("/api/v1/calendars/slug/python-user-groups").json()
    moment = now() + timedelta(days=400)
    body = {
        "title": "Seed id check",
        "calendar": calendar["id"],
        "occurrences": [
            {"dt_start": moment.isoformat(), "dt_end": (moment + timedelta(hours=1)).isoformat()}
        ],
    }
    created = staff.post("/api/v1/events/", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["id"] > len(load("events_calendar")) + len(load("conferences"))
    assert staff.delete(created.json()["resource_uri"]).status_code == 204


def test_a_seeded_event_describes_itself_from_its_facts(anon: httpx.Client) -> None:
    """The organisers' descriptions are not shipped: the seed writes a line of facts."""
    first = load("events_calendar")[0]
    event = anon.get("/api/v1/events/1").json()
    assert (event["uid"], event["title"]) == (first["uid"], "PyCon PL 2012")
    assert event["description"] == (
        'PyCon PL 2012, Masłów, Poland: an entry of python.org\'s "Python Events" calendar. '
        "Details: http://pl.pycon.org/2012/"
    )
    conference = anon.get(f"/api/v1/events/{len(load('events_calendar')) + 1}").json()
    record = load("conferences")[0]
    assert conference["title"] == record["title"]
    assert conference["description"] == f"Location: {record['location']}\nSponsorship: " + str(
        record["sponsorship_url"]
    )
