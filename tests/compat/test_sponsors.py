"""python.org's v2 sponsors API over HTTP on both engines, as its two real clients call it:
PyPI's hourly sponsor sync (warehouse ``sponsors/tasks.py``) and the PyCon US app
(django-program ``sponsors/sync.py``); python.org's permission rules and 400 bodies."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.factories import token, unique
from tests.sponsors.test_controllers import (
    YEAR,
    finalized,
    logo,
    make_benefit,
    make_package,
    make_sponsor,
    register,
)
from tests.support import LiveServer, created_json

PLACEMENT = "/api/v2/sponsors/logo-placement/"
ASSETS = "/api/v2/sponsors/sponsorship-assets/"
_superusers: dict[str, str] = {}


def superuser_key(server: LiveServer) -> str:
    """An API key of a superuser made with ``pydotorg createsuperuser`` on the server's
    database (once per server)."""
    if server.base_url not in _superusers:
        name = f"root{token(8)}"
        made = subprocess.run(
            [
                *(sys.executable, "-m", "pydotorg", "createsuperuser", "--username", name),
                *("--email", f"{name}@example.org", "--no-password", "--api-key", "sync"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={
                **os.environ,
                "DATABASE_URL": server.database_url,
                "PYDOTORG_VAR_DIR": str(server.settings.var_dir),
                "SECRET_KEY": server.settings.secret_key,
            },
        )
        assert made.returncode == 0, made.stderr
        _superusers[server.base_url] = made.stdout.rsplit(": ", 1)[-1].strip()
    return _superusers[server.base_url]


def keyed(server: LiveServer, scheme: str, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"{scheme} {key}"}, timeout=30
    )


@pytest.fixture
def publisher_key(server: LiveServer, staff: httpx.Client) -> str:
    """The API key of a plain account granted ``sponsor_publisher`` by staff."""
    client, user_id = register(server)
    with contextlib.closing(client):
        assert staff.put(f"/api/v1/sponsors/publishers/{user_id}").status_code == 200
        made = client.post("/api/auth/api-keys", json={"name": "pypi", "scopes": ["read"]})
        assert made.status_code == 201, made.text
        key: str = made.json()["key"]
        return key


@pytest.fixture
def plain_key(server: LiveServer) -> str:
    client, _ = register(server)
    with contextlib.closing(client):
        made = client.post("/api/auth/api-keys", json={"name": "nope", "scopes": ["read"]})
        key: str = made.json()["key"]
        return key


@pytest.fixture
def sponsorship(staff: httpx.Client) -> Iterator[dict[str, Any]]:
    """A finalized sponsorship running today with four logo placements and a plain benefit."""
    package = make_package(staff, name="Visionary", order=1)
    benefits = [
        make_benefit(staff, **logo("pypi", "sponsors")),
        make_benefit(staff, **logo("pypi", "sidebar", describe_as_sponsor=True)),
        make_benefit(staff, **logo("pycon", "sponsors", link_to_sponsors_page=True)),
        make_benefit(staff, **logo("psf", "footer")),
        make_benefit(staff),
    ]
    sponsor = make_sponsor(staff, name=unique("Sponsor Name"))
    made = finalized(staff, sponsor["id"], package["id"], [b["id"] for b in benefits])
    yield {"sponsor": sponsor, "sponsorship": made}
    staff.delete(f"/api/v1/sponsors/{sponsor['id']}")


def mine(items: list[dict[str, Any]], sponsor: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for item in items if item["sponsor_slug"] == sponsor["slug"]]


# The real clients ------------------------------------------------------------------------------


def test_pypi_sponsor_sync(
    server: LiveServer, publisher_key: str, sponsorship: dict[str, Any]
) -> None:
    """warehouse's ``update_pypi_sponsors``: ``?publisher=pypi&flight=sponsors`` with
    ``Authorization: Token``, ``raise_for_status()``, then the seven fields it reads."""
    sponsor = sponsorship["sponsor"]
    with keyed(server, "Token", publisher_key) as session:
        response = session.get(
            f"{server.base_url}/api/v2/sponsors/logo-placement/",
            params={"publisher": "pypi", "flight": "sponsors"},
            timeout=5,
        )
    response.raise_for_status()
    assert response.headers["content-type"] == "application/json"
    items = mine(response.json(), sponsor)
    assert len(items) == 1
    read = {
        key: items[0][key]
        for key in (
            "sponsor",
            "sponsor_slug",
            "description",
            "sponsor_url",
            "logo",
            "level_name",
            "level_order",
        )
    }
    assert read == {
        "sponsor": sponsor["name"],
        "sponsor_slug": sponsor["slug"],
        "description": "Makes TPS reports.",
        "sponsor_url": "https://initech.example/",
        "logo": "https://initech.example/logo.png",
        "level_name": "Visionary",
        "level_order": 1,
    }


def django_program_fetch(server: LiveServer, token: str) -> list[dict[str, Any]]:
    """django-program's ``PSFSponsorSyncService``: Token, then Bearer on a 401; a bare list
    or ``{"results": [...]}``."""
    url = f"{server.base_url}/api/v2/sponsors/logo-placement/"
    params = {"publisher": "pycon", "flight": "sponsors"}
    response = httpx.get(url, params=params, headers={"Authorization": f"Token {token}"})
    if response.status_code == 401:
        response = httpx.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    data = response.json()
    results: list[dict[str, Any]] = data if isinstance(data, list) else data["results"]
    return results


def test_pycon_app_sync(
    server: LiveServer, publisher_key: str, sponsorship: dict[str, Any]
) -> None:
    sponsor = sponsorship["sponsor"]
    items = mine(django_program_fetch(server, publisher_key), sponsor)
    assert len(items) == 1
    item = items[0]
    assert item["sponsor_id"] == str(sponsor["id"])
    assert isinstance(item["sponsor_id"], str)
    assert (item["publisher"], item["flight"]) == ("pycon", "sponsors")
    assert item["sponsor_url"] == f"{server.base_url}/psf/sponsors/#{sponsor['slug']}"
    assert item["level_name"] == "Visionary"
    assert item["level_order"] == 1


def test_pycon_app_retries_with_bearer_after_a_401(
    server: LiveServer, staff: httpx.Client, sponsorship: dict[str, Any]
) -> None:
    """A sign-in token (JWT) is no ``Token``-scheme key: the first call is a 401, and the app's
    retry with ``Bearer`` gets the list."""
    client, user_id = register(server)
    with contextlib.closing(client):
        assert staff.put(f"/api/v1/sponsors/publishers/{user_id}").status_code == 200
        jwt = str(client.headers["Authorization"]).split(" ", 1)[1]
    first = httpx.get(f"{server.base_url}{PLACEMENT}", headers={"Authorization": f"Token {jwt}"})
    assert first.status_code == 401
    items = mine(django_program_fetch(server, jwt), sponsorship["sponsor"])
    assert [(i["publisher"], i["flight"]) for i in items] == [("pycon", "sponsors")]


# python.org's shape and rules -----------------------------------------------------------------


def test_item_is_python_org_shape(
    server: LiveServer, publisher_key: str, sponsorship: dict[str, Any]
) -> None:
    sponsor = sponsorship["sponsor"]
    with keyed(server, "Token", publisher_key) as client:
        items = mine(client.get(PLACEMENT).json(), sponsor)
    assert sorted((i["publisher"], i["flight"]) for i in items) == [
        ("psf", "footer"),
        ("pycon", "sponsors"),
        ("pypi", "sidebar"),
        ("pypi", "sponsors"),
    ]
    sidebar = next(i for i in items if i["flight"] == "sidebar")
    assert list(sidebar) == [
        "publisher",
        "flight",
        "sponsor",
        "sponsor_id",
        "sponsor_slug",
        "description",
        "logo",
        "white_logo",
        "start_date",
        "end_date",
        "sponsor_url",
        "level_name",
        "level_order",
        "contacts",
    ]
    assert sidebar == {
        "publisher": "pypi",
        "flight": "sidebar",
        "sponsor": sponsor["name"],
        "sponsor_id": str(sponsor["id"]),
        "sponsor_slug": sponsor["slug"],
        "description": f"{sponsor['name']} is a Visionary sponsor of the Python Software "
        "Foundation.",
        "logo": "https://initech.example/logo.png",
        "white_logo": None,
        "start_date": f"{YEAR}-01-01",
        "end_date": f"{YEAR}-12-31",
        "sponsor_url": "https://initech.example/",
        "level_name": "Visionary",
        "level_order": 1,
        "contacts": [],
    }


def test_staff_read_contacts_in_python_org_shape(
    staff: httpx.Client, sponsorship: dict[str, Any]
) -> None:
    items = mine(staff.get(PLACEMENT, params={"flight": "footer"}).json(), sponsorship["sponsor"])
    assert items[0]["contacts"] == [
        {
            "name": "Bill Lumbergh",
            "email": "bill@initech.example",
            "primary": True,
            "administrative": False,
            "accounting": False,
            "manager": False,
        }
    ]


def test_filters(server: LiveServer, publisher_key: str, sponsorship: dict[str, Any]) -> None:
    sponsor = sponsorship["sponsor"]

    def pairs(**params: str) -> list[tuple[str, str]]:
        with keyed(server, "Token", publisher_key) as client:
            response = client.get(PLACEMENT, params=params)
        assert response.status_code == 200, response.text
        return sorted((i["publisher"], i["flight"]) for i in mine(response.json(), sponsor))

    assert pairs(publisher="pypi") == [("pypi", "sidebar"), ("pypi", "sponsors")]
    assert pairs(flight="sponsors") == [("pycon", "sponsors"), ("pypi", "sponsors")]
    assert pairs(publisher="psf", flight="footer") == [("psf", "footer")]
    assert pairs(publisher="core") == []
    assert pairs(year=str(YEAR)) == pairs()
    assert len(pairs()) == 4
    assert pairs(year=str(YEAR - 1)) == []
    assert pairs(publisher="", flight="", year="") == pairs()  # DRF: blank is not given


def test_invalid_filters_are_400_naming_each(server: LiveServer, publisher_key: str) -> None:
    with keyed(server, "Token", publisher_key) as client:
        both = client.get(
            PLACEMENT, params={"flight": "invalid-flight", "publisher": "invalid-publisher"}
        )
        year = client.get(PLACEMENT, params={"year": "twenty"})
        huge = client.get(PLACEMENT, params={"year": "99999999999"})
    assert both.status_code == 400
    assert both.json() == {
        "publisher": ['"invalid-publisher" is not a valid choice.'],
        "flight": ['"invalid-flight" is not a valid choice.'],
    }
    assert year.status_code == 400
    assert year.json() == {"year": ["A valid integer is required."]}
    assert huge.status_code == 400
    assert list(huge.json()) == ["year"]


def test_permission_matrix(
    server: LiveServer, publisher_key: str, plain_key: str, anon: httpx.Client
) -> None:
    """python.org's ``SponsorPublisherPermission``, for both endpoints: no credential 401, a
    bad one 401, a plain account 403, publishers, staff and superusers 200."""
    paths = [PLACEMENT, f"{ASSETS}?internal_name=logo"]
    staff_key = server.credentials["staff"]
    root_key = superuser_key(server)
    for path in paths:
        nobody = anon.get(path)
        assert nobody.status_code == 401
        assert nobody.headers["www-authenticate"] == "Token"
        assert list(nobody.json()) == ["detail"]
        with keyed(server, "Token", "0123456789abcdef0123456789abcdef01234567") as bad:
            refused = bad.get(path)
        assert refused.status_code == 401
        assert list(refused.json()) == ["detail"]
        with keyed(server, "Token", plain_key) as plain:
            denied = plain.get(path)
        assert denied.status_code == 403
        assert list(denied.json()) == ["detail"]
        for key in (publisher_key, staff_key, root_key):
            for scheme in ("Token", "Bearer"):
                with keyed(server, scheme, key) as client:
                    assert client.get(path).status_code == 200, (path, scheme)


def test_permission_is_checked_before_the_filters(server: LiveServer, plain_key: str) -> None:
    """As in DRF, whose permission check runs before the view reads its query."""
    with keyed(server, "Token", plain_key) as plain:
        assert plain.get(PLACEMENT, params={"flight": "moon"}).status_code == 403
        assert plain.get(ASSETS).status_code == 403
    with httpx.Client(base_url=server.base_url) as anon:
        assert anon.get(PLACEMENT, params={"flight": "moon"}).status_code == 401


def test_permission_answers_in_python_orgs_words(
    server: LiveServer, plain_key: str, anon: httpx.Client
) -> None:
    """DRF's standard texts for 401, and ``SponsorPublisherPermission.message`` for 403."""
    for path in (PLACEMENT, f"{ASSETS}?internal_name=logo"):
        assert anon.get(path).json() == {"detail": "Authentication credentials were not provided."}
        with keyed(server, "Token", "0123456789abcdef0123456789abcdef01234567") as bad:
            assert bad.get(path).json() == {"detail": "Invalid token."}
        with keyed(server, "Token", plain_key) as plain:
            assert plain.get(path).json() == {"detail": "Must have publisher permission."}
        with keyed(server, "Basic", "Zm9vOmJhcg==") as basic:  # no credential to DRF
            assert basic.get(path).json() == {
                "detail": "Authentication credentials were not provided."
            }


def test_a_write_is_refused_after_the_permission(
    server: LiveServer, staff: httpx.Client, plain_key: str, anon: httpx.Client
) -> None:
    """The views serve GET only; DRF checks the permission before the method (with a key
    that may write: a read-only key is refused any write, this service's own rule)."""
    assert anon.post(PLACEMENT, json={}).status_code == 401
    with keyed(server, "Token", plain_key) as plain:
        assert plain.post(PLACEMENT, json={}).status_code == 403
    client, user_id = register(server)
    with contextlib.closing(client):
        assert staff.put(f"/api/v1/sponsors/publishers/{user_id}").status_code == 200
        made = client.post("/api/auth/api-keys", json={"name": "rw", "scopes": ["read", "write"]})
        assert made.status_code == 201, made.text
    with keyed(server, "Token", made.json()["key"]) as publisher:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            refused = publisher.request(method, ASSETS)
            assert refused.status_code == 405
            assert refused.json() == {"detail": f'Method "{method}" not allowed.'}
            assert refused.headers["allow"] == "GET, HEAD, OPTIONS"


# Sponsorship assets ----------------------------------------------------------------------------


def make_asset(staff: httpx.Client, **body: object) -> dict[str, Any]:
    return created_json(staff.post("/api/v1/sponsors/assets", json=body))


def test_assets_as_python_org_lists_them(
    server: LiveServer, staff: httpx.Client, publisher_key: str, sponsorship: dict[str, Any]
) -> None:
    """python.org's ``SponsorshipAssetsAPIListTests``: by name, empty ones only on request,
    the sponsor's name and slug for a sponsorship's asset too."""
    sponsor, made = sponsorship["sponsor"], sponsorship["sponsorship"]
    name = unique("txt_assets")
    text = make_asset(staff, internal_name=name, sponsorship_id=made["id"])
    other = make_sponsor(staff, name=unique("Sponsor Two"))
    image = make_asset(
        staff,
        internal_name=name,
        sponsor_id=other["id"],
        value="https://cdn.example/sponsor-two.png",
    )
    with keyed(server, "Token", publisher_key) as client:
        listed = client.get(ASSETS, params={"internal_name": name})
        assert listed.status_code == 200
        assert listed.json() == [
            {
                "internal_name": name,
                "uuid": image["uuid"],
                "value": "https://cdn.example/sponsor-two.png",
                "content_type": "Sponsor",
                "sponsor": other["name"],
                "sponsor_slug": other["slug"],
            }
        ]
        staff.patch(f"/api/v1/sponsors/assets/{text['id']}", json={"value": "Text Content"})
        both = client.get(ASSETS, params={"internal_name": name}).json()
        assert [(a["uuid"], a["value"], a["content_type"]) for a in both] == [
            (text["uuid"], "Text Content", "Sponsorship"),
            (image["uuid"], "https://cdn.example/sponsor-two.png", "Sponsor"),
        ]
        assert both[0]["sponsor_slug"] == sponsor["slug"]
        staff.patch(f"/api/v1/sponsors/assets/{text['id']}", json={"value": ""})
        assert len(client.get(ASSETS, params={"internal_name": name}).json()) == 1
        empty = client.get(ASSETS, params={"internal_name": name, "list_empty": "true"}).json()
        assert [(a["uuid"], a["value"]) for a in empty] == [
            (text["uuid"], ""),
            (image["uuid"], "https://cdn.example/sponsor-two.png"),
        ]
        assert client.get(ASSETS, params={"internal_name": unique("none")}).json() == []
    staff.delete(f"/api/v1/sponsors/{other['id']}")


def test_assets_query_errors(server: LiveServer, publisher_key: str) -> None:
    with keyed(server, "Token", publisher_key) as client:
        missing = client.get(ASSETS)
        blank = client.get(ASSETS, params={"internal_name": " "})
        long = client.get(ASSETS, params={"internal_name": "x" * 129})
        flag = client.get(ASSETS, params={"internal_name": "logo", "list_empty": "maybe"})
    assert (missing.status_code, missing.json()) == (
        400,
        {"internal_name": ["This field is required."]},
    )
    assert blank.json() == {"internal_name": ["This field may not be blank."]}
    assert long.json() == {"internal_name": ["Ensure this field has no more than 128 characters."]}
    assert (flag.status_code, flag.json()) == (400, {"list_empty": ["Must be a valid boolean."]})


# The root --------------------------------------------------------------------------------------


def test_api_root_lists_the_router_resources(server: LiveServer, anon: httpx.Client) -> None:
    response = anon.get("/api/v2/")
    assert response.status_code == 200
    base = f"{server.base_url}/api/v2/"
    assert response.json() == {
        "pages/page": f"{base}pages/page/",
        "downloads/os": f"{base}downloads/os/",
        "downloads/release": f"{base}downloads/release/",
        "downloads/release_file": f"{base}downloads/release_file/",
    }
    assert list(response.json()) == [
        "pages/page",
        "downloads/os",
        "downloads/release",
        "downloads/release_file",
    ]
