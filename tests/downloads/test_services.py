"""Writes of OSes and releases: the staff guard, the rules, and ``is_latest`` bookkeeping."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from pydotorg.core.exceptions import FieldError
from pydotorg.downloads.services import parse_release_name, slugify_release_name
from tests.factories import unique, unique_number


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Python 3.12.1", (3, 12, 1, 3, 0)),
        ("Python 3.14.0rc2", (3, 14, 0, 2, 2)),
        ("Python 3.15.0a8", (3, 15, 0, 0, 8)),
        ("Python 2.2", (2, 2, 0, 3, 0)),
        ("Python 3.9.0b5", (3, 9, 0, 1, 5)),
    ],
)
def test_release_names_parse_into_orderable_parts(name: str, parts: tuple[int, ...]) -> None:
    version = parse_release_name(name)
    assert (
        version.major,
        version.minor,
        version.micro,
        version.stage_rank,
        version.stage_number,
    ) == parts
    assert version.pre_release is (parts[3] < 3)


@pytest.mark.parametrize("name", ["Python 3", "python 3.12.1", "Python 3.12.1-final", "3.12.1"])
def test_unparseable_release_names_are_refused(name: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_release_name(name)
    assert caught.value.field == "name"


def test_release_slugs_follow_python_org() -> None:
    assert slugify_release_name("Python 3.12.1") == "python-3121"
    assert slugify_release_name("Python 3.14.0rc2") == "python-3140rc2"


def test_os_crud_for_staff(staff: httpx.Client, anon: httpx.Client) -> None:
    slug = unique("beos", 6)
    created = staff.post("/api/v1/os/", json={"name": "BeOS", "slug": slug})
    assert created.status_code == 201, created.text
    uri = created.headers["location"]
    assert anon.get(uri).json()["slug"] == slug
    assert staff.post("/api/v1/os/", json={"name": "BeOS", "slug": slug}).status_code == 422
    renamed = staff.patch(uri, json={"name": "Haiku"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Haiku"
    assert staff.delete(uri).status_code == 204
    assert anon.get(uri).status_code == 404


def test_os_with_files_cannot_be_deleted(staff: httpx.Client) -> None:
    response = staff.delete("/api/v1/os/3")
    assert response.status_code == 409
    assert response.json()["extra"]["release_files"] > 0
    assert staff.get("/api/v1/os/3").status_code == 200


def test_os_writes_need_staff(anon: httpx.Client, user: httpx.Client) -> None:
    for client, status in ((anon, 401), (user, 403)):
        assert client.post("/api/v1/os/", json={"name": "X", "slug": "x"}).status_code == status
        assert client.patch("/api/v1/os/1", json={"name": "X"}).status_code == status
        assert client.delete("/api/v1/os/1").status_code == status
    assert anon.get("/api/v1/os/1").json()["name"] == "Windows"


def test_release_writes_need_staff(anon: httpx.Client, user: httpx.Client) -> None:
    body = {"name": "Python 7.0.0", "release_date": "2040-01-01T00:00:00Z"}
    latest = anon.get("/api/v1/releases/latest").json()
    for client, status in ((anon, 401), (user, 403)):
        assert client.post("/api/v1/releases/", json=body).status_code == status
        patched = client.patch(latest["resource_uri"], json={"is_published": False})
        assert patched.status_code == status
        assert client.delete(latest["resource_uri"]).status_code == status
    assert anon.get("/api/v1/releases/latest").json() == latest


def test_invalid_credentials_are_401_even_for_reads(
    client_with_header: Callable[[str], httpx.Client],
) -> None:
    for header in ("Bearer pdo_nothex_nosecret", "Bearer", "Basic dXNlcjpwYXNz", "Token abc"):
        response = client_with_header(header).get("/api/v1/releases/latest")
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"


def test_create_release_derives_version_fields(staff: httpx.Client) -> None:
    minor = unique_number(100, 900)
    response = staff.post(
        "/api/v1/releases/",
        json={"name": f"Python 6.{minor}.0rc1", "release_date": "2035-03-01T09:30:00-05:00"},
    )
    assert response.status_code == 201, response.text
    release = response.json()
    assert release["version"] == 6 and release["series"] == f"6.{minor}"
    assert release["pre_release"] is True and release["is_published"] is False
    assert release["python_version"] == f"6.{minor}.0rc1"
    assert release["slug"] == f"python-6{minor}0rc1"
    assert release["release_date"] == "2035-03-01T14:30:00Z"
    assert response.headers["location"] == release["resource_uri"]
    again = staff.post(
        "/api/v1/releases/",
        json={"name": f"Python 6.{minor}.0rc1", "release_date": "2035-03-01T09:30:00Z"},
    )
    assert again.status_code == 422 and again.json()["extra"]["errors"][0]["field"] == "name"
    assert staff.delete(release["resource_uri"]).status_code == 204


def test_naive_release_date_is_refused(staff: httpx.Client) -> None:
    response = staff.post(
        "/api/v1/releases/", json={"name": "Python 6.1.1", "release_date": "2035-03-01T09:30:00"}
    )
    assert response.status_code == 400
    assert response.json()["extra"]["errors"][0]["field"] == "release_date"


def test_is_latest_follows_publishing(staff: httpx.Client, anon: httpx.Client) -> None:
    """A new newest final release becomes latest when published, and hands it back when not."""
    before = anon.get("/api/v1/releases/latest").json()
    created = staff.post(
        "/api/v1/releases/",
        json={"name": "Python 3.99.0", "release_date": "2036-10-01T00:00:00Z"},
    ).json()
    assert created["is_latest"] is False
    assert anon.get("/api/v1/releases/latest").json()["id"] == before["id"]

    published = staff.patch(created["resource_uri"], json={"is_published": True}).json()
    assert published["is_latest"] is True
    assert anon.get("/api/v1/releases/latest").json()["id"] == created["id"]
    assert anon.get(before["resource_uri"]).json()["is_latest"] is False
    assert anon.get("/api/v1/releases/latest/3.99").json()["id"] == created["id"]

    assert staff.delete(created["resource_uri"]).status_code == 204
    assert anon.get("/api/v1/releases/latest").json()["id"] == before["id"]
    assert anon.get(before["resource_uri"]).json()["is_latest"] is True


def test_renaming_a_release_rederives_its_version(staff: httpx.Client) -> None:
    minor = unique_number(100, 900)
    created = staff.post(
        "/api/v1/releases/",
        json={"name": f"Python 5.{minor}.0b1", "release_date": "2034-01-01T00:00:00Z"},
    ).json()
    renamed = staff.patch(created["resource_uri"], json={"name": f"Python 5.{minor}.0"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["pre_release"] is False
    assert renamed.json()["python_version"] == f"5.{minor}.0"
    bad = staff.patch(created["resource_uri"], json={"name": "Five"})
    assert bad.status_code == 400
    assert staff.get(created["resource_uri"]).json()["name"] == f"Python 5.{minor}.0"
    staff.delete(created["resource_uri"])
