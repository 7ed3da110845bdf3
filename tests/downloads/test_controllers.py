"""The downloads endpoints at the guide's paths, read side, against the real seeded data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from pydotorg.data import load
from tests.support import LiveServer, same_database

RELEASE_FIELDS = {
    "id",
    "name",
    "slug",
    "version",
    "series",
    "python_version",
    "release_date",
    "pre_release",
    "is_published",
    "is_latest",
    "show_on_download_page",
    "release_notes_url",
    "release_page",
    "support_status",
    "end_of_life",
    "resource_uri",
}
FILE_FIELDS = {
    "id",
    "name",
    "slug",
    "os",
    "os_slug",
    "release",
    "release_slug",
    "description",
    "is_source",
    "url",
    "filesize",
    "md5_sum",
    "sha256_sum",
    "gpg_signature_file",
    "sigstore_signature_file",
    "sigstore_cert_file",
    "sigstore_bundle_file",
    "sbom_spdx2_file",
    "download_button",
    "platform",
    "arch",
    "kind",
    "format",
    "free_threaded",
    "signatures",
    "resource_uri",
}


def version_key(release: dict[str, Any]) -> tuple[int, ...]:
    v = release["python_version"]
    base, stage, number = v, 3, 0
    for tag, rank in (("rc", 2), ("b", 1), ("a", 0)):
        if tag in v:
            base, _, n = v.partition(tag)
            stage, number = rank, int(n)
            break
    return (*map(int, base.split(".")), stage, number)


def expected_latest(series_prefix: str) -> str:
    """The newest published final release, computed from the shipped data, not the API."""
    candidates = [
        r
        for r in load("releases")
        if r["state"] == "actual"
        and not r["pre_release"]
        and (r["series"] == series_prefix or str(r["major"]) == series_prefix)
    ]
    best = max(candidates, key=lambda r: (r["major"], r["minor"], r["micro"]))
    return str(best["name"])


# Operating systems --------------------------------------------------------------------------


def test_os_list_by_id_and_slug(anon: httpx.Client, server: LiveServer) -> None:
    response = anon.get("/api/v1/os/")
    assert response.status_code == 200
    oses = {os["slug"]: os for os in response.json()}
    assert {"windows", "macos", "source", "android", "ios"} <= set(oses)
    assert oses["windows"]["id"] == 1 and oses["source"]["id"] == 3
    assert oses["source"]["resource_uri"] == f"{server.base_url}/api/v1/os/3"
    assert anon.get("/api/v1/os/3").json()["slug"] == "source"
    assert anon.get("/api/v1/os/slug/macos").json()["name"] == "macOS"
    assert anon.get("/api/v1/os/999999").status_code == 404
    assert anon.get("/api/v1/os/slug/no-such-os").status_code == 404


# Releases -----------------------------------------------------------------------------------


def test_latest_is_the_newest_published_python3_final(anon: httpx.Client) -> None:
    release = anon.get("/api/v1/releases/latest").json()
    assert set(release) == RELEASE_FIELDS
    assert release["name"] == expected_latest("3")
    assert release["version"] == 3 and release["is_latest"] is True
    assert release["pre_release"] is False and release["is_published"] is True


def test_guide_example_prints_name_date_and_resource_uri(
    anon: httpx.Client, server: LiveServer
) -> None:
    release = anon.get("/api/v1/releases/latest").json()
    assert release["resource_uri"] == f"{server.base_url}/api/v1/releases/{release['id']}"
    assert datetime.fromisoformat(release["release_date"]).tzinfo is not None
    assert anon.get(release["resource_uri"]).json() == release


@pytest.mark.parametrize("ver", ["2", "3", "3.12", "2.7", "3.9"])
def test_latest_for_major_or_series(anon: httpx.Client, ver: str) -> None:
    response = anon.get(f"/api/v1/releases/latest/{ver}")
    assert response.status_code == 200
    assert response.json()["name"] == expected_latest(ver)


def test_latest_for_series_with_only_prereleases_is_404(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/releases/latest/3.16")
    assert response.status_code == 404
    assert "3.16" in response.json()["detail"]


@pytest.mark.parametrize(
    "ver", ["three", "3.x", "3.12.1", "-1", "abc", "\u0663", "\uff13", "3.\u0661\u0662", "\u00b3"]
)
def test_latest_for_malformed_version_is_400(anon: httpx.Client, ver: str) -> None:
    response = anon.get(f"/api/v1/releases/latest/{ver}")
    assert response.status_code == 400
    error = response.json()["extra"]["errors"][0]
    assert (error["field"], error["source"]) == ("ver", "path")
    assert error["message"].startswith("Expected `str` matching regex")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/releases/{}",
        "/api/v1/releases/{}/download",
        "/api/v1/files/release/{}",
        "/api/v1/downloads/release/{}/",
        "/api/v2/downloads/release/{}/",
    ],
)
def test_an_id_in_a_path_is_ascii_digits(anon: httpx.Client, path: str) -> None:
    """Issue 24: Python's ``int()`` read "\u0663" (Arabic-Indic), "\uff13" (fullwidth), "+3",
    " 3" and "3_0" as ids, so each named a release."""
    assert anon.get(path.format(3)).status_code == 200
    for bad in ("\u0663", "\uff13", "+3", " 3", "3_0", "\u0661\u0662\u0663\u0664"):
        response = anon.get(path.format(bad), follow_redirects=False)
        assert response.status_code == 404, (bad, response.text)


def test_release_by_id_and_slug(anon: httpx.Client) -> None:
    latest = anon.get("/api/v1/releases/latest").json()
    assert anon.get(f"/api/v1/releases/{latest['id']}").json() == latest
    assert anon.get(f"/api/v1/releases/slug/{latest['slug']}").json() == latest
    assert anon.get("/api/v1/releases/99999999").status_code == 404
    assert anon.get("/api/v1/releases/slug/python-0").status_code == 404


def test_support_status_and_end_of_life_come_from_the_release_cycle(anon: httpx.Client) -> None:
    cycles = {c["series"]: c for c in anon.get("/api/v1/release-cycle/").json()}
    release = anon.get("/api/v1/releases/latest/2.7").json()
    assert release["support_status"] == "end-of-life" == cycles["2.7"]["status"]
    source = {c["series"]: c for c in load("release_cycle")}
    assert release["end_of_life"] == cycles["2.7"]["end_of_life"] == source["2.7"]["end_of_life"]
    assert cycles["3.16"]["status"] == "prerelease"
    assert {c["status"] for c in cycles.values()} <= {
        "prerelease",
        "bugfix",
        "security",
        "end-of-life",
    }
    assert anon.get("/api/v1/release-cycle/3.12").json() == cycles["3.12"]
    assert anon.get("/api/v1/release-cycle/9.9").status_code == 404


def test_release_list_is_page_based_with_total_and_links(anon: httpx.Client) -> None:
    published = sum(1 for r in load("releases") if r["state"] == "actual")
    first = anon.get("/api/v1/releases", params={"currentPage": 1, "pageSize": 20})
    second = anon.get("/api/v1/releases", params={"currentPage": 2, "pageSize": 20})
    assert first.status_code == second.status_code == 200
    assert len(first.json()) == len(second.json()) == 20
    assert int(first.headers["x-total-count"]) == published
    assert not {r["id"] for r in first.json()} & {r["id"] for r in second.json()}
    assert 'rel="next"' in first.headers["link"] and 'rel="prev"' not in first.headers["link"]
    assert "currentPage=3" in second.headers["link"] and 'rel="prev"' in second.headers["link"]
    default = anon.get("/api/v1/releases").json()
    assert len(default) == 20 and default == first.json()


def test_release_list_is_newest_first(anon: httpx.Client) -> None:
    dates = [r["release_date"] for r in anon.get("/api/v1/releases?pageSize=200").json()]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"version": 2}, lambda r: r["version"] == 2),
        ({"series": "3.12"}, lambda r: r["series"] == "3.12"),
        ({"pre_release": "true"}, lambda r: r["pre_release"]),
        ({"pre_release": "false"}, lambda r: not r["pre_release"]),
        ({"is_published": "true"}, lambda r: r["is_published"]),
    ],
)
def test_release_filters(anon: httpx.Client, params: dict[str, Any], check: object) -> None:
    response = anon.get("/api/v1/releases", params={**params, "pageSize": 1000})
    items = response.json()
    assert items and all(check(r) for r in items)  # type: ignore[operator]
    assert int(response.headers["x-total-count"]) == len(items)


def test_release_filter_by_os(anon: httpx.Client) -> None:
    android = anon.get("/api/v1/releases", params={"os": "android", "pageSize": 1000}).json()
    by_id = anon.get("/api/v1/releases", params={"os": "4", "pageSize": 1000}).json()
    assert android and android == by_id
    expected = {f["release"] for f in load("release_files") if f["os"] == "android"}
    assert {r["python_version"] for r in android} == expected


@pytest.mark.parametrize(
    "params",
    [{"pageSize": 0}, {"pageSize": 1001}, {"currentPage": 0}, {"version": "three"}],
)
def test_out_of_range_paging_or_filter_is_400(anon: httpx.Client, params: dict[str, Any]) -> None:
    response = anon.get("/api/v1/releases", params=params)
    assert response.status_code == 400
    assert response.json()["extra"]["errors"][0]["field"] in params


@pytest.mark.parametrize("path", ["/api/v1/releases", "/api/v1/releases/published"])
def test_bad_series_filter_is_400(anon: httpx.Client, path: str) -> None:
    response = anon.get(path, params={"series": "three"})
    assert response.status_code == 400
    assert response.json()["extra"]["errors"][0]["field"] == "series"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/os/", {"offset": str(2**63)}, "offset"),
        ("/api/v1/releases", {"currentPage": str(2**63)}, "currentPage"),
        ("/api/v1/os/9223372036854775808", {}, "os_id"),
        ("/api/v1/files/", {"release": str(2**64)}, "release"),
    ],
)
def test_integers_past_2_63_are_400_naming_the_field(
    anon: httpx.Client, path: str, params: dict[str, str], field: str
) -> None:
    response = anon.get(path, params=params)
    assert response.status_code == 400, response.text
    assert response.json()["extra"]["errors"][0]["field"] == field


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/os/", {"offset": str(2**63 - 1)}),
        ("/api/v1/releases", {"currentPage": str(2**53 - 1), "pageSize": "1000"}),
    ],
)
def test_the_largest_window_is_an_empty_page(
    anon: httpx.Client, path: str, params: dict[str, str]
) -> None:
    """The database binds the window as a 64-bit integer (PostgreSQL refused an OFFSET past
    2^31 - 1 bound as a 32-bit one)."""
    response = anon.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.json() == [] and int(response.headers["x-total-count"]) > 0


def test_unpublished_releases_are_for_staff_only(
    anon: httpx.Client, staff: httpx.Client, user: httpx.Client
) -> None:
    scheduled = [r for r in load("releases") if r["state"] == "expected"]
    slug = scheduled[0]["slug"]
    assert anon.get(f"/api/v1/releases/slug/{slug}").status_code == 404
    assert user.get(f"/api/v1/releases/slug/{slug}").status_code == 404
    found = staff.get(f"/api/v1/releases/slug/{slug}")
    assert found.status_code == 200 and found.json()["is_published"] is False
    assert anon.get("/api/v1/releases", params={"is_published": "false"}).json() == []
    hidden = staff.get("/api/v1/releases", params={"is_published": "false", "pageSize": 100})
    assert int(hidden.headers["x-total-count"]) == len(scheduled)


def test_published_and_download_page_lists(anon: httpx.Client, staff: httpx.Client) -> None:
    published = staff.get("/api/v1/releases/published", params={"pageSize": 1000})
    assert published.json() and all(r["is_published"] for r in published.json())
    page = anon.get("/api/v1/releases/download-page", params={"pageSize": 1000}).json()
    assert page and all(r["is_published"] and r["show_on_download_page"] for r in page)
    pre = anon.get("/api/v1/releases/published", params={"pre_release": "true"}).json()
    assert pre and all(r["pre_release"] for r in pre)


# Release files ------------------------------------------------------------------------------


def test_file_by_id_has_every_field_and_checksums(anon: httpx.Client, server: LiveServer) -> None:
    files = anon.get("/api/v1/files/", params={"limit": 5}).json()
    one = anon.get(f"/api/v1/files/{files[0]['id']}").json()
    assert set(one) == FILE_FIELDS
    assert one["resource_uri"] == f"{server.base_url}/api/v1/files/{one['id']}"
    source = {f["url"]: f for f in load("release_files")}[one["url"]]
    assert one["sha256_sum"] == source["sha256_sum"] and one["md5_sum"] == source["md5_sum"]
    assert one["filesize"] == source["filesize"]
    assert anon.get("/api/v1/files/99999999").status_code == 404


def test_files_of_a_release_match_the_shipped_data(anon: httpx.Client) -> None:
    release = anon.get("/api/v1/releases/slug/python-3120").json()
    response = anon.get(f"/api/v1/files/release/{release['id']}")
    expected = {f["url"] for f in load("release_files") if f["release"] == "3.12.0"}
    assert {f["url"] for f in response.json()} == expected
    assert int(response.headers["x-total-count"]) == len(expected)
    assert all(f["release"] == release["id"] for f in response.json())
    windows = anon.get(f"/api/v1/files/release/{release['id']}", params={"os": 1}).json()
    assert windows and all(f["os_slug"] == "windows" for f in windows)
    assert anon.get("/api/v1/files/release/99999999").status_code == 404


def test_the_file_list_filters_by_kind_of_file(anon: httpx.Client) -> None:
    """The list takes the release's filters and the file's kind (``platform``, ``arch``,
    ``kind`` ...) together."""
    everything = anon.get("/api/v1/files/", params={"limit": 1})
    arm = anon.get("/api/v1/files/", params={"platform": "windows", "arch": "arm64", "limit": 1000})
    files = arm.json()
    assert files and all((f["platform"], f["arch"]) == ("windows", "arm64") for f in files)
    assert int(arm.headers["x-total-count"]) < int(everything.headers["x-total-count"])
    zips = anon.get(
        "/api/v1/files/", params={"series": "3.12", "kind": "embeddable", "limit": 1000}
    ).json()
    assert zips and all(f["kind"] == "embeddable" and f["format"] == "zip" for f in zips)
    assert all("/ftp/python/3.12." in f["url"] for f in zips)
    assert anon.get("/api/v1/files/", params={"platform": "amiga"}).status_code == 400


def test_files_for_an_os_use_limit_offset(anon: httpx.Client) -> None:
    first = anon.get("/api/v1/files/os/3", params={"limit": 10, "offset": 0})
    second = anon.get("/api/v1/files/os/3", params={"limit": 10, "offset": 10})
    assert len(first.json()) == len(second.json()) == 10
    assert all(f["os"] == 3 and f["is_source"] for f in first.json() + second.json())
    assert not {f["id"] for f in first.json()} & {f["id"] for f in second.json()}
    assert "offset=10" in first.headers["link"]
    assert anon.get("/api/v1/files/os/424242").status_code == 404
    assert anon.get("/api/v1/files/os/3", params={"limit": 1001}).status_code == 400
    assert anon.get("/api/v1/files/os/3", params={"offset": -1}).status_code == 400


def test_default_limit_is_100(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/files/")
    assert len(response.json()) == 100
    assert int(response.headers["x-total-count"]) > 3000


def test_files_of_unpublished_releases_are_hidden(anon: httpx.Client, staff: httpx.Client) -> None:
    created = staff.post(
        "/api/v1/releases/",
        json={"name": "Python 9.1.0", "release_date": "2030-01-01T00:00:00Z"},
    )
    assert created.status_code == 201, created.text
    release = created.json()
    file = staff.post(
        "/api/v1/files/",
        json={
            "name": "Source tarball",
            "os": 3,
            "release": release["id"],
            "url": "https://www.python.org/ftp/python/9.1.0/Python-9.1.0.tgz",
        },
    )
    assert file.status_code == 201, file.text
    assert anon.get(file.headers["location"]).status_code == 404
    assert anon.get(f"/api/v1/files/release/{release['id']}").status_code == 404
    assert staff.get(f"/api/v1/files/release/{release['id']}").json()[0]["id"] == file.json()["id"]
    assert staff.delete(release["resource_uri"]).status_code == 204
    assert staff.get(file.headers["location"]).status_code == 404


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-01-01", {"3.10": "security", "3.13": "bugfix", "3.14": "prerelease"}),
        ("2026-12-01", {"3.10": "end-of-life", "3.13": "security", "3.14": "bugfix"}),
    ],
)
def test_support_status_moves_with_the_date(
    server: LiveServer, day: str, expected: dict[str, str]
) -> None:
    start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    with same_database(server, clock_start=start) as moved, moved.client() as client:
        cycles = {c["series"]: c["status"] for c in client.get("/api/v1/release-cycle/").json()}
        assert {series: cycles[series] for series in expected} == expected
        for series, status in expected.items():
            release = client.get(f"/api/v1/releases/latest/{series}")
            assert release.status_code == 200, release.text
            assert release.json()["support_status"] == status, series
