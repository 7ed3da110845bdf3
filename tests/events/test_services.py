"""Writing events over HTTP: staff edits, user submissions and review, every guard, bad input."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.events.conftest import create_event, event_body, iso, soon
from tests.factories import token, unique
from tests.support import LiveServer

BERLIN = ZoneInfo("Europe/Berlin")


def test_staff_creates_a_timed_event_in_its_own_time_zone(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    day = soon(40)
    tag = token()
    created = staff.post(
        "/api/v1/events/",
        json=event_body(
            calendar,
            title=f"Sprint: Python & friends {tag}",
            occurrences=[{"dt_start": f"{iso(day)}T18:30:00", "dt_end": f"{iso(day)}T21:00:00"}],
        ),
    )
    assert created.status_code == 201, created.text
    event = created.json()
    assert created.headers["location"] == event["resource_uri"]
    assert event["status"] == "approved" and event["time_zone"] == "Europe/Berlin"
    assert event["slug"] == f"sprint-python-friends-{tag}"
    (occurrence,) = event["occurrences"]
    start = datetime.fromisoformat(occurrence["dt_start"])
    expected = datetime.combine(day, datetime.min.time().replace(hour=18, minute=30), BERLIN)
    assert start == expected
    assert start.utcoffset() == expected.utcoffset()
    assert occurrence["all_day"] is False and occurrence["start_date"] is None
    assert event["next_occurrence"]["dt_start"] == occurrence["dt_start"]
    assert anon.get(event["resource_uri"]).json() == event
    assert anon.get(f"/api/v1/events/slug/{event['slug']}").json()["id"] == event["id"]


def test_an_offset_in_the_body_is_an_instant(staff: httpx.Client, calendar: dict[str, Any]) -> None:
    day = soon(45)
    event = create_event(
        staff,
        calendar,
        time_zone="America/New_York",
        occurrences=[{"dt_start": f"{iso(day)}T12:00:00Z", "dt_end": f"{iso(day)}T13:00:00Z"}],
    )
    start = datetime.fromisoformat(event["occurrences"][0]["dt_start"])
    assert start == datetime.fromisoformat(f"{iso(day)}T12:00:00+00:00")
    assert start.utcoffset() == start.astimezone(ZoneInfo("America/New_York")).utcoffset()


def test_all_day_events_keep_their_dates(staff: httpx.Client, calendar: dict[str, Any]) -> None:
    first, last = soon(60), soon(62)
    event = create_event(
        staff,
        calendar,
        time_zone="Asia/Tokyo",
        occurrences=[{"all_day": True, "start_date": iso(first), "end_date": iso(last)}],
    )
    (occurrence,) = event["occurrences"]
    assert occurrence["all_day"] is True
    assert (occurrence["start_date"], occurrence["end_date"]) == (iso(first), iso(last))
    start = datetime.fromisoformat(occurrence["dt_start"])
    end = datetime.fromisoformat(occurrence["dt_end"])
    assert start.astimezone(ZoneInfo("Asia/Tokyo")).hour == 0
    assert end - start == timedelta(days=3)
    moved = staff.patch(event["resource_uri"], json={"time_zone": "America/Los_Angeles"})
    assert moved.status_code == 200, moved.text
    again = moved.json()["occurrences"][0]
    assert (again["start_date"], again["end_date"]) == (iso(first), iso(last))
    start = datetime.fromisoformat(again["dt_start"])
    assert start.astimezone(ZoneInfo("America/Los_Angeles")).hour == 0


def test_update_replaces_occurrences_and_keeps_what_is_not_given(
    staff: httpx.Client, calendar: dict[str, Any]
) -> None:
    event = create_event(staff, calendar, description="First text", url="https://example.org/a")
    day = soon(90)
    response = staff.patch(
        event["resource_uri"],
        json={
            "title": "Renamed meetup",
            "occurrences": [
                {"dt_start": f"{iso(day)}T10:00:00", "dt_end": f"{iso(day)}T11:00:00"},
                {"all_day": True, "start_date": iso(day + timedelta(days=7))},
            ],
        },
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["title"] == "Renamed meetup"
    assert updated["description"] == "First text" and updated["url"] == "https://example.org/a"
    assert updated["uid"] == event["uid"] and updated["slug"] == event["slug"]
    assert [o["all_day"] for o in updated["occurrences"]] == [False, True]
    assert updated["occurrences"][1]["end_date"] == iso(day + timedelta(days=7))


def test_delete_removes_the_event(
    staff: httpx.Client, anon: httpx.Client, calendar: dict[str, Any]
) -> None:
    event = create_event(staff, calendar)
    assert staff.delete(event["resource_uri"]).status_code == 204
    assert anon.get(event["resource_uri"]).status_code == 404
    assert staff.delete(event["resource_uri"]).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, 422, "time_zone"),
        ({"time_zone": "localtime"}, 422, "time_zone"),  # the host's zone file (issue 24)
        ({"time_zone": "Factory"}, 422, "time_zone"),  # tzdata's "no zone set" (issue 24)
        ({"title": "Sprint\x85"}, 400, "title"),  # a C1 control, NEL (issue 24)
        ({"occurrences": []}, 422, "occurrences"),
        ({"calendar": 999999}, 422, "calendar"),
        ({"venue": 999999}, 422, "venue"),
        ({"categories": [999999]}, 422, "categories"),
        ({"nonsense": 1}, 400, None),
        ({"title": ""}, 400, "title"),
        ({"url": "javascript:alert(1)"}, 400, "url"),
        ({"occurrences": [{"dt_start": "2030-01-02T10:00:00"}]}, 422, "occurrences[0].dt_end"),
        (
            {"occurrences": [{"dt_start": "2030-01-02T10:00:00", "dt_end": "2030-01-01T10:00:00"}]},
            422,
            "occurrences[0].dt_end",
        ),
        (
            {"occurrences": [{"all_day": True, "dt_start": "2030-01-02T10:00:00"}]},
            422,
            "occurrences[0]",
        ),
        ({"occurrences": [{"all_day": True}]}, 422, "occurrences[0].start_date"),
        (
            {
                "occurrences": [
                    {"all_day": True, "start_date": "2030-01-05", "end_date": "2030-01-01"}
                ]
            },
            422,
            "occurrences[0].end_date",
        ),
        (
            {
                "rules": [
                    {
                        "dt_start": "2030-01-07T10:00:00",
                        "dt_end": "2030-01-07T11:00:00",
                        "by_day": ["XX"],
                    }
                ]
            },
            400,
            None,
        ),
        (
            {
                "rules": [
                    {
                        "dt_start": "2030-01-07T10:00:00",
                        "dt_end": "2030-01-07T11:00:00",
                        "count": 3,
                        "until": "2030-03-01T00:00:00",
                    }
                ]
            },
            422,
            "rules",
        ),
        (
            {
                "rules": [
                    {
                        "dt_start": "2030-01-07T10:00:00",
                        "dt_end": "2030-01-07T11:00:00",
                        "by_day": ["TU"],
                    }
                ]
            },
            422,
            "by_day",
        ),
        (
            {
                "rules": [
                    {
                        "dt_start": "2030-01-07T10:00:00",
                        "dt_end": "2030-01-07T11:00:00",
                        "frequency": "hourly",
                    }
                ]
            },
            400,
            None,
        ),
    ],
)
def test_bad_events_are_refused_and_nothing_is_stored(
    staff: httpx.Client,
    calendar: dict[str, Any],
    overrides: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    response = staff.post("/api/v1/events/", json=event_body(calendar, **overrides))
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status_code"] == status
    if field is not None:
        assert field in {e["field"] for e in body["extra"]["errors"]}, body
    listed = staff.get("/api/v1/events/", params={"calendar": calendar["slug"]})
    assert listed.headers["x-total-count"] == "0"


YEARS = "must be between the years 1970 and 2100"
SPAN = "an event may run for at most 20 years"
TIMED = {"dt_start": "2030-01-07T10:00:00", "dt_end": "2030-01-07T11:00:00"}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"occurrences": [{"dt_start": "1900-01-01T00:00:00", "dt_end": "2200-12-31T00:00:00"}]},
            "occurrences[0].dt_start",
            YEARS,
        ),
        (
            {"occurrences": [{"dt_start": "1980-01-01T00:00:00", "dt_end": "2100-12-31T00:00:00"}]},
            "occurrences",
            SPAN,
        ),
        (
            {"occurrences": [TIMED, {**TIMED, "dt_end": "2055-01-01T11:00:00"}]},
            "occurrences",
            SPAN,
        ),
        (
            {"occurrences": [{"all_day": True, "start_date": "1969-12-31"}]},
            "occurrences[0].start_date",
            YEARS,
        ),
        (
            {
                "occurrences": [
                    {"dt_start": "2100-12-31T22:00:00Z", "dt_end": "2101-01-01T01:00:00Z"}
                ]
            },
            "occurrences[0].dt_end",
            YEARS,
        ),
        (
            {"occurrences": [], "rules": [{**TIMED, "until": "2101-01-01T00:00:00"}]},
            "rules[0].until",
            YEARS,
        ),
        (
            {"occurrences": [], "rules": [{**TIMED, "frequency": "daily"}]},
            "rules",
            "a rule may produce at most 5000 occurrences by the end of 2100",
        ),
        ({"occurrences": [TIMED], "rules": [{**TIMED, "count": 1500}]}, "rules", SPAN),
    ],
)
def test_unreasonable_times_are_refused_naming_the_field(
    staff: httpx.Client,
    calendar: dict[str, Any],
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = staff.post("/api/v1/events/", json=event_body(calendar, **overrides))
    assert response.status_code == 422, response.text
    (error,) = response.json()["extra"]["errors"]
    assert error["field"] == field
    assert error["message"].startswith(message), error
    listed = staff.get("/api/v1/events/", params={"calendar": calendar["slug"]})
    assert listed.headers["x-total-count"] == "0"


def test_a_submission_spanning_three_centuries_is_refused(
    submitter: httpx.Client, staff: httpx.Client, calendar: dict[str, Any]
) -> None:
    """Issue 11: such submissions in 20 zones made every export of them cost seconds."""
    body = event_body(
        calendar,
        time_zone="Pacific/Chatham",
        occurrences=[{"dt_start": "1900-01-01T00:00:00", "dt_end": "2200-12-31T00:00:00"}],
    )
    response = submitter.post("/api/v1/events/submit", json=body)
    assert response.status_code == 422
    assert response.json()["extra"]["errors"][0]["field"] == "occurrences[0].dt_start"
    widest = {"dt_start": "2000-01-01T00:00:00", "dt_end": "2019-12-31T00:00:00"}
    accepted = submitter.post("/api/v1/events/submit", json={**body, "occurrences": [widest]})
    assert accepted.status_code == 201, accepted.text
    pending = staff.get("/api/v1/events/", params={"calendar": calendar["slug"]}).json()
    assert [e["id"] for e in pending] == [accepted.json()["id"]]


def test_categories_must_belong_to_the_event_calendar(
    staff: httpx.Client, calendar: dict[str, Any]
) -> None:
    other = staff.get("/api/v1/event-categories/slug/conference").json()
    mine = staff.post(
        "/api/v1/event-categories/",
        json={"name": "Sprint", "slug": unique("sprint"), "calendar": calendar["id"]},
    ).json()
    refused = staff.post("/api/v1/events/", json=event_body(calendar, categories=[other["id"]]))
    assert refused.status_code == 422
    assert "another calendar" in refused.json()["extra"]["errors"][0]["message"]
    event = create_event(staff, calendar, categories=[mine["id"]])
    assert [c["slug"] for c in event["categories"]] == [mine["slug"]]
    found = staff.get("/api/v1/events/", params={"category": mine["slug"]}).json()
    assert [e["id"] for e in found] == [event["id"]]


def test_slugs_are_unique(staff: httpx.Client, calendar: dict[str, Any]) -> None:
    title = unique("Same title")
    first = create_event(staff, calendar, title=title)
    second = create_event(staff, calendar, title=title)
    assert first["slug"] != second["slug"]
    taken = staff.post("/api/v1/events/", json=event_body(calendar, slug=first["slug"]))
    assert taken.status_code == 422 and taken.json()["extra"]["errors"][0]["field"] == "slug"
    renamed = staff.patch(second["resource_uri"], json={"slug": first["slug"]})
    assert renamed.status_code == 422 and renamed.json()["extra"]["errors"][0]["field"] == "slug"


# Guards -------------------------------------------------------------------------------------


def write_calls(event: dict[str, Any], calendar: dict[str, Any]) -> list[tuple[str, str, Any]]:
    uri = event["resource_uri"]
    return [
        ("POST", "/api/v1/events/", event_body(calendar)),
        ("PATCH", uri, {"title": "Hijacked"}),
        ("DELETE", uri, None),
        ("POST", f"{uri}/approve", None),
        ("POST", f"{uri}/reject", {"reason": "Spam"}),
    ]


def test_every_staff_write_needs_staff(
    staff: httpx.Client, anon: httpx.Client, user: httpx.Client, calendar: dict[str, Any]
) -> None:
    event = create_event(staff, calendar)
    for method, url, body in write_calls(event, calendar):
        assert anon.request(method, url, json=body).status_code == 401, (method, url)
        denied = user.request(method, url, json=body)
        assert denied.status_code == 403, (method, url)
        assert denied.json()["detail"] == "Staff permission required."
    assert staff.get(event["resource_uri"]).json() == event
    assert (
        staff.get("/api/v1/events/", params={"calendar": calendar["slug"]}).headers["x-total-count"]
        == "1"
    )


def test_a_bad_token_is_401_even_on_reads(client_with_header: Any) -> None:
    client = client_with_header("Bearer not-a-real-token")
    assert client.get("/api/v1/events/").status_code == 401


# Submissions and review ----------------------------------------------------------------------


def test_submitted_events_wait_for_review(
    submitter: httpx.Client,
    staff: httpx.Client,
    anon: httpx.Client,
    user: httpx.Client,
    calendar: dict[str, Any],
) -> None:
    me = submitter.get("/api/auth/me").json()
    body = event_body(calendar)
    response = submitter.post("/api/v1/events/submit", json=body)
    assert response.status_code == 201, response.text
    event = response.json()
    assert event["status"] == "pending" and event["creator"] == me["id"]
    assert event["featured"] is False
    uri = event["resource_uri"]
    filters = {"calendar": calendar["slug"]}

    assert anon.get(uri).status_code == 404
    assert user.get(uri).status_code == 404
    assert anon.get("/api/v1/events/", params=filters).json() == []
    assert user.get("/api/v1/events/upcoming", params=filters).json() == []
    assert submitter.get(uri).status_code == 200
    assert [e["id"] for e in submitter.get("/api/v1/events/", params=filters).json()] == [
        event["id"]
    ]
    assert [
        e["id"]
        for e in staff.get("/api/v1/events/", params={**filters, "status": "pending"}).json()
    ] == [event["id"]]

    approved = staff.post(f"{uri}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert anon.get(uri).status_code == 200
    assert [e["id"] for e in anon.get("/api/v1/events/upcoming", params=filters).json()] == [
        event["id"]
    ]

    assert staff.post(f"{uri}/reject").status_code == 400
    assert staff.post(f"{uri}/reject", json={"reason": ""}).status_code == 400
    rejected = staff.post(f"{uri}/reject", json={"reason": "Not a Python event"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert anon.get(uri).status_code == 404
    seen = submitter.get(uri).json()
    assert (seen["status"], seen["review_note"]) == ("rejected", "Not a Python event")
    again = staff.post(f"{uri}/approve").json()
    assert (again["status"], again["review_note"]) == ("approved", "")


def test_submitters_cannot_feature_or_approve(
    submitter: httpx.Client, calendar: dict[str, Any]
) -> None:
    featured = submitter.post("/api/v1/events/submit", json=event_body(calendar, featured=True))
    assert featured.status_code == 400
    event = submitter.post("/api/v1/events/submit", json=event_body(calendar)).json()
    assert submitter.post(f"{event['resource_uri']}/approve").status_code == 403
    assert submitter.patch(event["resource_uri"], json={"title": "Mine"}).status_code == 403
    assert submitter.get(event["resource_uri"]).json()["status"] == "pending"


def test_submitting_needs_a_signed_in_user_with_write_access(
    server: LiveServer,
    anon: httpx.Client,
    submitter: httpx.Client,
    staff: httpx.Client,
    calendar: dict[str, Any],
) -> None:
    assert anon.post("/api/v1/events/submit", json=event_body(calendar)).status_code == 401
    key = submitter.post("/api/auth/api-keys", json={"name": "ro", "scopes": ["read"]})
    assert key.status_code == 201, key.text
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {key.json()['key']}"}
    ) as read_only:
        denied = read_only.post("/api/v1/events/submit", json=event_body(calendar))
    assert denied.status_code == 403
    listed = staff.get("/api/v1/events/", params={"calendar": calendar["slug"]})
    assert listed.headers["x-total-count"] == "0"


def test_submissions_are_validated_like_staff_events(
    submitter: httpx.Client, calendar: dict[str, Any]
) -> None:
    bad = submitter.post(
        "/api/v1/events/submit", json=event_body(calendar, time_zone="Nowhere/City")
    )
    assert bad.status_code == 422
    assert bad.json()["extra"]["errors"][0]["field"] == "time_zone"
    assert submitter.post("/api/v1/events/submit", json={"title": "x"}).status_code == 400
    assert unique("x")


def test_moving_a_rule_to_another_zone_keeps_instants_and_checks_weekdays(
    staff: httpx.Client, calendar: dict[str, Any]
) -> None:
    event = create_event(
        staff,
        calendar,
        occurrences=[],
        rules=[
            {
                "dt_start": "2031-03-13T23:30:00",
                "dt_end": "2031-03-13T23:45:00",
                "by_day": ["TH"],
                "count": 4,
            }
        ],
    )
    paris = staff.patch(event["resource_uri"], json={"time_zone": "Europe/Paris"})
    assert paris.status_code == 200, paris.text
    assert paris.json()["rules"][0]["dt_start"] == event["rules"][0]["dt_start"]
    assert paris.json()["rules"][0]["id"] == event["rules"][0]["id"]
    tokyo = staff.patch(event["resource_uri"], json={"time_zone": "Asia/Tokyo"})
    assert tokyo.status_code == 422
    assert tokyo.json()["extra"]["errors"][0]["field"] == "rules[0]"
    assert staff.get(event["resource_uri"]).json()["time_zone"] == "Europe/Paris"
