"""Calendars, event categories and event locations: reads, staff writes and every guard."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.events.conftest import create_event
from tests.factories import unique


def test_the_two_python_org_calendars(anon: httpx.Client, server: Any) -> None:
    calendars = {
        c["slug"]: c for c in anon.get("/api/v1/calendars/", params={"limit": 1000}).json()
    }
    events = calendars["python-events"]
    assert events["name"] == "Python Events"
    assert calendars["python-user-groups"]["name"] == "Python User Groups"
    assert events["resource_uri"] == f"{server.base_url}/api/v1/calendars/{events['id']}"
    assert anon.get(events["resource_uri"]).json() == events
    assert (
        anon.get("/api/v1/calendars/slug/python-user-groups").json()
        == calendars["python-user-groups"]
    )
    assert anon.get(events["ical_url"]).status_code == 200
    assert anon.get("/api/v1/calendars/999999").status_code == 404
    assert anon.get("/api/v1/calendars/slug/nope").status_code == 404


def test_categories_and_locations_by_id_slug_and_filter(anon: httpx.Client) -> None:
    conference = anon.get("/api/v1/event-categories/slug/conference").json()
    assert anon.get(conference["resource_uri"]).json() == conference
    in_groups = anon.get(
        "/api/v1/event-categories/", params={"calendar": "python-user-groups"}
    ).json()
    assert in_groups and all(c["calendar"] != conference["calendar"] for c in in_groups)
    locations = anon.get("/api/v1/event-locations/", params={"q": "heidelberg"})
    assert locations.status_code == 200 and locations.json()
    assert all("heidelberg" in (loc["name"] + loc["address"]).lower() for loc in locations.json())
    first = locations.json()[0]
    assert anon.get(f"/api/v1/event-locations/slug/{first['slug']}").json() == first
    assert anon.get("/api/v1/event-locations/999999").status_code == 404
    assert anon.get("/api/v1/event-categories/999999").status_code == 404


def test_staff_manage_calendars(staff: httpx.Client, anon: httpx.Client) -> None:
    slug = unique("cal")
    made = staff.post(
        "/api/v1/calendars/", json={"name": "Sprints", "slug": slug, "url": "https://example.org"}
    )
    assert made.status_code == 201
    calendar = made.json()
    assert made.headers["location"] == calendar["resource_uri"]
    assert staff.post("/api/v1/calendars/", json={"name": "Again", "slug": slug}).status_code == 422
    renamed = staff.patch(calendar["resource_uri"], json={"name": "Python sprints"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Python sprints"
    event = create_event(staff, calendar)
    busy = staff.delete(calendar["resource_uri"])
    assert busy.status_code == 409 and busy.json()["extra"]["events"] == 1
    assert staff.delete(event["resource_uri"]).status_code == 204
    assert staff.delete(calendar["resource_uri"]).status_code == 204
    assert anon.get(calendar["resource_uri"]).status_code == 404


def test_staff_manage_categories_and_locations(
    staff: httpx.Client, calendar: dict[str, Any]
) -> None:
    category = staff.post(
        "/api/v1/event-categories/",
        json={"name": "Sprint", "slug": unique("sprint"), "calendar": calendar["id"]},
    ).json()
    location = staff.post(
        "/api/v1/event-locations/",
        json={
            "name": "Hall",
            "slug": unique("hall"),
            "latitude": 52.5,
            "longitude": 13.4,
            "country": "Germany",
        },
    ).json()
    event = create_event(staff, calendar, venue=location["id"], categories=[category["id"]])
    assert event["venue"]["latitude"] == 52.5 and event["categories"][0]["id"] == category["id"]
    moved = staff.patch(
        location["resource_uri"], json={"address": "Alexanderplatz 1", "latitude": None}
    )
    assert moved.status_code == 200 and moved.json()["latitude"] is None
    assert staff.get(event["resource_uri"]).json()["venue"]["address"] == "Alexanderplatz 1"
    bad = staff.post(
        "/api/v1/event-categories/", json={"name": "X", "slug": unique("x"), "calendar": 999999}
    )
    assert bad.status_code == 422 and bad.json()["extra"]["errors"][0]["field"] == "calendar"
    off_map = staff.post(
        "/api/v1/event-locations/", json={"name": "X", "slug": unique("x"), "latitude": 91}
    )
    assert off_map.status_code == 400
    assert staff.delete(category["resource_uri"]).status_code == 204
    assert staff.delete(location["resource_uri"]).status_code == 204
    after = staff.get(event["resource_uri"]).json()
    assert after["venue"] is None and after["categories"] == []


@pytest.mark.parametrize("collection", ["calendars", "event-categories", "event-locations"])
def test_every_write_needs_staff(
    collection: str,
    staff: httpx.Client,
    anon: httpx.Client,
    user: httpx.Client,
    calendar: dict[str, Any],
) -> None:
    bodies = {
        "calendars": {"name": "C", "slug": unique("c")},
        "event-categories": {"name": "C", "slug": unique("c"), "calendar": calendar["id"]},
        "event-locations": {"name": "C", "slug": unique("c")},
    }
    item = staff.post(f"/api/v1/{collection}/", json=bodies[collection]).json()
    calls = [
        ("POST", f"/api/v1/{collection}/", {**bodies[collection], "slug": unique("d")}),
        ("PATCH", item["resource_uri"], {"name": "Hijacked"}),
        ("DELETE", item["resource_uri"], None),
    ]
    before = staff.get(f"/api/v1/{collection}/", params={"limit": 1}).headers["x-total-count"]
    for method, url, body in calls:
        assert anon.request(method, url, json=body).status_code == 401, (method, url)
        assert user.request(method, url, json=body).status_code == 403, (method, url)
    assert staff.get(item["resource_uri"]).json() == item
    assert (
        staff.get(f"/api/v1/{collection}/", params={"limit": 1}).headers["x-total-count"] == before
    )


def test_a_used_category_cannot_move_to_another_calendar(
    staff: httpx.Client, calendar: dict[str, Any]
) -> None:
    other = staff.post("/api/v1/calendars/", json={"name": "Other", "slug": unique("o")}).json()
    category = staff.post(
        "/api/v1/event-categories/",
        json={"name": "Talk", "slug": unique("talk"), "calendar": calendar["id"]},
    ).json()
    unused = staff.patch(category["resource_uri"], json={"calendar": other["id"]})
    assert unused.status_code == 200 and unused.json()["calendar"] == other["id"]
    staff.patch(category["resource_uri"], json={"calendar": calendar["id"]})
    create_event(staff, calendar, categories=[category["id"]])
    moved = staff.patch(category["resource_uri"], json={"calendar": other["id"]})
    assert moved.status_code == 409 and moved.json()["extra"]["events"] == 1
    assert staff.get(category["resource_uri"]).json()["calendar"] == calendar["id"]
