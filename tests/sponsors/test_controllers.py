"""The sponsors domain over HTTP on both engines: catalogue, sponsors, applications and their
review, every guard, contacts kept to staff, and logo placements."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.factories import BenefitFactory, PackageFactory, unique
from tests.support import LiveServer, created_json, new_user

PASSWORD = "sponsors passphrase 2026"
FOUNDATION = 1  # the seeded Foundation programme
YEAR = 2026  # the test servers' clock stands in November 2026


def register(server: LiveServer) -> tuple[httpx.Client, int]:
    client = new_user(server, PASSWORD)
    return client, int(client.get("/api/auth/me").json()["id"])


@pytest.fixture
def applicant(server: LiveServer) -> Iterator[httpx.Client]:
    client, _ = register(server)
    yield client
    client.close()


@pytest.fixture
def other(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client("user") as client:
        yield client


@pytest.fixture
def publisher(server: LiveServer, staff: httpx.Client) -> Iterator[httpx.Client]:
    """A plain account granted ``sponsor_publisher``, calling with a read-only API key."""
    client, user_id = register(server)
    granted = staff.put(f"/api/v1/sponsors/publishers/{user_id}")
    assert granted.status_code == 200, granted.text
    made = client.post("/api/auth/api-keys", json={"name": "sync", "scopes": ["read"]})
    assert made.status_code == 201, made.text
    client.close()
    with httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {made.json()['key']}"},
        timeout=30,
    ) as keyed:
        yield keyed


def make_package(staff: httpx.Client, **overrides: object) -> dict[str, Any]:
    return created_json(
        staff.post("/api/v1/sponsors/packages", json=PackageFactory.body(**overrides))
    )


def make_benefit(staff: httpx.Client, **overrides: object) -> dict[str, Any]:
    return created_json(
        staff.post("/api/v1/sponsors/benefits", json=BenefitFactory.body(**overrides))
    )


def logo(publisher: str, flight: str, **more: bool) -> dict[str, object]:
    return {"logo_placement": {"publisher": publisher, "flight": flight, **more}}


def application(package_id: int, benefit_ids: list[int], **sponsor: object) -> dict[str, Any]:
    return {
        "sponsor": {
            "name": unique("Acme Corp"),
            "description": "Makes anvils.",
            "landing_page_url": "https://acme.example/",
            "web_logo": "https://acme.example/logo.png",
            **sponsor,
        },
        "contact": {"name": "Wile E. Coyote", "email": "wile@acme.example", "phone": "555-0100"},
        "package_id": package_id,
        "benefit_ids": benefit_ids,
    }


def apply(client: httpx.Client, package_id: int, benefit_ids: list[int], **sponsor: object) -> Any:
    response = client.post(
        "/api/v1/sponsors/apply", json=application(package_id, benefit_ids, **sponsor)
    )
    assert response.status_code == 201, response.text
    return response.json()


def finalized(
    staff: httpx.Client, sponsor_id: int, package_id: int, benefit_ids: list[int], **more: object
) -> dict[str, Any]:
    body: dict[str, object] = {
        "sponsor_id": sponsor_id,
        "package_id": package_id,
        "status": "finalized",
        "year": YEAR,
        "start_date": f"{YEAR}-01-01",
        "end_date": f"{YEAR}-12-31",
        "benefit_ids": benefit_ids,
    }
    body.update(more)
    return created_json(staff.post("/api/v1/sponsors/sponsorships", json=body))


def make_sponsor(staff: httpx.Client, **overrides: object) -> dict[str, Any]:
    body: dict[str, object] = {
        "name": unique("Initech"),
        "description": "Makes TPS reports.",
        "landing_page_url": "https://initech.example/",
        "web_logo": "https://initech.example/logo.png",
        "contacts": [{"name": "Bill Lumbergh", "email": "bill@initech.example"}],
    }
    body.update(overrides)
    return created_json(staff.post("/api/v1/sponsors", json=body))


# The catalogue ---------------------------------------------------------------------------------


def test_programmes_are_seeded_and_public(anon: httpx.Client) -> None:
    names = [p["name"] for p in anon.get("/api/v1/sponsors/programs").json()]
    assert names[:4] == ["Foundation", "PyCon US 2022", "PyPI", "Core Development"]
    assert anon.get(f"/api/v1/sponsors/programs/{FOUNDATION}").json()["name"] == "Foundation"


def test_packages_crud_by_staff_read_by_anyone(staff: httpx.Client, anon: httpx.Client) -> None:
    package = make_package(staff, sponsorship_amount=90000, name="Sustainability")
    assert anon.get(f"/api/v1/sponsors/packages/{package['id']}").json() == package
    by_slug = anon.get(f"/api/v1/sponsors/packages/slug/{package['slug']}")
    assert by_slug.json()["sponsorship_amount"] == 90000
    listed = anon.get("/api/v1/sponsors/packages", params={"limit": 200}).json()
    assert package["id"] in [p["id"] for p in listed]
    changed = staff.patch(
        f"/api/v1/sponsors/packages/{package['id']}", json={"sponsorship_amount": 95000}
    )
    assert changed.json()["sponsorship_amount"] == 95000
    taken = staff.post(
        "/api/v1/sponsors/packages",
        json={"name": "Again", "slug": package["slug"], "sponsorship_amount": 1},
    )
    assert taken.status_code == 422
    assert taken.json()["extra"]["errors"][0]["field"] == "slug"
    assert staff.delete(f"/api/v1/sponsors/packages/{package['id']}").status_code == 204
    assert anon.get(f"/api/v1/sponsors/packages/{package['id']}").status_code == 404


def test_package_in_use_cannot_be_deleted(staff: httpx.Client, applicant: httpx.Client) -> None:
    package = make_package(staff)
    apply(applicant, package["id"], [])
    response = staff.delete(f"/api/v1/sponsors/packages/{package['id']}")
    assert response.status_code == 409
    assert staff.get(f"/api/v1/sponsors/packages/{package['id']}").status_code == 200


def test_benefits_crud_with_logo_placement(staff: httpx.Client, anon: httpx.Client) -> None:
    benefit = make_benefit(
        staff, **logo("pypi", "sidebar", describe_as_sponsor=True), quantities={"visionary": 2}
    )
    assert benefit["logo_placement"] == {
        "publisher": "pypi",
        "flight": "sidebar",
        "link_to_sponsors_page": False,
        "describe_as_sponsor": True,
    }
    assert benefit["quantities"] == {"visionary": 2}
    assert benefit["program"]["name"] == "Foundation"
    assert anon.get(f"/api/v1/sponsors/benefits/{benefit['id']}").json() == benefit
    changed = staff.patch(
        f"/api/v1/sponsors/benefits/{benefit['id']}", json={"logo_placement": None}
    ).json()
    assert changed["logo_placement"] is None
    bad = staff.post("/api/v1/sponsors/benefits", json={"name": "X", "program_id": 999999})
    assert bad.status_code == 422
    assert bad.json()["extra"]["errors"][0]["field"] == "program_id"
    assert staff.delete(f"/api/v1/sponsors/benefits/{benefit['id']}").status_code == 204
    assert anon.get(f"/api/v1/sponsors/benefits/{benefit['id']}").status_code == 404


@pytest.mark.parametrize("who", ["anon", "other"])
def test_catalogue_writes_are_staff_only(
    who: str, request: pytest.FixtureRequest, staff: httpx.Client
) -> None:
    client: httpx.Client = request.getfixturevalue(who)
    expected = 401 if who == "anon" else 403
    package = make_package(staff)
    benefit = make_benefit(staff)
    body = {"name": "X", "slug": unique("x"), "sponsorship_amount": 1}
    assert client.post("/api/v1/sponsors/packages", json=body).status_code == expected
    path = f"/api/v1/sponsors/packages/{package['id']}"
    assert client.patch(path, json={"order": 3}).status_code == expected
    assert client.delete(path).status_code == expected
    benefit_body = {"name": "X", "program_id": FOUNDATION}
    assert client.post("/api/v1/sponsors/benefits", json=benefit_body).status_code == expected
    path = f"/api/v1/sponsors/benefits/{benefit['id']}"
    assert client.patch(path, json={"order": 3}).status_code == expected
    assert client.delete(path).status_code == expected
    assert client.post("/api/v1/sponsors", json={"name": "X"}).status_code == expected
    assert staff.get(f"/api/v1/sponsors/packages/{package['id']}").json()["order"] == 0


# Sponsors ------------------------------------------------------------------------------------


def test_sponsor_without_finalized_sponsorship_is_hidden(
    staff: httpx.Client, anon: httpx.Client, other: httpx.Client
) -> None:
    sponsor = make_sponsor(staff)
    assert anon.get(f"/api/v1/sponsors/{sponsor['id']}").status_code == 404
    assert other.get(f"/api/v1/sponsors/slug/{sponsor['slug']}").status_code == 404
    assert staff.get(f"/api/v1/sponsors/{sponsor['id']}").status_code == 200
    every = staff.get("/api/v1/sponsors", params={"all": "true", "q": sponsor["name"]}).json()
    assert [s["id"] for s in every] == [sponsor["id"]]
    refused = anon.get("/api/v1/sponsors", params={"all": "true"})
    assert refused.status_code == 403  # a role refused: valid data, as the document says
    assert refused.json()["detail"] == "Only staff may list every sponsor (`all=true`)."


def test_finalized_sponsor_is_public_without_contacts(
    staff: httpx.Client, anon: httpx.Client, applicant: httpx.Client
) -> None:
    package = make_package(staff)
    sponsor = make_sponsor(staff)
    assert sponsor["contacts"][0]["email"] == "bill@initech.example"
    finalized(staff, sponsor["id"], package["id"], [])
    for client in (anon, applicant):
        for path in (
            f"/api/v1/sponsors/{sponsor['id']}",
            f"/api/v1/sponsors/slug/{sponsor['slug']}",
        ):
            response = client.get(path)
            assert response.status_code == 200
            assert response.json()["contacts"] is None
            assert "bill@initech.example" not in response.text
        listed = client.get("/api/v1/sponsors", params={"q": sponsor["name"]})
        assert [s["id"] for s in listed.json()] == [sponsor["id"]]
        assert "bill@initech.example" not in listed.text
        sponsorships = client.get(
            "/api/v1/sponsors/sponsorships", params={"sponsor": sponsor["id"]}
        )
        assert len(sponsorships.json()) == 1
        assert "bill@initech.example" not in sponsorships.text
    assert staff.get(f"/api/v1/sponsors/{sponsor['id']}").json()["contacts"][0]["name"] == (
        "Bill Lumbergh"
    )


def test_sponsor_list_filters(staff: httpx.Client, anon: httpx.Client) -> None:
    package, old = make_package(staff), make_package(staff, name="Partner")
    current = make_sponsor(staff, name=unique("Filterco"))
    past = make_sponsor(staff, name=unique("Filterco"))
    finalized(staff, current["id"], package["id"], [])
    finalized(
        staff, past["id"], old["id"], [], year=2019, start_date="2019-01-01", end_date="2019-12-31"
    )
    listed = anon.get("/api/v1/sponsors", params={"q": "filterco", "limit": 200}).json()
    ids = [s["id"] for s in listed]
    assert current["id"] in ids and past["id"] not in ids
    of_2019 = anon.get("/api/v1/sponsors", params={"year": 2019, "q": past["name"]}).json()
    assert [s["id"] for s in of_2019] == [past["id"]]
    by_package = anon.get("/api/v1/sponsors", params={"package": package["slug"]}).json()
    assert [s["id"] for s in by_package] == [current["id"]]
    assert anon.get(f"/api/v1/sponsors/{past['id']}").status_code == 200


def test_staff_updates_and_deletes_a_sponsor(staff: httpx.Client, anon: httpx.Client) -> None:
    package, sponsor = make_package(staff), make_sponsor(staff)
    finalized(staff, sponsor["id"], package["id"], [])
    changed = staff.patch(
        f"/api/v1/sponsors/{sponsor['id']}", json={"description": "Now makes staplers."}
    )
    assert changed.status_code == 200
    assert anon.get(f"/api/v1/sponsors/{sponsor['id']}").json()["description"] == (
        "Now makes staplers."
    )
    bad = staff.patch(f"/api/v1/sponsors/{sponsor['id']}", json={"landing_page_url": "nope"})
    assert bad.status_code == 400
    assert staff.delete(f"/api/v1/sponsors/{sponsor['id']}").status_code == 204
    assert staff.get(f"/api/v1/sponsors/{sponsor['id']}").status_code == 404


@pytest.mark.parametrize("who", ["anon", "other"])
def test_sponsor_writes_are_staff_only(
    who: str, request: pytest.FixtureRequest, staff: httpx.Client
) -> None:
    client: httpx.Client = request.getfixturevalue(who)
    expected = 401 if who == "anon" else 403
    package, sponsor = make_package(staff), make_sponsor(staff)
    finalized(staff, sponsor["id"], package["id"], [])
    path = f"/api/v1/sponsors/{sponsor['id']}"
    assert client.patch(path, json={"name": "Hijacked"}).status_code == expected
    assert client.delete(path).status_code == expected
    body = {"sponsor_id": sponsor["id"], "status": "finalized"}
    assert client.post("/api/v1/sponsors/sponsorships", json=body).status_code == expected
    assert staff.get(path).json()["name"] == sponsor["name"]


# Applications and the workflow ---------------------------------------------------------------


def test_apply_and_see_your_applications(
    staff: httpx.Client, applicant: httpx.Client, other: httpx.Client, anon: httpx.Client
) -> None:
    package, benefit = make_package(staff), make_benefit(staff)
    made = apply(applicant, package["id"], [benefit["id"]])
    assert made["status"] == "applied"
    assert made["fee"] == 150000 and made["year"] == YEAR
    assert [b["id"] for b in made["benefits"]] == [benefit["id"]]
    assert made["sponsor"]["contacts"] is None
    mine = applicant.get("/api/v1/sponsors/mine")
    assert [s["id"] for s in mine.json()] == [made["id"]]
    assert mine.headers["x-total-count"] == "1"
    assert other.get("/api/v1/sponsors/mine").json() == []
    assert anon.get("/api/v1/sponsors/mine").status_code == 401
    sponsorship = f"/api/v1/sponsors/sponsorships/{made['id']}"
    assert applicant.get(sponsorship).status_code == 200
    assert applicant.get(f"/api/v1/sponsors/{made['sponsor']['id']}").status_code == 200
    assert other.get(sponsorship).status_code == 404
    assert anon.get(sponsorship).status_code == 404
    assert other.get(f"/api/v1/sponsors/{made['sponsor']['id']}").status_code == 404
    contacts = staff.get(f"/api/v1/sponsors/{made['sponsor']['id']}").json()["contacts"]
    assert contacts[0]["email"] == "wile@acme.example" and contacts[0]["primary"] is True


def test_apply_guards_and_validation(
    staff: httpx.Client, applicant: httpx.Client, anon: httpx.Client
) -> None:
    package = make_package(staff)
    body = application(package["id"], [])
    assert anon.post("/api/v1/sponsors/apply", json=body).status_code == 401
    missing = applicant.post("/api/v1/sponsors/apply", json=application(999999, []))
    assert missing.status_code == 422
    assert missing.json()["extra"]["errors"][0]["field"] == "package_id"
    no_benefit = applicant.post("/api/v1/sponsors/apply", json=application(package["id"], [999999]))
    assert no_benefit.status_code == 422
    assert no_benefit.json()["extra"]["errors"][0]["field"] == "benefit_ids"
    assert applicant.get("/api/v1/sponsors/mine").json() == []


def test_an_application_never_names_a_hidden_sponsor(
    server: LiveServer, staff: httpx.Client, applicant: httpx.Client
) -> None:
    """Issue 24: a 422 "A sponsor with slug ... already exists" told any applicant which
    companies had applied. A chosen slug that is taken is made free instead."""
    package = make_package(staff)
    hidden = apply(applicant, package["id"], [], slug=unique("initrode"))["sponsor"]
    rival, _ = register(server)
    assert rival.get(f"/api/v1/sponsors/slug/{hidden['slug']}").status_code == 404
    response = rival.post(
        "/api/v1/sponsors/apply", json=application(package["id"], [], slug=hidden["slug"])
    )
    rival.close()
    assert response.status_code == 201, response.text
    assert response.json()["sponsor"]["slug"] == f"{hidden['slug']}-2"
    assert "already exists" not in response.text
    taken = staff.post("/api/v1/sponsors", json={"name": "Initrode", "slug": hidden["slug"]})
    assert taken.status_code == 422  # staff see every sponsor: they are told
    assert taken.json()["extra"]["errors"][0]["field"] == "slug"


def test_workflow_approve_then_finalize(
    staff: httpx.Client, applicant: httpx.Client, anon: httpx.Client
) -> None:
    package = make_package(staff)
    made = apply(applicant, package["id"], [])
    path = f"/api/v1/sponsors/sponsorships/{made['id']}"
    refused = staff.post(f"{path}/finalize")
    assert refused.status_code == 409
    assert refused.json()["extra"] == {
        "status": "applied",
        "allowed_actions": ["approve", "reject"],
    }
    assert staff.post(f"{path}/approve").json()["status"] == "approved"
    for move in ("approve", "reject"):
        response = staff.post(f"{path}/{move}", json={"reason": "no"} if move == "reject" else None)
        assert response.status_code == 409
        assert response.json()["extra"]["allowed_actions"] == ["finalize"]
    assert anon.get(f"/api/v1/sponsors/{made['sponsor']['id']}").status_code == 404
    done = staff.post(f"{path}/finalize").json()
    assert done["status"] == "finalized" and done["finalized_on"] is not None
    assert anon.get(f"/api/v1/sponsors/{made['sponsor']['id']}").status_code == 200
    for move in ("approve", "finalize"):
        response = staff.post(f"{path}/{move}")
        assert response.status_code == 409
        assert response.json()["extra"] == {"status": "finalized", "allowed_actions": []}
    assert staff.get(path).json()["status"] == "finalized"


def test_workflow_reject_with_reason(
    staff: httpx.Client, applicant: httpx.Client, other: httpx.Client
) -> None:
    made = apply(applicant, make_package(staff)["id"], [])
    path = f"/api/v1/sponsors/sponsorships/{made['id']}"
    assert staff.post(f"{path}/reject", json={}).status_code == 400
    rejected = staff.post(f"{path}/reject", json={"reason": "Not a fit this year."}).json()
    assert rejected["status"] == "rejected"
    assert applicant.get(path).json()["rejection_reason"] == "Not a fit this year."
    for move in ("approve", "finalize"):
        response = staff.post(f"{path}/{move}")
        assert response.status_code == 409
        assert response.json()["extra"] == {"status": "rejected", "allowed_actions": []}
    again = staff.post(f"{path}/reject", json={"reason": "again"})
    assert again.status_code == 409
    assert staff.get(path).json()["rejection_reason"] == "Not a fit this year."


@pytest.mark.parametrize("who", ["anon", "applicant", "other"])
def test_workflow_moves_are_staff_only(
    who: str, request: pytest.FixtureRequest, staff: httpx.Client, applicant: httpx.Client
) -> None:
    client: httpx.Client = request.getfixturevalue(who)
    expected = 401 if who == "anon" else 403
    made = apply(applicant, make_package(staff)["id"], [])
    path = f"/api/v1/sponsors/sponsorships/{made['id']}"
    assert client.post(f"{path}/approve").status_code == expected
    assert client.post(f"{path}/reject", json={"reason": "x"}).status_code == expected
    assert client.post(f"{path}/finalize").status_code == expected
    assert staff.get(path).json()["status"] == "applied"


def test_sponsorship_lists(
    staff: httpx.Client, anon: httpx.Client, applicant: httpx.Client
) -> None:
    package = make_package(staff)
    made = apply(applicant, package["id"], [])
    sponsor = made["sponsor"]["id"]
    assert anon.get("/api/v1/sponsors/sponsorships", params={"sponsor": sponsor}).json() == []
    staff_view = staff.get(
        "/api/v1/sponsors/sponsorships", params={"sponsor": sponsor, "status": "applied"}
    ).json()
    assert [s["id"] for s in staff_view] == [made["id"]]
    assert staff_view[0]["sponsor"]["contacts"][0]["email"] == "wile@acme.example"
    assert staff_view[0]["rejection_reason"] == ""
    unknown = staff.get("/api/v1/sponsors/sponsorships", params={"status": "nope"})
    assert unknown.status_code == 400


def test_sponsors_are_searchable_once_public(
    staff: httpx.Client, applicant: httpx.Client, anon: httpx.Client, server: LiveServer
) -> None:
    from tests.sponsors.search import indexed

    made = apply(applicant, make_package(staff)["id"], [], name=unique("Zyxwidget"))
    sponsor = made["sponsor"]

    def found() -> list[tuple[str, int]]:
        body = {"query": sponsor["name"], "indexes": ["sponsors"]}
        response = anon.post("/api/v1/search/", json=body)
        assert response.status_code == 200, response.text
        return [(hit["index"], hit["id"]) for hit in response.json()]

    assert not indexed(server, sponsor["id"])
    assert found() == []
    path = f"/api/v1/sponsors/sponsorships/{made['id']}"
    staff.post(f"{path}/approve")
    staff.post(f"{path}/finalize")
    assert indexed(server, sponsor["id"])
    assert found() == [("sponsors", sponsor["id"])]
    staff.delete(f"/api/v1/sponsors/{sponsor['id']}")
    assert not indexed(server, sponsor["id"])


# Publishers and logo placements --------------------------------------------------------------

PLACEMENTS = "/api/v1/sponsors/logo-placements"


def placements_of(client: httpx.Client, slug: str, **params: str | int) -> list[dict[str, Any]]:
    response = client.get(PLACEMENTS, params=params)
    assert response.status_code == 200, response.text
    return [item for item in response.json() if item["sponsor_slug"] == slug]


def test_logo_placements_guards(
    anon: httpx.Client, other: httpx.Client, publisher: httpx.Client, staff: httpx.Client
) -> None:
    assert anon.get(PLACEMENTS).status_code == 401
    assert other.get(PLACEMENTS).status_code == 403
    assert publisher.get(PLACEMENTS).status_code == 200
    assert staff.get(PLACEMENTS).status_code == 200


def test_publisher_grants_are_staff_only(
    server: LiveServer, staff: httpx.Client, other: httpx.Client, anon: httpx.Client
) -> None:
    client, user_id = register(server)
    with contextlib.closing(client):
        assert client.get(PLACEMENTS).status_code == 403
        path = f"/api/v1/sponsors/publishers/{user_id}"
        assert other.put(path).status_code == 403
        assert anon.put(path).status_code == 401
        assert other.get("/api/v1/sponsors/publishers").status_code == 403
        assert staff.put(path).json()["user_id"] == user_id
        assert user_id in [p["user_id"] for p in staff.get("/api/v1/sponsors/publishers").json()]
        assert client.get(PLACEMENTS).status_code == 200
        assert other.delete(path).status_code == 403
        assert staff.delete(path).status_code == 204
        assert client.get(PLACEMENTS).status_code == 403
        assert staff.delete(path).status_code == 404
        assert staff.put("/api/v1/sponsors/publishers/999999999").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"), [({"publisher": "nasa"}, "publisher"), ({"flight": "moon"}, "flight")]
)
def test_logo_placements_invalid_values_are_400(
    publisher: httpx.Client, params: dict[str, str], field: str
) -> None:
    response = publisher.get(PLACEMENTS, params=params)
    assert response.status_code == 400
    assert field in response.text


def test_logo_placements_python_org_cases(
    staff: httpx.Client, publisher: httpx.Client, server: LiveServer
) -> None:
    """python.org's ``sponsors/tests/test_api.py``: one item per sponsorship and logo benefit,
    filters, the describe-as-sponsor and sponsors-page rules; non-logo benefits give none."""
    package = make_package(staff, name="Visionary", order=0)
    sidebar = make_benefit(staff, **logo("pypi", "sidebar"))
    sponsors_page = make_benefit(
        staff, **logo("pypi", "sponsors", describe_as_sponsor=True, link_to_sponsors_page=True)
    )
    pycon = make_benefit(staff, **logo("pycon", "sponsors"))
    plain = make_benefit(staff)
    sponsor = make_sponsor(staff, name=unique("Sponsor Name"))
    ids = [sidebar["id"], sponsors_page["id"], pycon["id"], plain["id"]]
    made = finalized(staff, sponsor["id"], package["id"], ids)
    items = placements_of(publisher, sponsor["slug"])
    assert sorted((i["publisher"], i["flight"]) for i in items) == [
        ("pycon", "sponsors"),
        ("pypi", "sidebar"),
        ("pypi", "sponsors"),
    ]
    first = next(i for i in items if i["flight"] == "sidebar")
    assert first == {
        "publisher": "pypi",
        "flight": "sidebar",
        "sponsor": sponsor["name"],
        "sponsor_id": str(sponsor["id"]),
        "sponsor_slug": sponsor["slug"],
        "description": "Makes TPS reports.",
        "logo": "https://initech.example/logo.png",
        "white_logo": None,
        "start_date": f"{YEAR}-01-01",
        "end_date": f"{YEAR}-12-31",
        "sponsor_url": "https://initech.example/",
        "level_name": "Visionary",
        "level_order": 0,
        "contacts": None,
    }
    described = next(i for i in items if i["publisher"] == "pypi" and i["flight"] == "sponsors")
    assert described["description"] == (
        f"{sponsor['name']} is a Visionary sponsor of the Python Software Foundation."
    )
    assert described["sponsor_url"] == f"{server.base_url}/psf/sponsors/#{sponsor['slug']}"
    by_publisher = placements_of(publisher, sponsor["slug"], publisher="pycon")
    assert [(i["publisher"], i["flight"]) for i in by_publisher] == [("pycon", "sponsors")]
    by_flight = placements_of(publisher, sponsor["slug"], flight="sidebar")
    assert [(i["publisher"], i["flight"]) for i in by_flight] == [("pypi", "sidebar")]
    both = placements_of(publisher, sponsor["slug"], publisher="pypi", flight="sponsors")
    assert len(both) == 1
    assert placements_of(publisher, sponsor["slug"], year=YEAR - 1) == []
    assert len(placements_of(publisher, sponsor["slug"], year=YEAR)) == 3
    staff_items = placements_of(staff, sponsor["slug"], flight="sidebar")
    assert staff_items[0]["contacts"][0]["email"] == "bill@initech.example"
    assert made["status"] == "finalized"


def test_logo_placements_only_of_running_finalized_sponsorships(
    staff: httpx.Client, publisher: httpx.Client, applicant: httpx.Client
) -> None:
    package = make_package(staff)
    benefit = make_benefit(staff, **logo("psf", "sidebar"))
    made = apply(applicant, package["id"], [benefit["id"]])
    slug = made["sponsor"]["slug"]
    assert placements_of(publisher, slug) == []
    staff.post(f"/api/v1/sponsors/sponsorships/{made['id']}/approve")
    assert placements_of(publisher, slug) == []
    ended = make_sponsor(staff)
    finalized(
        staff,
        ended["id"],
        package["id"],
        [benefit["id"]],
        year=2020,
        start_date="2020-01-01",
        end_date="2020-12-31",
    )
    assert placements_of(publisher, ended["slug"]) == []
    staff.post(f"/api/v1/sponsors/sponsorships/{made['id']}/finalize")
    assert len(placements_of(publisher, slug)) == 1
