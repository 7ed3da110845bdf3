"""Structured release-file fields, their filters, "which file do I download" and the support
matrix, over HTTP on both engines. Expectations are computed from the shipped data, not the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from pydotorg.data import load
from pydotorg.downloads.classify import classify
from pydotorg.downloads.models import ReleaseCycle
from pydotorg.downloads.services import support_status
from tests.downloads.conftest import make_release
from tests.downloads.test_classify import EXPECTED, patterns
from tests.support import created_json, now

FTP = "https://www.python.org/ftp/python"
STAGES = {"alpha": 0, "beta": 1, "candidate": 2, "final": 3}


def releases() -> dict[str, dict[str, Any]]:
    return {r["version"]: r for r in load("releases")}


def published_files() -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """(id, file, release) of each shipped file of a published release."""
    by_version = releases()
    return [
        (record["id"], record, by_version[record["release"]])
        for record in load("release_files")
        if by_version[record["release"]]["state"] == "actual"
    ]


def version_key(release: dict[str, Any]) -> tuple[int, ...]:
    stage = STAGES[release["stage"]]
    return (
        release["major"],
        release["minor"],
        release["micro"],
        stage,
        release["stage_number"] or 0,
    )


def total(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.headers["x-total-count"])


# Classification ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_seeded_file_of_each_pattern_carries_its_fields(staff: httpx.Client, name: str) -> None:
    ids = {record["url"]: number for number, record, _ in published_files()}
    record = next(r for r in patterns()[name] if r["url"] in ids)
    item = staff.get(f"/api/v1/files/{ids[record['url']]}").json()
    assert item["url"] == record["url"]
    assert (item["platform"], item["arch"], item["kind"], item["format"]) == EXPECTED[name]
    assert item["free_threaded"] is False
    expected = [
        kind
        for kind, column in (
            ("gpg", "gpg_signature_file"),
            ("sigstore", "sigstore_bundle_file"),
            ("sbom", "sbom_spdx2_file"),
        )
        if record[column] and not (kind == "sigstore" and record[column].endswith(".crt"))
    ]
    assert item["signatures"] == expected


# Filters --------------------------------------------------------------------------------------


def shipped_count(**wanted: str) -> int:
    """Files of published 3.x releases whose classification has the ``wanted`` values."""
    count = 0
    for _, record, release in published_files():
        if release["major"] != 3:
            continue
        fields = classify(record["url"]).columns()
        if all(str(fields[name]) == value for name, value in wanted.items()):
            count += 1
    return count


@pytest.mark.parametrize(
    "wanted",
    [
        {"platform": "windows", "arch": "arm64", "kind": "installer"},
        {"platform": "macos"},
        {"arch": "universal2"},
        {"kind": "embeddable"},
        {"format": "msi"},
        {"platform": "source", "format": "tar.xz"},
        {"kind": "manifest"},
    ],
)
def test_each_field_filters_the_file_list(anon: httpx.Client, wanted: dict[str, str]) -> None:
    expected = shipped_count(**wanted)
    assert expected > 0
    response = anon.get("/api/v1/files/", params={**wanted, "version": 3, "limit": 5})
    assert total(response) == expected
    for item in response.json():
        assert all(item[name] == value for name, value in wanted.items())


def test_signed_with_filters_by_signature_kind(anon: httpx.Client) -> None:
    def signed(kind: str) -> int:
        column = {"gpg": "gpg_signature_file", "sbom": "sbom_spdx2_file"}.get(kind)
        count = 0
        for _, record, release in published_files():
            if release["major"] != 3:
                continue
            if column is not None:
                count += bool(record[column])
            else:
                bundle = record["sigstore_bundle_file"] or ""
                count += bool(bundle) and not bundle.endswith(".crt")
        return count

    for kind in ("gpg", "sigstore", "sbom"):
        response = anon.get("/api/v1/files/", params={"signed_with": kind, "version": 3})
        assert total(response) == signed(kind), kind
        assert all(kind in item["signatures"] for item in response.json())
    source = anon.get(
        "/api/v1/files/",
        params={"platform": "source", "signed_with": "sigstore", "version": 3, "limit": 1000},
    )
    assert total(source) > 0
    assert all(item["sigstore_bundle_file"] for item in source.json())


def test_free_threaded_filter(anon: httpx.Client) -> None:
    normal = total(anon.get("/api/v1/files/", params={"free_threaded": False, "version": 3}))
    assert normal == shipped_count(free_threaded="False")
    assert total(anon.get("/api/v1/files/", params={"free_threaded": True, "version": 2})) == 0


def test_the_release_and_os_lists_take_the_filters(anon: httpx.Client) -> None:
    listed = anon.get("/api/v1/releases/", params={"series": "3.12", "pageSize": 100}).json()
    release = next(r for r in listed if r["python_version"] == "3.12.10")
    files = anon.get(
        f"/api/v1/files/release/{release['id']}", params={"platform": "windows", "arch": "arm64"}
    )
    assert total(files) == 2  # the installer and the embeddable package
    assert {item["kind"] for item in files.json()} == {"installer", "embeddable"}
    on_windows = anon.get("/api/v1/files/os/1", params={"kind": "docs", "version": 3})
    assert total(on_windows) == shipped_count(kind="docs")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("platform", "beos"),
        ("arch", "sparc"),
        ("kind", "x"),
        ("format", "rar"),
        ("signed_with", "pgp"),
        ("free_threaded", "maybe"),
    ],
)
def test_an_unknown_filter_value_is_400_naming_it(
    anon: httpx.Client, name: str, value: str
) -> None:
    response = anon.get("/api/v1/files/", params={name: value})
    assert response.status_code == 400
    assert name in response.text


# Writes ---------------------------------------------------------------------------------------


@pytest.fixture
def release(staff: httpx.Client) -> Iterator[dict[str, Any]]:
    made = make_release(staff, 7)
    yield made
    staff.delete(made["resource_uri"])


def add_file(
    staff: httpx.Client, release: dict[str, Any], name: str, os: int = 1, **extra: Any
) -> dict[str, Any]:
    url = f"{FTP}/{release['python_version']}/{name}"
    body = {"name": name, "os": os, "release": release["id"], "url": url, **extra}
    return created_json(staff.post("/api/v1/files/", json=body))


def test_a_new_file_is_classified_from_its_url(
    staff: httpx.Client, release: dict[str, Any]
) -> None:
    version = release["python_version"]
    item = add_file(staff, release, f"python-{version}-arm64.exe")
    assert (item["platform"], item["arch"], item["kind"], item["format"]) == (
        "windows",
        "arm64",
        "installer",
        "exe",
    )
    assert item["free_threaded"] is False and item["signatures"] == []
    unknown = add_file(staff, release, f"python-{version}-mystery.bin")
    assert [unknown[k] for k in ("platform", "arch", "kind", "format", "free_threaded")] == [
        None
    ] * 5


def test_staff_set_and_correct_the_fields(staff: httpx.Client, release: dict[str, Any]) -> None:
    version = release["python_version"]
    item = add_file(staff, release, f"python-{version}-mystery.bin", platform="linux", arch="none")
    assert (item["platform"], item["arch"], item["kind"]) == ("linux", "none", None)

    fixed = staff.patch(item["resource_uri"], json={"kind": "installer", "format": "zip"})
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["platform"], fixed.json()["kind"]) == ("linux", "installer")

    moved = staff.patch(item["resource_uri"], json={"url": f"{FTP}/{version}/python-{version}.exe"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["platform"], moved.json()["arch"]) == ("windows", "x86")

    overridden = staff.patch(item["resource_uri"], json={"arch": "amd64"})
    assert overridden.json()["arch"] == "amd64"
    rederived = staff.patch(item["resource_uri"], json={"arch": None})
    assert rederived.json()["arch"] == "x86"

    bad = staff.patch(item["resource_uri"], json={"platform": "beos"})
    assert bad.status_code in {400, 422} and "platform" in bad.text
    assert staff.get(item["resource_uri"]).json()["platform"] == "windows"


def test_only_staff_correct_the_fields(
    anon: httpx.Client, user: httpx.Client, staff: httpx.Client, release: dict[str, Any]
) -> None:
    item = add_file(staff, release, f"python-{release['python_version']}-amd64.exe")
    assert anon.patch(item["resource_uri"], json={"arch": "x86"}).status_code == 401
    assert user.patch(item["resource_uri"], json={"arch": "x86"}).status_code == 403
    assert staff.get(item["resource_uri"]).json()["arch"] == "amd64"


# Which file do I download ---------------------------------------------------------------------


def newest_with(series: str | None, test: Any, *, finals: bool = True) -> dict[str, Any]:
    """The shipped file ``test`` accepts in the newest published release of ``series``."""
    candidates = [
        (version_key(release), record)
        for _, record, release in published_files()
        if (series is None or release["series"] == series)
        and (not finals or not release["pre_release"])
        and test(record["filename"])
    ]
    best = max(key for key, _ in candidates)
    matches = [record for key, record in candidates if key == best]
    assert len(matches) == 1
    return matches[0]


def test_newest_313_windows_arm64_installer(anon: httpx.Client) -> None:
    expected = newest_with("3.13", lambda name: name.endswith("-arm64.exe"))
    response = anon.get(
        "/api/v1/releases/latest/3.13/download",
        params={"platform": "windows", "arch": "arm64", "kind": "installer"},
    )
    assert response.status_code == 200, response.text
    best = response.json()
    assert best["url"] == expected["url"] and best["sha256_sum"] == expected["sha256_sum"]
    assert best["python_version"] == expected["release"]
    assert (best["platform"], best["arch"], best["kind"], best["format"]) == (
        "windows",
        "arm64",
        "installer",
        "exe",
    )
    assert best["gpg_signature_url"] == (expected["gpg_signature_file"] or None)
    assert best["file"]["url"] == expected["url"]


def test_major_version_and_source_tarball(anon: httpx.Client) -> None:
    expected = newest_with(None, lambda name: name.endswith(".tar.xz") and "-3." in name)
    best = anon.get(
        "/api/v1/releases/latest/3/download", params={"platform": "source", "format": "tar.xz"}
    ).json()
    assert best["url"] == expected["url"]
    # Without a format, source prefers .tar.xz over .tgz.
    assert (
        anon.get("/api/v1/releases/latest/3/download", params={"platform": "source"}).json()["url"]
        == expected["url"]
    )


def test_pre_counts_pre_releases(anon: httpx.Client) -> None:
    expected = newest_with(
        None, lambda name: name.endswith("-aarch64-linux-android.tar.gz"), finals=False
    )
    best = anon.get(
        "/api/v1/releases/latest/pre/download", params={"platform": "android", "arch": "aarch64"}
    ).json()
    assert best["url"] == expected["url"]
    assert best["python_version"] == expected["release"]


def test_nothing_matching_is_404_naming_the_filters(anon: httpx.Client) -> None:
    response = anon.get(
        "/api/v1/releases/latest/2.7/download", params={"platform": "windows", "arch": "arm64"}
    )
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "platform=windows" in detail and "arch=arm64" in detail and "2.7" in detail
    assert anon.get("/api/v1/releases/latest/9.99/download").status_code == 404


@pytest.mark.parametrize("ver", ["three", "3.x", "3.13.1", "prerelease"])
def test_a_malformed_ver_is_400(anon: httpx.Client, ver: str) -> None:
    assert anon.get(f"/api/v1/releases/latest/{ver}/download").status_code == 400


def test_redirect_answers_302_to_the_file(anon: httpx.Client) -> None:
    expected = newest_with("3.13", lambda name: name.endswith("-arm64.exe"))
    response = anon.get(
        "/api/v1/releases/latest/3.13/download",
        params={"platform": "windows", "arch": "arm64", "kind": "installer", "redirect": True},
    )
    assert response.status_code == 302
    assert response.headers["location"] == expected["url"]


def test_best_file_of_a_release_follows_the_documented_preferences(
    anon: httpx.Client, staff: httpx.Client, release: dict[str, Any]
) -> None:
    version = release["python_version"]
    path = f"/api/v1/releases/{release['id']}/download"
    embed = add_file(staff, release, f"python-{version}-embed-amd64.zip")
    assert anon.get(path, params={"platform": "windows"}).json()["url"] == embed["url"]
    msi = add_file(staff, release, f"python-{version}.amd64.msi")
    assert anon.get(path, params={"platform": "windows"}).json()["url"] == msi["url"]
    free = add_file(staff, release, f"python-{version}t-amd64.exe")
    assert free["free_threaded"] is True
    assert anon.get(path, params={"platform": "windows"}).json()["url"] == msi["url"]
    wanted = anon.get(path, params={"platform": "windows", "free_threaded": True}).json()
    assert wanted["url"] == free["url"]
    exe = add_file(staff, release, f"python-{version}-amd64.exe")
    assert anon.get(path, params={"platform": "windows"}).json()["url"] == exe["url"]
    x86 = add_file(staff, release, f"python-{version}.exe")
    assert anon.get(path, params={"platform": "windows"}).json()["url"] == exe["url"]
    assert anon.get(path, params={"arch": "x86"}).json()["url"] == x86["url"]
    missing = anon.get(path, params={"platform": "macos"})
    assert missing.status_code == 404 and "platform=macos" in missing.json()["detail"]
    redirect = anon.get(path, params={"kind": "embeddable", "redirect": True})
    assert redirect.status_code == 302 and redirect.headers["location"] == embed["url"]
    assert anon.get("/api/v1/releases/999999999/download").status_code == 404


def test_an_unpublished_release_has_no_download_for_the_public(
    anon: httpx.Client, staff: httpx.Client, release: dict[str, Any]
) -> None:
    add_file(staff, release, f"python-{release['python_version']}-amd64.exe")
    staff.patch(release["resource_uri"], json={"is_published": False})
    path = f"/api/v1/releases/{release['id']}/download"
    assert anon.get(path).status_code == 404
    assert staff.get(path).status_code == 200


# Support matrix -------------------------------------------------------------------------------


def expected_matrix(platform: str | None = None) -> list[tuple[str, str, set[tuple[Any, ...]]]]:
    today = now().date()
    by_version = releases()
    files = load("release_files")
    result = []
    for record in load("release_cycle"):
        cycle = ReleaseCycle(
            series=record["series"],
            status=record["status"],
            first_release=_date(record["first_release"]),
            end_of_bugfix=_date(record["end_of_bugfix"]),
            end_of_life=_date(record["end_of_life"] or record.get("endoflife_date_eol")),
        )
        if support_status(cycle, today) not in {"prerelease", "bugfix", "security"}:
            continue
        with_files = {f["release"] for f in files}
        candidates = [
            r
            for r in by_version.values()
            if r["series"] == cycle.series and r["state"] == "actual" and r["version"] in with_files
        ]
        if not candidates:
            continue
        newest = max(candidates, key=lambda r: (not r["pre_release"], version_key(r)))
        ships = set()
        for f in files:
            if f["release"] != newest["version"]:
                continue
            c = classify(f["url"])
            if platform is None or c.platform == platform:
                ships.add((c.platform, c.arch, c.kind, c.free_threaded))
        if platform is None or ships:
            result.append((cycle.series, newest["version"], ships))
    return sorted(result, key=lambda e: tuple(map(int, e[0].split("."))), reverse=True)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def test_matrix_lists_each_supported_series_and_what_it_ships(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/release-cycle/matrix")
    assert response.status_code == 200, response.text
    found = [
        (
            entry["series"],
            entry["python_version"],
            {(s["platform"], s["arch"], s["kind"], s["free_threaded"]) for s in entry["ships"]},
        )
        for entry in response.json()
    ]
    expected = expected_matrix()
    assert found == expected
    assert len(expected) >= 4 and all(ships for _, _, ships in expected)
    # 3.14 is in bugfix on the servers' day: its newest release ships Windows installers.
    ships_314 = next(ships for series, _, ships in found if series == "3.14")
    assert ("windows", "arm64", "installer", False) in ships_314
    assert all(entry["status"] != "end-of-life" for entry in response.json())


def test_matrix_for_one_platform(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/release-cycle/matrix", params={"platform": "macos"})
    assert response.status_code == 200
    found = [(e["series"], e["python_version"]) for e in response.json()]
    assert found == [(series, version) for series, version, _ in expected_matrix("macos")]
    assert all(s["platform"] == "macos" for e in response.json() for s in e["ships"])
    assert all(e["ships"] for e in response.json())
    assert anon.get("/api/v1/release-cycle/matrix", params={"platform": "x"}).status_code == 400


# OpenAPI --------------------------------------------------------------------------------------


def test_the_fields_and_their_enumerations_are_in_the_openapi_document(
    anon: httpx.Client,
) -> None:
    spec = anon.get("/api/openapi.json").json()
    text = json.dumps(spec)
    for value in ("universal2", "web-installer", "tar.xz", "sigstore"):
        assert f'"{value}"' in text
    download = spec["paths"]["/api/v1/releases/latest/{ver}/download"]["get"]
    assert "302" in download["responses"]
    names = {p["name"] for p in download["parameters"]}
    assert {"platform", "arch", "kind", "format", "free_threaded", "redirect"} <= names
    listing = spec["paths"]["/api/v1/files"]["get"]
    assert {"platform", "arch", "kind", "format", "free_threaded", "signed_with"} <= {
        p["name"] for p in listing["parameters"]
    }
    assert "/api/v1/release-cycle/matrix" in spec["paths"]
