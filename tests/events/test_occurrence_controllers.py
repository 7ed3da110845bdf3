"""The expanded occurrences of a date range: single and recurring, in each event's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from pydotorg.data import load
from tests.events.conftest import create_event, event_body, iso, soon, today

BERLIN = ZoneInfo("Europe/Berlin")


def occurrences(client: httpx.Client, **params: Any) -> httpx.Response:
    response = client.get("/api/v1/event-occurrences/", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return response


def test_default_range_is_the_next_year_of_real_conferences(anon: httpx.Client) -> None:
    first, last = today(), today() + timedelta(days=365)
    expected = []
    for record in load("conferences"):
        start = date.fromisoformat(record["start"])
        end = max(date.fromisoformat(record["end"]), start)
        if start <= last and end >= first:
            expected.append((record["title"], record["start"]))
    found = occurrences(anon, calendar="python-events").json()
    assert sorted((o["title"], o["start_date"]) for o in found) == sorted(expected)
    starts = [datetime.fromisoformat(o["dt_start"]) for o in found]
    assert starts == sorted(starts)
    assert all(o["all_day"] and not o["recurring"] for o in found)


def test_weekly_rule_across_the_spring_change_stays_at_local_time(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    event = create_event(
        staff,
        calendar,
        occurrences=[],
        rules=[
            {
                "dt_start": "2031-03-13T18:00:00",
                "dt_end": "2031-03-13T20:00:00",
                "frequency": "weekly",
                "by_day": ["TH"],
                "until": "2031-04-10T18:00:00",
            }
        ],
    )
    (rule,) = event["rules"]
    assert rule["rrule"] == "FREQ=WEEKLY;UNTIL=20310410T160000Z;BYDAY=TH"
    found = occurrences(
        anon, event=event["id"], date_from="2031-03-01", date_to="2031-12-31"
    ).json()
    local = [datetime.fromisoformat(o["dt_start"]).astimezone(BERLIN) for o in found]
    assert [d.day for d in local] == [13, 20, 27, 3, 10]
    assert {d.strftime("%a %H:%M") for d in local} == {"Thu 18:00"}
    utc_hours = [datetime.fromisoformat(o["dt_start"]).astimezone(UTC).hour for o in found]
    assert utc_hours == [17, 17, 17, 16, 16]
    assert all(o["recurring"] and o["event"] == event["id"] for o in found)
    assert event["rules"][0]["until"].startswith("2031-04-10T18:00:00+02:00")


def test_count_and_range_limit_the_expansion(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    start = soon(3)
    create_event(
        staff,
        calendar,
        time_zone="UTC",
        occurrences=[
            {"dt_start": f"{iso(soon(1))}T08:00:00", "dt_end": f"{iso(soon(1))}T09:00:00"}
        ],
        rules=[{"all_day": True, "start_date": iso(start), "frequency": "daily", "count": 10}],
    )
    mine = {"calendar": calendar["slug"]}
    found = occurrences(anon, **mine).json()
    assert len(found) == 11
    assert [o["recurring"] for o in found] == [False] + [True] * 10
    assert [o["start_date"] for o in found[1:]] == [
        iso(start + timedelta(days=n)) for n in range(10)
    ]
    window = occurrences(
        anon,
        **mine,
        date_from=iso(start + timedelta(days=2)),
        date_to=iso(start + timedelta(days=4)),
    )
    assert [o["start_date"] for o in window.json()] == [
        iso(start + timedelta(days=n)) for n in (2, 3, 4)
    ]
    page = occurrences(anon, **mine, limit=4, offset=8)
    assert page.headers["x-total-count"] == "11" and len(page.json()) == 3


def test_endless_rules_expand_only_inside_the_range(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    create_event(
        staff,
        calendar,
        occurrences=[],
        rules=[
            {
                "dt_start": "2020-01-01T12:00:00",
                "dt_end": "2020-01-01T13:00:00",
                "frequency": "weekly",
            }
        ],
    )
    found = occurrences(
        anon, calendar=calendar["slug"], date_from="2030-02-01", date_to="2030-02-28"
    ).json()
    assert [o["dt_start"][:10] for o in found] == [
        f"2030-02-{day}" for day in ("06", "13", "20", "27")
    ]
    assert {datetime.fromisoformat(o["dt_start"]).astimezone(BERLIN).hour for o in found} == {12}


def test_bad_ranges_are_refused(anon: httpx.Client) -> None:
    too_long = anon.get(
        "/api/v1/event-occurrences/", params={"date_from": "2020-01-01", "date_to": "2030-01-01"}
    )
    assert too_long.status_code == 422
    assert too_long.json()["extra"]["errors"][0]["field"] == "date_to"
    backwards = anon.get(
        "/api/v1/event-occurrences/", params={"date_from": "2020-01-02", "date_to": "2020-01-01"}
    )
    assert backwards.status_code == 422
    assert anon.get("/api/v1/event-occurrences/", params={"date_to": "someday"}).status_code == 400


def daily(start: str, count: int, hour: int = 18) -> dict[str, Any]:
    return {
        "dt_start": f"{start}T{hour:02}:00:00",
        "dt_end": f"{start}T{hour:02}:30:00",
        "frequency": "daily",
        "count": count,
    }


def test_an_event_expands_to_at_most_5000_occurrences(
    submitter: httpx.Client, staff: httpx.Client, calendar: dict[str, Any]
) -> None:
    """The expansion bound is the whole event's: ten rules of 5,000 each are refused at the
    second, naming it, and nothing is stored; 5,000 in all, single and recurring, are kept."""

    def submit(**overrides: Any) -> httpx.Response:
        return submitter.post("/api/v1/events/submit", json=event_body(calendar, **overrides))

    refused = submit(occurrences=[], rules=[daily("2031-01-01", 5000)] * 10)
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["extra"]["errors"]
    assert error["field"] == "rules[1]"
    assert "at most 5000 occurrences in all" in error["message"]
    one_over = submit(rules=[daily("2031-01-01", 2500), daily("2031-01-01", 2500, hour=9)])
    assert one_over.status_code == 422, one_over.text
    assert one_over.json()["extra"]["errors"][0]["field"] == "rules[1]"
    mine = submitter.get("/api/v1/events/", params={"calendar": calendar["id"], "limit": 10})
    assert mine.json() == []

    kept = submit(rules=[daily("2031-01-01", 2500), daily("2031-01-01", 2499, hour=9)])
    assert kept.status_code == 201, kept.text
    found = occurrences(
        staff, event=kept.json()["id"], date_from="2031-01-01", date_to="2031-12-31", limit=3
    )
    assert found.headers["X-Total-Count"] == str(2 * 365)
    starts = [datetime.fromisoformat(o["dt_start"]) for o in found.json()]
    assert [(s.day, s.hour) for s in starts] == [(1, 9), (1, 18), (2, 9)]
    assert all(o["recurring"] for o in found.json())


def test_written_out_occurrences_follow_every_change_of_the_event(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    """Every occurrence of a rule is written when the event is: a new zone, new rules, and
    deleting the event change what the occurrences, the date filters and the next occurrence
    answer."""
    weekly = {
        "all_day": True,
        "start_date": "2031-03-06",
        "frequency": "weekly",
        "count": 4,
    }
    event = create_event(staff, calendar, occurrences=[], rules=[weekly])
    window = {"event": event["id"], "date_from": "2031-01-01", "date_to": "2031-12-31"}
    assert [o["start_date"] for o in occurrences(anon, **window).json()] == [
        "2031-03-06",
        "2031-03-13",
        "2031-03-20",
        "2031-03-27",
    ]
    moved = staff.patch(f"/api/v1/events/{event['id']}", json={"time_zone": "America/New_York"})
    assert moved.status_code == 200, moved.text
    new_york = ZoneInfo("America/New_York")
    found = occurrences(anon, **window).json()
    assert [o["start_date"] for o in found] == [
        "2031-03-06",
        "2031-03-13",
        "2031-03-20",
        "2031-03-27",
    ]
    for o in found:
        start = datetime.fromisoformat(o["dt_start"])
        assert start == datetime.fromisoformat(o["start_date"]).replace(tzinfo=new_york)
    assert moved.json()["next_occurrence"]["start_date"] == "2031-03-06"

    replaced = staff.patch(
        f"/api/v1/events/{event['id']}",
        json={"rules": [{**weekly, "start_date": "2031-06-05", "count": 2}]},
    )
    assert replaced.status_code == 200, replaced.text
    dates = [o["start_date"] for o in occurrences(anon, **window).json()]
    assert dates == ["2031-06-05", "2031-06-12"]
    listed = anon.get(
        "/api/v1/events/",
        params={"calendar": calendar["id"], "date_from": "2031-03-01", "date_to": "2031-03-31"},
    )
    assert listed.json() == []
    listed = anon.get(
        "/api/v1/events/",
        params={"calendar": calendar["id"], "date_from": "2031-06-10", "date_to": "2031-06-12"},
    )
    assert [e["id"] for e in listed.json()] == [event["id"]]
    assert listed.json()[0]["next_occurrence"]["start_date"] == "2031-06-05"

    assert staff.delete(f"/api/v1/events/{event['id']}").status_code == 204
    gone = anon.get("/api/v1/event-occurrences/", params=window)
    assert gone.status_code == 200 and gone.json() == []
    assert gone.headers["X-Total-Count"] == "0"


def test_the_largest_offset_is_an_empty_page(anon: httpx.Client) -> None:
    """The window's end stays within 64 bits (an offset of 2^63 - 1 was a 500 on SQLite)."""
    response = anon.get(
        "/api/v1/event-occurrences",
        params={"date_from": "2020-01-01", "date_to": "2020-12-31", "offset": str(2**63 - 1)},
    )
    assert response.status_code == 200, response.text
    assert response.json() == []
