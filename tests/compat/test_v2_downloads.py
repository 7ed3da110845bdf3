"""python.org's v2 downloads API as its public clients read it, and its staff writes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.compat.conftest import file_body, pk
from tests.conftest import ENGINES
from tests.support import LiveServer, seeded_server

V2 = "/api/v2/downloads/"
RELEASE_KEYS = [
    "name", "slug", "version", "is_published", "is_latest", "release_date", "pre_release",
    "release_page", "release_notes_url", "show_on_download_page", "resource_uri",
]  # fmt: skip
FILE_KEYS = [
    "name", "slug", "os", "release", "description", "is_source", "url", "gpg_signature_file",
    "md5_sum", "sha256_sum", "filesize", "download_button", "resource_uri",
    "sigstore_signature_file", "sigstore_cert_file", "sigstore_bundle_file", "sbom_spdx2_file",
]  # fmt: skip


def test_renovate_reads_releases_with_python_orgs_types(anon: httpx.Client) -> None:
    releases = anon.get(f"{V2}release/").json()
    assert isinstance(releases, list) and len(releases) > 600
    for release in releases:
        assert list(release) == RELEASE_KEYS
        assert isinstance(release["version"], int) and not isinstance(release["version"], bool)
        assert all(isinstance(release[k], bool) for k in ("is_latest", "is_published"))
        assert isinstance(release["pre_release"], bool)
        assert release["release_date"].endswith("Z")
        datetime.fromisoformat(release["release_date"].replace("Z", "+00:00"))
        assert release["release_page"] is None or isinstance(release["release_page"], str)
        assert release["resource_uri"].startswith("http") and release["resource_uri"][-1] == "/"
    names = [release["name"] for release in releases]
    assert names == sorted(names)  # python.org's order: by name, as strings
    assert names.index("Python 2.7.10") < names.index("Python 2.7.10rc1")
    assert names.index("Python 2.7.10rc1") < names.index("Python 2.7.11")


def test_ltchiptool_and_cibuildwheel_calls(anon: httpx.Client) -> None:
    finals = anon.get(f"{V2}release/?pre_release=false&is_published=true&version=3").json()
    assert finals and all(r["version"] == 3 and not r["pre_release"] for r in finals)
    assert anon.get(f"{V2}release/?pre_release=0&is_published=1&version=3").json() == finals
    release = next(r for r in finals if r["name"] == "Python 3.12.0")
    files = anon.get(f"{V2}release_file/?release={pk(release['resource_uri'])}&os=1").json()
    assert files and all(f["os"].endswith("/api/v2/downloads/os/1/") for f in files)
    assert all(f["release"] == release["resource_uri"] for f in files)

    published = anon.get(f"{V2}release/?is_published=true").json()
    every_file = anon.get(f"{V2}release_file/").json()
    assert len(every_file) > 3000
    by_uri = {r["resource_uri"]: r for r in published}
    joined = [f for f in every_file if f["release"] in by_uri]
    assert joined and all(len(f["sha256_sum"]) in (0, 64) for f in joined)
    assert any(len(f["sha256_sum"]) == 64 for f in joined)
    assert all(list(f) == FILE_KEYS for f in every_file[:50])


def test_ducktools_joins_every_file_to_its_release(
    anon: httpx.Client, v2_staff: httpx.Client
) -> None:
    """Every file's ``release`` is a release's ``resource_uri`` (files of drafts, which other
    tests make, join to releases only staff see, as on python.org)."""
    releases = {r["resource_uri"] for r in v2_staff.get(f"{V2}release/").json()}
    published = {r["resource_uri"] for r in anon.get(f"{V2}release/").json()}
    assert published <= releases
    files = anon.get(f"{V2}release_file/").json()
    assert {f["release"] for f in files} <= releases
    oses = {o["resource_uri"]: o for o in anon.get(f"{V2}os/").json()}
    assert {f["os"] for f in files} <= set(oses)
    windows = next(uri for uri, o in oses.items() if o["slug"] == "windows")
    source = next(uri for uri, o in oses.items() if o["slug"] == "source")
    assert pk(windows) == 1 and pk(source) == 3


def test_filters_and_unknown_parameters(anon: httpx.Client) -> None:
    assert anon.get(f"{V2}os/?name=Windows").json()[0]["slug"] == "windows"
    assert anon.get(f"{V2}os/?name=WINDOWS").json() == []
    assert anon.get(f"{V2}os/?name=Windo").json() == []
    everything = anon.get(f"{V2}release/").json()
    assert anon.get(f"{V2}release/?limit=5&whatever=1").json() == everything
    response = anon.get(f"{V2}release_file/?description=x&foo=1")
    assert response.status_code == 400
    assert response.json() == {
        "error": [
            "'exact' is not an allowed filter on the 'description' field.",
            "'exact' is not an allowed filter on the 'foo' field.",
        ]
    }
    assert anon.get(f"{V2}release_file/?format=json").status_code == 400
    bad = anon.get(f"{V2}release/?release_date=yesterday")
    assert bad.status_code == 400 and list(bad.json()) == ["release_date"]


def test_a_datetime_filter_utc_cannot_hold_is_400_naming_it(anon: httpx.Client) -> None:
    """Issue 24: converting such an offset to UTC was a 500."""
    for value in ("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+01:00"):
        bad = anon.get(f"{V2}release/", params={"release_date": value})
        assert bad.status_code == 400, bad.text
        assert list(bad.json()) == ["release_date"]


def test_staff_crud_with_token(
    server: LiveServer,
    v2_staff: httpx.Client,
    anon: httpx.Client,
    v2_user: httpx.Client,
    as_client: Callable[[str | None], httpx.Client],
    new_release: Callable[..., dict[str, Any]],
) -> None:
    release = new_release()
    release_uri = v2_staff.get(f"{V2}release/{release['id']}/").json()["resource_uri"]
    os_uri = v2_staff.get(f"{V2}os/3/").json()["resource_uri"]
    body = file_body(release, os_uri, release_uri)
    assert anon.post(f"{V2}release_file/", json=body).status_code == 401
    assert anon.post(f"{V2}release_file/", json=body).headers["www-authenticate"] == "Token"
    assert v2_user.post(f"{V2}release_file/", json=body).status_code == 403
    assert as_client("Token nope").get(f"{V2}release/").status_code == 401

    created = v2_staff.post(f"{V2}release_file/", json=body)
    assert created.status_code == 201, created.text
    item = created.json()
    assert created.headers["location"] == item["resource_uri"] and list(item) == FILE_KEYS
    assert item["os"] == os_uri and item["release"] == release_uri
    uri = item["resource_uri"]

    relative = file_body(
        release, "/api/v2/downloads/os/3/", f"/api/v2/downloads/release/{release['id']}/"
    )
    assert v2_staff.post(f"{V2}release_file/", json=relative).status_code == 201
    wrong = file_body(release, "/api/v1/downloads/os/3/", release_uri)
    assert v2_staff.post(f"{V2}release_file/", json=wrong).json() == {
        "os": ["Invalid hyperlink - Incorrect URL match."]
    }

    replaced = v2_staff.put(uri, json={**body, "url": "https://evil.example/x.tgz"})
    assert replaced.status_code == 400
    assert replaced.json() == {
        "url": ["Release file URLs must begin with 'https://www.python.org/'."]
    }
    assert v2_staff.put(uri, json={"name": "x"}).status_code == 400
    good = v2_staff.put(uri, json={**body, "description": "Source"})
    assert good.status_code == 200 and good.json()["description"] == "Source"
    assert v2_staff.patch(uri, json={"filesize": 7}).json()["filesize"] == 7
    assert anon.get(uri).json()["filesize"] == 7

    assert v2_user.delete(uri).status_code == 403
    assert v2_staff.delete(uri).status_code == 204
    assert anon.get(uri).status_code == 404


def test_delete_by_release(
    v2_staff: httpx.Client,
    anon: httpx.Client,
    v2_user: httpx.Client,
    new_release: Callable[..., dict[str, Any]],
) -> None:
    release = new_release()
    body = file_body(
        release, "/api/v2/downloads/os/3/", f"/api/v2/downloads/release/{release['id']}/"
    )
    assert v2_staff.post(f"{V2}release_file/", json=body).status_code == 201
    other = new_release()
    other_body = file_body(
        other, "/api/v2/downloads/os/3/", f"/api/v2/downloads/release/{other['id']}/"
    )
    assert v2_staff.post(f"{V2}release_file/", json=other_body).status_code == 201
    path = f"{V2}release_file/delete_by_release/"
    rid, oid = release["id"], other["id"]
    assert anon.get(path, params={"release": rid}).status_code == 405
    refusal = {"release": ["Deleting release files requires exactly one 'release' parameter."]}
    for bad in (
        {},
        {"release": ""},
        {"release": "abc"},
        {"release": "\u0663"},  # an Arabic-Indic three: ASCII digits only (issue 24)
        {"release": rid, "os": 1},  # issue 24: deleted all of the release's files
        [("release", rid), ("release", oid)],  # issue 24: deleted only the second's
    ):
        answer = v2_staff.delete(path, params=bad)
        assert answer.status_code == 400, bad
        assert answer.json() == refusal
    for kept in (rid, oid):
        assert len(anon.get(f"{V2}release_file/?release={kept}").json()) == 1
    assert v2_user.delete(path, params={"release": rid}).status_code == 403
    done = v2_staff.delete(path, params={"release": rid})
    assert done.status_code == 204
    assert anon.get(f"{V2}release_file/?release={rid}").json() == []
    assert len(anon.get(f"{V2}release_file/?release={oid}").json()) == 1


def test_unpublished_releases_are_404_but_their_files_are_listed(
    v2_staff: httpx.Client, anon: httpx.Client, new_release: Callable[..., dict[str, Any]]
) -> None:
    draft = new_release(is_published=False)
    uri = f"{V2}release/{draft['id']}/"
    assert anon.get(uri).status_code == 404 and anon.get(uri).json() == {
        "detail": anon.get(uri).json()["detail"]
    }
    assert v2_staff.get(uri).status_code == 200
    assert all(r["name"] != draft["name"] for r in anon.get(f"{V2}release/").json())
    body = file_body(draft, "/api/v2/downloads/os/3/", uri)
    assert v2_staff.post(f"{V2}release_file/", json=body).status_code == 201
    listed = anon.get(f"{V2}release_file/?release={draft['id']}").json()
    assert [f["url"] for f in listed] == [body["url"]]  # python.org's behaviour (issue #1308)


@pytest.fixture(params=ENGINES)
def own_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """A seeded server of the test's own: what it changes in the shipped data no other test
    sees."""
    with seeded_server(request.param, tmp_path) as live:
        yield live


def test_a_python_org_record_matches_but_for_host(own_server: LiveServer) -> None:
    """python.org's answer for "Python 2.0.1" and its tarball (production-api.md §1.5), and
    this service's for the same records (the shipped ones, under python.org's ids 146 and 764)
    once they hold the same values: the same JSON but for the host."""
    expected_release = {
        "name": "Python 2.0.1", "slug": "python-201", "version": 2, "is_published": True,
        "is_latest": False, "release_date": "2001-06-22T00:00:00Z", "pre_release": False,
        "release_page": None,
        "release_notes_url": "http://hg.python.org/cpython/raw-file/v2.0.1/Misc/NEWS",
        "show_on_download_page": True,
        "resource_uri": "https://www.python.org/api/v2/downloads/release/146/",
    }  # fmt: skip
    expected_file = {
        "name": "Gzipped source tarball", "slug": "python-201-Gzipped-source-tarball",
        "os": "https://www.python.org/api/v2/downloads/os/3/",
        "release": "https://www.python.org/api/v2/downloads/release/146/",
        "description": "", "is_source": True,
        "url": "https://www.python.org/ftp/python/2.0.1/Python-2.0.1.tgz",
        "gpg_signature_file": "", "md5_sum": "eba8" + "0" * 28, "sha256_sum": "",
        "filesize": 17571840, "download_button": False,
        "resource_uri": "https://www.python.org/api/v2/downloads/release_file/764/",
        "sigstore_signature_file": "", "sigstore_cert_file": "", "sigstore_bundle_file": "",
        "sbom_spdx2_file": "",
    }  # fmt: skip
    here = own_server.base_url

    def ours(record: dict[str, Any]) -> dict[str, Any]:
        moved: dict[str, Any] = json.loads(
            json.dumps(record).replace("https://www.python.org/api/", f"{here}/api/")
        )
        return moved

    token = {"Authorization": f"Token {own_server.credentials['staff']}"}
    with own_server.client() as client:
        for expected in (expected_release, expected_file):
            body = {k: v for k, v in ours(expected).items() if k != "resource_uri"}
            body.pop("is_latest", None)
            put = client.put(ours(expected)["resource_uri"], headers=token, json=body)
            assert put.status_code == 200, put.text
            answer = client.get(ours(expected)["resource_uri"])
            assert answer.status_code == 200
            assert list(answer.json()) == list(expected)
            assert answer.text.replace(f"{here}/api/", "https://www.python.org/api/") == (
                json.dumps(expected, separators=(",", ":"))
            )


@pytest.mark.parametrize("path", ["os/", "release/", "release_file/"])
def test_lists_are_bare_arrays(anon: httpx.Client, path: str) -> None:
    response = anon.get(V2 + path)
    assert response.status_code == 200 and isinstance(response.json(), list)
