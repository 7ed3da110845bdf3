"""The events endpoints at the guide's paths, read side: the guide's examples on the real data,
upcoming ordering, filters and lookups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from pydotorg.data import load
from tests.events.conftest import create_event, iso, soon, today
from tests.factories import unique
from tests.support import now


def shipped_spans() -> list[tuple[dict[str, Any], datetime, datetime]]:
    """(record, start, end) of every shipped event, read independently of the seeding code:
    calendar all-day ends are exclusive (iCalendar), conference end dates inclusive."""

    def day(value: str) -> datetime:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)

    spans = []
    for record in load("events_calendar"):
        if len(record["start"]) == 10:
            spans.append((record, day(record["start"]), day(record["end"])))
        else:
            start = datetime.fromisoformat(record["start"].replace("Z", "+00:00"))
            spans.append(
                (record, start, datetime.fromisoformat(record["end"].replace("Z", "+00:00")))
            )
    for record in load("conferences"):
        start = day(record["start"])
        end = max(day(record["end"]), start) + timedelta(days=1)
        spans.append((record, start, end))
    return spans


def shipped_upcoming() -> list[dict[str, Any]]:
    moment = now()
    return [record for record, _, end in shipped_spans() if end >= moment]


def next_starts(events: list[dict[str, Any]]) -> list[datetime]:
    return [datetime.fromisoformat(e["next_occurrence"]["dt_start"]) for e in events]


# The guide's examples -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/events?upcoming=true", "/api/v1/events/?upcoming=true"])
def test_guide_upcoming_filter_returns_the_real_future_conferences(
    anon: httpx.Client, path: str
) -> None:
    response = anon.get(f"{path}&calendar=python-events")
    assert response.status_code == 200
    events = response.json()
    expected = shipped_upcoming()
    assert expected, "the shipped conferences run to 2028"
    assert int(response.headers["x-total-count"]) == len(events) == len(expected)
    assert sorted(e["title"] for e in events) == sorted(r["title"] for r in expected)
    starts = next_starts(events)
    assert starts == sorted(starts)
    moment = now()
    assert all(datetime.fromisoformat(e["next_occurrence"]["dt_end"]) >= moment for e in events)


def test_guide_upcoming_endpoint_matches_the_filter(anon: httpx.Client) -> None:
    upcoming = anon.get("/api/v1/events/upcoming", params={"limit": 1000})
    filtered = anon.get("/api/v1/events/", params={"upcoming": "true", "limit": 1000})
    assert upcoming.status_code == filtered.status_code == 200
    assert [e["id"] for e in upcoming.json()] == [e["id"] for e in filtered.json()]
    assert upcoming.headers["x-total-count"] == filtered.headers["x-total-count"]
    starts = next_starts(upcoming.json())
    assert starts == sorted(starts)
    titles = {e["title"] for e in upcoming.json()}
    assert {r["title"] for r in shipped_upcoming()} <= titles


def test_guide_featured_lists_upcoming_featured_events(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/events/featured")
    assert response.status_code == 200
    events = response.json()
    assert all(e["featured"] and e["next_occurrence"] for e in events)
    expected = [r for r in shipped_upcoming() if r["title"].startswith("PyCon US")]
    assert expected
    assert {r["title"] for r in expected} <= {e["title"] for e in events}
    starts = next_starts(events)
    assert starts == sorted(starts)


# Upcoming ordering --------------------------------------------------------------------------


def test_upcoming_orders_by_next_occurrence_not_by_first_start(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    first = today() - timedelta(days=700)
    weekly = create_event(
        staff,
        calendar,
        title=unique("weekly"),
        occurrences=[],
        rules=[
            {
                "dt_start": f"{iso(first)}T19:00:00",
                "dt_end": f"{iso(first)}T21:00:00",
                "by_day": [weekday[first.weekday()]],
            }
        ],
    )
    ongoing = create_event(
        staff,
        calendar,
        title=unique("ongoing"),
        occurrences=[{"all_day": True, "start_date": iso(soon(-1)), "end_date": iso(soon(1))}],
    )
    later = create_event(
        staff,
        calendar,
        title=unique("later"),
        occurrences=[
            {"dt_start": f"{iso(soon(-30))}T10:00:00", "dt_end": f"{iso(soon(-30))}T12:00:00"},
            {"dt_start": f"{iso(soon(20))}T10:00:00", "dt_end": f"{iso(soon(20))}T12:00:00"},
        ],
    )
    past = create_event(
        staff,
        calendar,
        title=unique("past"),
        occurrences=[
            {"dt_start": f"{iso(soon(-3))}T10:00:00", "dt_end": f"{iso(soon(-3))}T12:00:00"}
        ],
    )
    mine = {"calendar": calendar["slug"]}
    upcoming = anon.get("/api/v1/events/upcoming", params=mine).json()
    assert [e["id"] for e in upcoming] == [ongoing["id"], weekly["id"], later["id"]]
    assert upcoming[2]["next_occurrence"]["dt_start"] == later["occurrences"][1]["dt_start"]
    weekly_next = datetime.fromisoformat(upcoming[1]["next_occurrence"]["dt_start"])
    weekly_end = datetime.fromisoformat(upcoming[1]["next_occurrence"]["dt_end"])
    moment = now()
    assert weekly_end >= moment and weekly_next - moment <= timedelta(days=7)
    assert weekly_next.strftime("%a %H:%M") == f"{first:%a} 19:00"
    ended = anon.get("/api/v1/events/", params={**mine, "upcoming": "false"}).json()
    assert [e["id"] for e in ended] == [past["id"]]
    assert ended[0]["next_occurrence"] is None
    newest_first = anon.get("/api/v1/events/", params=mine).json()
    assert [e["id"] for e in newest_first] == [ongoing["id"], past["id"], later["id"], weekly["id"]]
    paged = anon.get("/api/v1/events/upcoming", params={**mine, "limit": 1, "offset": 1})
    assert [e["id"] for e in paged.json()] == [weekly["id"]]
    assert paged.headers["x-total-count"] == "3"
    assert 'rel="next"' in paged.headers["link"] and 'rel="prev"' in paged.headers["link"]


def test_featured_only_lists_featured_events_still_to_come(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    soon_one = create_event(
        staff, calendar, featured=True, occurrences=[{"all_day": True, "start_date": iso(soon(3))}]
    )
    create_event(
        staff, calendar, featured=False, occurrences=[{"all_day": True, "start_date": iso(soon(2))}]
    )
    create_event(
        staff, calendar, featured=True, occurrences=[{"all_day": True, "start_date": iso(soon(-5))}]
    )
    later_one = create_event(
        staff, calendar, featured=True, occurrences=[{"all_day": True, "start_date": iso(soon(9))}]
    )
    featured = anon.get("/api/v1/events/featured", params={"calendar": calendar["id"]}).json()
    assert [e["id"] for e in featured] == [soon_one["id"], later_one["id"]]


# Lookups and filters ------------------------------------------------------------------------


def test_list_is_newest_first_with_pagination_headers(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/events/", params={"limit": 50, "offset": 10})
    assert response.status_code == 200
    total = int(response.headers["x-total-count"])
    assert total >= len(shipped_spans())
    starts = [datetime.fromisoformat(e["occurrences"][0]["dt_start"]) for e in response.json()]
    assert len(starts) == 50 and starts == sorted(starts, reverse=True)
    assert 'rel="prev"' in response.headers["link"] and 'rel="last"' in response.headers["link"]


def test_get_by_id_and_slug(anon: httpx.Client) -> None:
    event = anon.get(
        "/api/v1/events/", params={"calendar": "python-user-groups", "limit": 1}
    ).json()[0]
    assert anon.get(f"/api/v1/events/{event['id']}").json() == event
    assert anon.get(f"/api/v1/events/slug/{event['slug']}").json() == event
    assert event["calendar_slug"] == "python-user-groups"
    assert anon.get("/api/v1/events/99999999").status_code == 404
    assert anon.get("/api/v1/events/slug/no-such-event").json()["status_code"] == 404


def test_calendar_category_and_location_filters(anon: httpx.Client) -> None:
    spans = shipped_spans()
    groups = sum(1 for r, _, _ in spans if r.get("calendar") == "python-user-groups")
    by_slug = anon.get("/api/v1/events/", params={"calendar": "python-user-groups", "limit": 1})
    by_id = anon.get(
        "/api/v1/events/", params={"calendar": by_slug.json()[0]["calendar"], "limit": 1}
    )
    assert int(by_slug.headers["x-total-count"]) == int(by_id.headers["x-total-count"]) == groups
    conferences = anon.get("/api/v1/events/", params={"category": "conference", "limit": 1})
    assert int(conferences.headers["x-total-count"]) == len(spans) - groups
    venue = next(
        e["venue"]
        for e in anon.get("/api/v1/events/", params={"calendar": "python-events"}).json()
        if e["venue"]
    )
    at_venue = anon.get("/api/v1/events/", params={"location": venue["slug"], "limit": 1000}).json()
    assert at_venue and all(e["venue"]["id"] == venue["id"] for e in at_venue)
    same = anon.get("/api/v1/events/", params={"location": venue["id"], "limit": 1000}).json()
    assert [e["id"] for e in same] == [e["id"] for e in at_venue]
    assert anon.get("/api/v1/events/", params={"calendar": "no-such-calendar"}).json() == []


def test_text_query_is_case_insensitive_and_literal(anon: httpx.Client) -> None:
    found = anon.get("/api/v1/events/", params={"q": "EUROPYTHON", "limit": 1000}).json()
    assert found
    assert all("europython" in (e["title"] + e["description"]).lower() for e in found)
    expected = {r["title"] for r, _, _ in shipped_spans() if "europython" in r["title"].lower()}
    assert expected <= {e["title"] for e in found}
    assert anon.get("/api/v1/events/", params={"q": "%"}).json() == []
    assert anon.get("/api/v1/events/", params={"q": "x" * 201}).status_code == 400


def test_date_range_keeps_events_happening_in_it(anon: httpx.Client) -> None:
    low, high = date(2018, 5, 1), date(2018, 5, 31)
    after = datetime.combine(low, datetime.min.time(), UTC)
    before = datetime.combine(high + timedelta(days=1), datetime.min.time(), UTC)
    expected = sorted(r["title"] for r, s, e in shipped_spans() if s < before and e > after)
    response = anon.get(
        "/api/v1/events/", params={"date_from": iso(low), "date_to": iso(high), "limit": 1000}
    )
    assert response.status_code == 200
    assert sorted(e["title"] for e in response.json()) == expected
    assert int(response.headers["x-total-count"]) == len(expected)
    after_only = anon.get(
        "/api/v1/events/", params={"date_from": iso(soon(1)), "calendar": "python-events"}
    )
    assert {e["title"] for e in after_only.json()} <= {r["title"] for r in shipped_upcoming()}
    backwards = anon.get(
        "/api/v1/events/", params={"date_from": "2020-01-02", "date_to": "2020-01-01"}
    )
    assert backwards.status_code == 422
    assert backwards.json()["extra"]["errors"][0]["field"] == "date_to"
    assert anon.get("/api/v1/events/", params={"date_from": "not-a-date"}).status_code == 400


def test_date_range_over_a_recurring_event_is_exact(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    start = date(2031, 1, 6)
    event = create_event(
        staff,
        calendar,
        occurrences=[],
        rules=[
            {
                "dt_start": f"{iso(start)}T10:00:00",
                "dt_end": f"{iso(start)}T11:00:00",
                "frequency": "monthly",
                "count": 6,
            }
        ],
    )
    mine = {"calendar": calendar["slug"]}
    hit = anon.get(
        "/api/v1/events/", params={**mine, "date_from": "2031-03-06", "date_to": "2031-03-06"}
    )
    assert [e["id"] for e in hit.json()] == [event["id"]]
    miss = anon.get(
        "/api/v1/events/", params={**mine, "date_from": "2031-03-07", "date_to": "2031-04-05"}
    )
    assert miss.json() == [] and miss.headers["x-total-count"] == "0"
    beyond = anon.get("/api/v1/events/", params={**mine, "date_from": "2031-06-07"})
    assert beyond.json() == []


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 1001}, {"offset": -1}, {"status": "bogus"}, {"upcoming": "maybe"}],
)
def test_bad_list_parameters_are_400(anon: httpx.Client, params: dict[str, Any]) -> None:
    response = anon.get("/api/v1/events/", params=params)
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "status_code", "extra"}


# Odd query parameters (issue 11) -----------------------------------------------------------


def test_a_calendar_key_in_superscript_digits_is_a_slug_that_matches_nothing(
    anon: httpx.Client,
) -> None:
    """'²' is a digit to str.isdigit but no id: it is looked up as a slug, and matches nothing."""
    listed = anon.get("/api/v1/events/?calendar=%C2%B2")
    assert listed.status_code == 200
    assert listed.json() == [] and listed.headers["x-total-count"] == "0"
    assert anon.get("/api/v1/events/upcoming?calendar=%C2%B2").json() == []
    assert anon.get("/api/v1/event-categories/?calendar=%C2%B2").json() == []
    assert anon.get("/api/v1/calendars/%C2%B2").status_code == 404  # ids are int in that path
    for path in ("/api/v1/calendars/slug/%C2%B2", "/api/v1/calendars/%C2%B2/ical"):
        response = anon.get(path)
        assert response.status_code == 404
        assert response.json()["detail"] == "No calendar with slug '²'."


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/",
        "/api/v1/events/upcoming",
        "/api/v1/events/ical",
        "/api/v1/event-occurrences/",
    ],
)
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("date_from", "9999-12-31"),
        ("date_to", "9999-12-31"),
        ("date_to", "0001-01-01"),
        ("date_from", "1969-12-31"),
        ("date_to", "2101-01-01"),
    ],
)
def test_dates_outside_the_supported_years_are_400_naming_the_parameter(
    anon: httpx.Client, path: str, name: str, value: str
) -> None:
    response = anon.get(path, params={name: value})
    assert response.status_code == 400, response.text
    assert response.json()["extra"]["errors"] == [
        {"field": name, "message": "must be a day of the years 1970 to 2100", "source": "query"}
    ]


def test_the_supported_years_themselves_are_accepted(anon: httpx.Client) -> None:
    for path in ("/api/v1/events/", "/api/v1/events/ical"):
        response = anon.get(path, params={"date_from": "1970-01-01", "date_to": "2100-12-31"})
        assert response.status_code == 200
    near_the_end = {"date_from": "2100-06-01", "date_to": "2100-12-31"}
    assert anon.get("/api/v1/event-occurrences/", params=near_the_end).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/",
        "/api/v1/events/ical",
        "/api/v1/event-occurrences/",
        "/api/v1/event-locations/",
    ],
)
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("q", "%00"),
        ("q", "a%1Fb"),
        ("calendar", "%7F"),
        ("q", "%EF%BF%BF"),
        ("x", "%00"),
        ("q", "a%C2%85b"),  # NEL, a C1 control (issue 24)
    ],
)
def test_control_characters_in_a_query_parameter_are_400_naming_it(
    anon: httpx.Client, path: str, name: str, value: str
) -> None:
    """Issue 11: ``?q=%00`` matched every event on SQLite (and failed on PostgreSQL)."""
    anon.get(path)  # a cached answer must not hide the refusal
    response = anon.get(f"{path}?{name}={value}")
    assert response.status_code == 400, response.text
    (error,) = response.json()["extra"]["errors"]
    assert (error["field"], error["source"]) == (name, "query")
