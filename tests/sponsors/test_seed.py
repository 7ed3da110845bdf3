"""The shipped sponsorship programme and sponsor-members, as the seeded servers serve them."""

from __future__ import annotations

import httpx

from pydotorg.data import load


def test_the_2022_packages_are_served_in_order(anon: httpx.Client) -> None:
    packages = {p["slug"]: p for p in anon.get("/api/v1/sponsors/packages?limit=100").json()}
    visionary = packages["visionary"]
    assert (visionary["name"], visionary["sponsorship_amount"], visionary["order"]) == (
        "Visionary",
        150000,
        0,
    )
    assert packages["sustainability"]["sponsorship_amount"] == 90000
    assert packages["partner"]["order"] == 5
    assert len(load("sponsorship_packages")) == 11
    assert {p["slug"] for p in load("sponsorship_packages")} <= set(packages)


def test_the_2022_benefits_carry_their_logo_placements(anon: httpx.Client) -> None:
    benefits = anon.get("/api/v1/sponsors/benefits?limit=200").json()
    seeded = {
        b["id"]: b for b in benefits if b["id"] in {r["id"] for r in load("sponsorship_benefits")}
    }
    assert len(seeded) == 47
    placements = sorted(
        (b["logo_placement"]["publisher"], b["logo_placement"]["flight"])
        for b in seeded.values()
        if b["logo_placement"]
    )
    assert placements == [
        ("psf", "download"),
        ("psf", "jobs"),
        ("psf", "sponsors"),
        ("pycon", "sponsors"),
        ("pypi", "sidebar"),
        ("pypi", "sponsors"),
    ]
    pypi_sidebar = next(
        b
        for b in seeded.values()
        if b["logo_placement"] and b["logo_placement"]["flight"] == "sidebar"
    )
    assert pypi_sidebar["logo_placement"]["describe_as_sponsor"] is True
    assert pypi_sidebar["logo_placement"]["link_to_sponsors_page"] is True
    assert any(b["quantities"] for b in seeded.values())


def test_the_sponsor_members_of_2018(anon: httpx.Client, staff: httpx.Client) -> None:
    members = load("sponsors")
    assert len(members) == 85
    approved = [m for m in members if m["status"] == "approved"]
    assert len(approved) == 57
    of_2017 = anon.get("/api/v1/sponsors", params={"year": 2017, "limit": 100})
    names = {s["name"] for s in of_2017.json()}
    expected = {m["name"] for m in approved if (m["since"] or "").startswith("2017")}
    assert expected and expected <= names
    assert all(s["contacts"] is None for s in of_2017.json())
    denied = next(m for m in members if m["status"] == "denied")
    found = staff.get("/api/v1/sponsors", params={"all": "true", "q": denied["name"]}).json()
    assert denied["name"] in [s["name"] for s in found]
    assert anon.get("/api/v1/sponsors", params={"q": denied["name"], "year": 2017}).json() == []
    member = next(
        m for m in approved if m["representative"] and (m["since"] or "").startswith("2017")
    )
    found = staff.get("/api/v1/sponsors", params={"year": 2017, "q": member["name"]}).json()
    assert found[0]["contacts"][0]["name"] == member["representative"]
