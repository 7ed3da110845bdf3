"""iCalendar export: RFC 5545 framing, and the files parsed back with the ``icalendar`` package
give the same events, UIDs and times as the JSON API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar
from dateutil.rrule import rrulestr

from pydotorg.events.ical import escape, fold
from pydotorg.events.models import Event, EventOccurrence
from tests.events.conftest import create_event, iso, onsets, soon
from tests.factories import token, unique
from tests.support import LiveServer, insert_rows


def lines_of(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    return body.split(b"\r\n")[:-1]


def parse(response: httpx.Response) -> icalendar.Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    for line in lines_of(response.content):
        assert len(line) <= 75, line
        line.decode("utf-8")
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar: icalendar.Calendar) -> list[Any]:
    return list(calendar.walk("VEVENT"))


def as_instant(value: Any) -> datetime:
    assert isinstance(value, datetime) and value.tzinfo is not None
    return value.astimezone(UTC)


def test_fold_splits_at_75_octets_without_breaking_characters() -> None:
    line = "DESCRIPTION:" + "Pythön événements 🐍 " * 20
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join([pieces[0], *(p[1:] for p in pieces[1:])]) == line
    assert fold("SUMMARY:short") == "SUMMARY:short"


def test_escape_text_values() -> None:
    assert escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"
    assert escape("bell\x07") == "bell"


def test_calendar_export_round_trips_through_icalendar(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    venue = staff.post(
        "/api/v1/event-locations/",
        json={
            "name": "Café; Zürich",
            "slug": unique("cafe"),
            "address": "Bahnhofstrasse 1, Zürich",
            "latitude": 47.37,
            "longitude": 8.54,
        },
    ).json()
    timed = create_event(
        staff,
        calendar,
        title="Sprint; with, specials \\ and a long title " + "é" * 60,
        description="<p>Line one</p>Line two, with; punctuation",
        venue=venue["id"],
        occurrences=[
            {"dt_start": "2031-07-01T18:00:00", "dt_end": "2031-07-01T20:30:00"},
            {"dt_start": "2031-12-01T18:00:00", "dt_end": "2031-12-01T20:30:00"},
        ],
    )
    all_day = create_event(
        staff,
        calendar,
        time_zone="Australia/Sydney",
        occurrences=[{"all_day": True, "start_date": "2031-09-12", "end_date": "2031-09-14"}],
    )
    weekly = create_event(
        staff,
        calendar,
        occurrences=[],
        rules=[
            {
                "dt_start": "2031-03-13T18:00:00",
                "dt_end": "2031-03-13T20:00:00",
                "by_day": ["TH"],
                "count": 6,
            }
        ],
    )
    in_utc = create_event(
        staff,
        calendar,
        time_zone="UTC",
        occurrences=[{"dt_start": "2031-05-05T09:00:00Z", "dt_end": "2031-05-05T10:00:00Z"}],
    )
    parsed = parse(anon.get(f"/api/v1/calendars/{calendar['slug']}/ical"))
    assert parsed["VERSION"] == "2.0" and str(parsed["X-WR-CALNAME"]) == calendar["name"]
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    components = vevents(parsed)
    by_uid = {str(c["UID"]): c for c in components}
    assert len(by_uid) == len(components) == 5
    assert {timed["uid"], all_day["uid"], weekly["uid"], in_utc["uid"]} <= set(by_uid)

    first = by_uid[timed["uid"]]
    assert str(first["SUMMARY"]) == timed["title"]
    assert str(first["DESCRIPTION"]) == "Line one\nLine two, with; punctuation"
    assert str(first["LOCATION"]) == "Café; Zürich, Bahnhofstrasse 1, Zürich"
    assert first["GEO"].latitude == 47.37
    for component, occurrence in zip(
        sorted(
            (c for c in components if str(c["SUMMARY"]) == timed["title"]),
            key=lambda c: c["DTSTART"].dt,
        ),
        timed["occurrences"],
        strict=True,
    ):
        assert as_instant(component["DTSTART"].dt) == datetime.fromisoformat(occurrence["dt_start"])
        assert as_instant(component["DTEND"].dt) == datetime.fromisoformat(occurrence["dt_end"])
        assert str(component["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert component["DTSTART"].dt.utcoffset() == timedelta(hours=1)

    day = by_uid[all_day["uid"]]
    assert day["DTSTART"].dt == date(2031, 9, 12) and not isinstance(day["DTSTART"].dt, datetime)
    assert day["DTEND"].dt == date(2031, 9, 15)
    assert day["DTSTART"].params.get("VALUE") == "DATE"

    utc = by_uid[in_utc["uid"]]
    assert as_instant(utc["DTSTART"].dt) == datetime(2031, 5, 5, 9, tzinfo=UTC)
    assert "TZID" not in utc["DTSTART"].params

    rule = by_uid[weekly["uid"]]
    assert rule["RRULE"]["FREQ"] == ["WEEKLY"] and rule["RRULE"]["COUNT"] == [6]
    expanded = list(rrulestr(rule["RRULE"].to_ical().decode(), dtstart=rule["DTSTART"].dt))
    api = anon.get(
        "/api/v1/event-occurrences/",
        params={"event": weekly["id"], "date_from": "2031-01-01", "date_to": "2031-12-31"},
    ).json()
    assert [as_instant(d) for d in expanded] == [datetime.fromisoformat(o["dt_start"]) for o in api]
    assert len(expanded) == 6
    assert {as_instant(d).hour for d in expanded} == {16, 17}


def test_one_event_and_a_filtered_list(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    first = create_event(
        staff, calendar, occurrences=[{"all_day": True, "start_date": iso(soon(5))}]
    )
    second = create_event(
        staff, calendar, occurrences=[{"all_day": True, "start_date": iso(soon(6))}]
    )
    create_event(staff, calendar, occurrences=[{"all_day": True, "start_date": iso(soon(-6))}])
    one = vevents(parse(anon.get(f"/api/v1/events/{first['id']}/ical")))
    assert [str(c["UID"]) for c in one] == [first["uid"]]
    assert str(one[0]["SUMMARY"]) == first["title"]
    filtered = parse(
        anon.get("/api/v1/events/ical", params={"calendar": calendar["slug"], "upcoming": "true"})
    )
    assert [str(c["UID"]) for c in vevents(filtered)] == [first["uid"], second["uid"]]
    assert anon.get("/api/v1/events/99999999/ical").status_code == 404
    assert anon.get("/api/v1/calendars/no-such-calendar/ical").status_code == 404


def test_uids_are_stable_and_unchanged_files_keep_their_etag(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    create_event(staff, calendar)
    url = f"/api/v1/calendars/{calendar['id']}/ical"
    first, again = anon.get(url), anon.get(url)
    assert first.content == again.content
    assert anon.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304


def test_the_real_python_events_calendar(anon: httpx.Client) -> None:
    parsed = parse(anon.get("/api/v1/calendars/python-events/ical"))
    listed = anon.get("/api/v1/events/", params={"calendar": "python-events", "limit": 1000}).json()
    components = {str(c["UID"]): c for c in vevents(parsed)}
    assert set(components) == {e["uid"] for e in listed}
    for event in listed[:200]:
        component = components[event["uid"]]
        occurrence = event["occurrences"][0]
        assert str(component["SUMMARY"]) == event["title"]
        assert component["DTSTART"].dt == date.fromisoformat(occurrence["start_date"])
        assert component["DTEND"].dt == date.fromisoformat(occurrence["end_date"]) + timedelta(
            days=1
        )


def test_vtimezone_covers_the_years_of_the_events_with_their_real_changes(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    create_event(
        staff,
        calendar,
        occurrences=[
            {"dt_start": "2031-07-01T18:00:00", "dt_end": "2031-07-01T20:00:00"},
            {"dt_start": "2033-12-01T18:00:00", "dt_end": "2033-12-01T20:00:00"},
        ],
    )
    (berlin,) = parse(anon.get(f"/api/v1/calendars/{calendar['id']}/ical")).walk("VTIMEZONE")
    initial, *changes = onsets(berlin)
    assert initial[0] == datetime(2031, 1, 1, tzinfo=UTC) and initial[1] == initial[2]
    assert {moment.year for moment, *_ in changes} == {2031, 2032, 2033}
    assert len(changes) == 6
    tz = ZoneInfo("Europe/Berlin")
    for moment, before, after, kind in changes:
        assert (moment - timedelta(seconds=1)).astimezone(tz).utcoffset() == before
        assert moment.astimezone(tz).utcoffset() == after
        assert kind == ("DAYLIGHT" if after == timedelta(hours=2) else "STANDARD")


def legacy_submission(calendar_id: int, zone: str, start: datetime, end: datetime) -> Event:
    """A pending event as an older version of the API let any signed-in user submit it."""
    tag = token()
    return Event(
        uid=f"legacy-{tag}@python.org",
        slug=f"legacy-{tag}",
        title=f"Three centuries in {zone}",
        calendar_id=calendar_id,
        time_zone=zone,
        status="pending",
        first_start=start,
        last_end=end,
        occurrences=[EventOccurrence(dt_start=start, dt_end=end)],
    )


def test_rows_beyond_the_supported_years_export_only_those_years(
    server: LiveServer, staff: httpx.Client, calendar: dict[str, Any]
) -> None:
    """Issue 11: 20 such pending events made each export of them cost seconds of CPU."""
    zones = ["Africa/Casablanca", "America/Sao_Paulo", "Asia/Tehran", "Pacific/Chatham"]
    early, late = datetime(1900, 1, 1, tzinfo=UTC), datetime(2200, 12, 31, tzinfo=UTC)
    rows = (legacy_submission(calendar["id"], zone, early, late) for zone in zones)
    insert_rows(server.database_url, *rows)
    params = {"status": "pending", "calendar": calendar["slug"], "limit": 1000}
    for response in (
        staff.get("/api/v1/events/ical", params=params),
        staff.get(f"/api/v1/calendars/{calendar['id']}/ical"),
    ):
        parsed = parse(response)
        assert sorted(str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")) == zones
        for vtimezone in parsed.walk("VTIMEZONE"):
            found = onsets(vtimezone)
            assert found[0][0] == datetime(1969, 1, 1, tzinfo=UTC)
            assert found[-1][0] < datetime(2102, 1, 1, tzinfo=UTC)
        assert len(response.content) < 100_000
        for component in vevents(parsed):
            assert as_instant(component["DTSTART"].dt) == early
            assert as_instant(component["DTEND"].dt) == late
            assert str(component["STATUS"]) == "TENTATIVE"


def cache_hits(client: httpx.Client) -> int:
    hits: int = client.get("/health").json()["response_cache"]["hits"]
    return hits


def test_parameters_a_calendar_file_does_not_read_are_answered_from_the_cache(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    """Issue 11: ``?x=N`` rendered the whole calendar afresh for every N."""
    create_event(staff, calendar)
    url = f"/api/v1/calendars/{calendar['id']}/ical"
    first = anon.get(url)
    before = cache_hits(anon)
    for number in range(3):
        again = anon.get(url, params={"x": number, "utm_source": "feed"})
        assert again.status_code == 200 and again.content == first.content
    assert cache_hits(anon) == before + 3
    listed = anon.get("/api/v1/events/ical", params={"calendar": calendar["slug"], "x": 1})
    reordered = anon.get("/api/v1/events/ical", params={"x": 2, "calendar": calendar["slug"]})
    assert reordered.content == listed.content
    assert cache_hits(anon) == before + 4
    refused = anon.get(url, params={"x": "\x00"})
    assert refused.status_code == 400
    assert refused.json()["extra"]["errors"][0]["field"] == "x"
