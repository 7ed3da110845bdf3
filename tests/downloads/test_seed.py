"""The shipped python.org data: loaded completely, idempotently, on both engines."""

from __future__ import annotations

import asyncio

import httpx

from pydotorg.data import load
from pydotorg.db.seed import seed
from pydotorg.domains import DOMAINS
from tests.support import LiveServer


def test_every_release_and_file_is_loaded(staff: httpx.Client) -> None:
    releases = staff.get("/api/v1/releases", params={"pageSize": 1000}).json()
    names = {r["name"] for r in releases}
    assert {r["name"] for r in load("releases")} <= names
    files = staff.get("/api/v1/files/", params={"limit": 1}).headers["x-total-count"]
    assert int(files) >= len(load("release_files")) == 3359


def test_seeding_again_changes_nothing(server: LiveServer) -> None:
    counts = asyncio.run(seed(server.database_url, DOMAINS))
    assert {"os", "release_cycle", "releases", "release_files"} <= set(counts)
    # Other tests on this shared server insert rows straight into tables, past the services;
    # the search seed indexes those (by design), so only the shipped tables are compared here.
    # tests/db/test_seed.py checks that a second seed adds nothing at all on a fresh database.
    counts.pop("search_documents", None)
    assert set(counts.values()) == {0}


def test_new_rows_get_ids_after_the_shipped_ones(staff: httpx.Client) -> None:
    created = staff.post(
        "/api/v1/releases/",
        json={"name": "Python 4.0.0a1", "release_date": "2040-01-01T00:00:00Z"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["id"] > len(load("releases"))
    staff.delete(created.json()["resource_uri"])


def test_checksums_and_signature_urls_survive_loading(anon: httpx.Client) -> None:
    release = anon.get("/api/v1/releases/slug/python-3130").json()
    files = anon.get(f"/api/v1/files/release/{release['id']}").json()
    source = {f["url"]: f for f in load("release_files") if f["release"] == "3.13.0"}
    assert {f["url"] for f in files} == set(source)
    for item in files:
        record = source[item["url"]]
        assert item["sha256_sum"] == record["sha256_sum"]
        assert item["gpg_signature_file"] == (record["gpg_signature_file"] or "")
        assert item["sbom_spdx2_file"] == (record["sbom_spdx2_file"] or "")
    assert sum(f["download_button"] for f in files if f["os_slug"] == "source") == 1
