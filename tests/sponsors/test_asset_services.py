"""Sponsor assets over HTTP on both engines: staff write and read them, nobody else; one asset
of each name per owner; an owner is a sponsor or one sponsorship, never both."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import unique
from tests.sponsors.test_controllers import finalized, make_package, make_sponsor

ASSETS = "/api/v1/sponsors/assets"


def test_assets_crud_by_staff(staff: httpx.Client) -> None:
    sponsor = make_sponsor(staff)
    package = make_package(staff)
    sponsorship = finalized(staff, sponsor["id"], package["id"], [])
    name = unique("logo_url")
    made = staff.post(ASSETS, json={"internal_name": name, "sponsor_id": sponsor["id"]})
    assert made.status_code == 201, made.text
    asset: dict[str, Any] = made.json()
    assert (asset["sponsor_id"], asset["sponsorship_id"], asset["value"]) == (
        sponsor["id"],
        None,
        "",
    )
    assert len(asset["uuid"]) == 36
    on_sponsorship = staff.post(
        ASSETS, json={"internal_name": name, "sponsorship_id": sponsorship["id"], "value": "x"}
    ).json()
    assert on_sponsorship["sponsor_id"] == sponsor["id"]  # the sponsorship's sponsor
    assert on_sponsorship["sponsorship_id"] == sponsorship["id"]
    again = staff.post(ASSETS, json={"internal_name": name, "sponsor_id": sponsor["id"]})
    assert again.status_code == 422
    assert again.json()["extra"]["errors"][0]["field"] == "internal_name"
    changed = staff.patch(f"{ASSETS}/{asset['id']}", json={"value": "https://x.example/l.png"})
    assert changed.json()["value"] == "https://x.example/l.png"
    assert changed.json()["uuid"] == asset["uuid"]
    assert staff.get(f"{ASSETS}/{asset['id']}").json()["value"] == "https://x.example/l.png"
    assert staff.delete(f"{ASSETS}/{asset['id']}").status_code == 204
    assert staff.get(f"{ASSETS}/{asset['id']}").status_code == 404
    assert staff.delete(f"/api/v1/sponsors/{sponsor['id']}").status_code == 204
    assert staff.get(f"{ASSETS}/{on_sponsorship['id']}").status_code == 404  # cascaded


def test_owner_must_be_one_existing_sponsor_or_sponsorship(staff: httpx.Client) -> None:
    sponsor = make_sponsor(staff)
    for body, field in [
        ({"internal_name": "a"}, "sponsor_id"),
        ({"internal_name": "a", "sponsor_id": sponsor["id"], "sponsorship_id": 1}, "sponsor_id"),
        ({"internal_name": "a", "sponsor_id": 999999999}, "sponsor_id"),
        ({"internal_name": "a", "sponsorship_id": 999999999}, "sponsorship_id"),
    ]:
        response = staff.post(ASSETS, json=body)
        assert response.status_code == 422, body
        assert response.json()["extra"]["errors"][0]["field"] == field
    blank = staff.post(ASSETS, json={"internal_name": "", "sponsor_id": sponsor["id"]})
    assert blank.status_code == 400
    listed = staff.get(ASSETS, params={"limit": 1000}).json()
    assert [a for a in listed if a["sponsor_id"] == sponsor["id"]] == []


def test_assets_are_for_staff_only(
    staff: httpx.Client, user: httpx.Client, anon: httpx.Client
) -> None:
    sponsor = make_sponsor(staff)
    asset = staff.post(ASSETS, json={"internal_name": "n", "sponsor_id": sponsor["id"]}).json()
    body = {"internal_name": "m", "sponsor_id": sponsor["id"]}
    for client, status in ((anon, 401), (user, 403)):
        assert client.get(ASSETS).status_code == status
        assert client.get(f"{ASSETS}/{asset['id']}").status_code == status
        assert client.post(ASSETS, json=body).status_code == status
        assert client.patch(f"{ASSETS}/{asset['id']}", json={"value": "v"}).status_code == status
        assert client.delete(f"{ASSETS}/{asset['id']}").status_code == status
    assert staff.get(f"{ASSETS}/{asset['id']}").json()["value"] == ""
    assert [a["internal_name"] for a in staff.get(ASSETS, params={"limit": 1000}).json()].count(
        "m"
    ) == 0
