"""Release file writes and python.org's rules for them, over HTTP on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.downloads.conftest import make_release
from tests.factories import FTP, ReleaseFileFactory, source_url


@pytest.fixture
def release(staff: httpx.Client) -> Iterator[dict[str, Any]]:
    """A fresh published release of its own, so write tests never collide."""
    made = make_release(staff, 8, release_date="2031-05-01T12:00:00+02:00")
    yield made
    staff.delete(made["resource_uri"])


def payload(release: dict[str, Any], /, **overrides: object) -> dict[str, Any]:
    url = source_url(release["python_version"], 6)
    fields: dict[str, object] = {
        "release": release["id"],
        "url": url,
        "sha256_sum": "a" * 64,
        "filesize": 123456,
        "gpg_signature_file": url + ".asc",
        "sigstore_bundle_file": url + ".sigstore",
        "sbom_spdx2_file": url + ".spdx.json",
    }
    return ReleaseFileFactory.body(**{**fields, **overrides})


def assert_field_error(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["status_code"] == 422
    assert body["extra"]["errors"][0]["field"] == field


def test_staff_creates_reads_updates_and_deletes_a_file(
    staff: httpx.Client, anon: httpx.Client, release: dict[str, Any]
) -> None:
    created = staff.post("/api/v1/files/", json=payload(release))
    assert created.status_code == 201, created.text
    item = created.json()
    assert created.headers["location"] == item["resource_uri"]
    assert item["is_source"] is True and item["os_slug"] == "source"
    assert item["slug"].startswith(release["slug"])
    assert anon.get(created.headers["location"]).json() == item

    updated = staff.patch(item["resource_uri"], json={"description": "Source", "filesize": 9})
    assert updated.status_code == 200, updated.text
    assert updated.json()["description"] == "Source" and updated.json()["filesize"] == 9
    assert updated.json()["url"] == item["url"]

    assert staff.delete(item["resource_uri"]).status_code == 204
    assert anon.get(item["resource_uri"]).status_code == 404
    assert staff.delete(item["resource_uri"]).status_code == 404


def test_url_must_be_on_www_python_org(staff: httpx.Client, release: dict[str, Any]) -> None:
    url = "https://evil.example/Python.tgz"
    response = staff.post("/api/v1/files/", json=payload(release, url=url, **_no_sidecars()))
    assert_field_error(response, "url")
    assert "https://www.python.org/" in response.json()["detail"]
    http = "http://www.python.org/ftp/python/x.tgz"
    assert_field_error(
        staff.post("/api/v1/files/", json=payload(release, url=http, **_no_sidecars())), "url"
    )


def _no_sidecars() -> dict[str, Any]:
    return {"gpg_signature_file": "", "sigstore_bundle_file": "", "sbom_spdx2_file": ""}


@pytest.mark.parametrize(
    ("field", "suffix"),
    [
        ("gpg_signature_file", ".asc"),
        ("sigstore_signature_file", ".sig"),
        ("sigstore_cert_file", ".crt"),
        ("sigstore_bundle_file", ".sigstore"),
        ("sbom_spdx2_file", ".spdx.json"),
    ],
)
def test_sidecar_urls_are_the_file_url_plus_suffix(
    staff: httpx.Client, release: dict[str, Any], field: str, suffix: str
) -> None:
    body = payload(release)
    good = staff.post("/api/v1/files/", json={**body, field: body["url"] + suffix})
    assert good.status_code == 201, good.text
    other = payload(release)
    wrong = f"{FTP}/other/file{suffix}"
    assert_field_error(staff.post("/api/v1/files/", json={**other, field: wrong}), field)
    wrong_suffix = other["url"] + ".txt"
    assert_field_error(staff.post("/api/v1/files/", json={**other, field: wrong_suffix}), field)


def test_url_is_unique(staff: httpx.Client, release: dict[str, Any]) -> None:
    body = payload(release)
    assert staff.post("/api/v1/files/", json=body).status_code == 201
    again = staff.post("/api/v1/files/", json={**body, "name": "Another name"})
    assert_field_error(again, "url")


def test_one_download_button_per_release_and_os(
    staff: httpx.Client, release: dict[str, Any]
) -> None:
    first = staff.post("/api/v1/files/", json=payload(release, download_button=True))
    assert first.status_code == 201, first.text
    second = staff.post(
        "/api/v1/files/", json=payload(release, name="XZ tarball", download_button=True)
    )
    assert_field_error(second, "download_button")
    windows = staff.post(
        "/api/v1/files/",
        json=payload(release, name="Windows installer", os=1, download_button=True),
    )
    assert windows.status_code == 201, windows.text
    plain = staff.post("/api/v1/files/", json=payload(release, name="XZ tarball"))
    assert plain.status_code == 201
    moved = staff.patch(plain.json()["resource_uri"], json={"download_button": True})
    assert_field_error(moved, "download_button")
    assert staff.get(plain.json()["resource_uri"]).json()["download_button"] is False


def test_unknown_os_or_release_is_422(staff: httpx.Client, release: dict[str, Any]) -> None:
    assert_field_error(staff.post("/api/v1/files/", json=payload(release, os=4242)), "os")
    assert_field_error(
        staff.post("/api/v1/files/", json=payload(release, release=99999999)), "release"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("sha256_sum", "xyz"), ("md5_sum", "0" * 31), ("filesize", -1), ("url", "ftp://x")],
)
def test_malformed_values_are_400(
    staff: httpx.Client, release: dict[str, Any], field: str, value: object
) -> None:
    response = staff.post("/api/v1/files/", json=payload(release, **{field: value}))
    assert response.status_code == 400, response.text
    assert response.json()["extra"]["errors"][0]["field"] == field


def test_patch_revalidates_urls_and_changes_nothing_on_failure(
    staff: httpx.Client, release: dict[str, Any]
) -> None:
    item = staff.post("/api/v1/files/", json=payload(release)).json()
    response = staff.patch(item["resource_uri"], json={"url": f"{FTP}/moved/Python.tgz"})
    assert_field_error(response, "gpg_signature_file")
    assert staff.get(item["resource_uri"]).json() == item


def test_writes_need_staff(anon: httpx.Client, user: httpx.Client, release: dict[str, Any]) -> None:
    body = payload(release)
    for client, status in ((anon, 401), (user, 403)):
        response = client.post("/api/v1/files/", json=body)
        assert response.status_code == status
        assert response.json()["status_code"] == status
    assert anon.post("/api/v1/files/", json=body).headers["www-authenticate"] == "Bearer"


def test_patch_and_delete_need_staff(
    staff: httpx.Client, anon: httpx.Client, user: httpx.Client, release: dict[str, Any]
) -> None:
    item = staff.post("/api/v1/files/", json=payload(release)).json()
    for client, status in ((anon, 401), (user, 403)):
        assert client.patch(item["resource_uri"], json={"filesize": 1}).status_code == status
        assert client.delete(item["resource_uri"]).status_code == status
    assert staff.get(item["resource_uri"]).json() == item
