"""The release file list: release order, each release's files together, pages found by each
release's number of files (kept by the database on every write), on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.downloads.conftest import make_release
from tests.factories import ReleaseFileFactory, source_url


def every(client: httpx.Client, path: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """All the items of a list, following its ``Link: rel="next"``, and its total."""
    size = {"pageSize": 100} if path.startswith("/api/v1/releases") else {"limit": 100}
    response = client.get(path, params={**params, **size})
    total = int(response.headers["x-total-count"])
    items: list[dict[str, Any]] = []
    while True:
        assert response.status_code == 200, response.text
        items += response.json()
        if "next" not in response.links:
            return items, total
        response = client.get(response.links["next"]["url"])


def test_files_come_release_by_release_in_the_release_list_order(anon: httpx.Client) -> None:
    releases, count = every(anon, "/api/v1/releases/")
    files, total = every(anon, "/api/v1/files/")
    assert count == len(releases) == len({r["id"] for r in releases})
    assert total == len(files) == len({f["id"] for f in files}) > 3000
    runs = [
        f["release"]
        for n, f in enumerate(files)
        if n == 0 or files[n - 1]["release"] != f["release"]
    ]
    with_files = {f["release"] for f in files}
    assert runs == [r["id"] for r in releases if r["id"] in with_files]
    for run in runs[:50]:
        keys = [(f["os"], f["name"], f["id"]) for f in files if f["release"] == run]
        assert keys == sorted(keys)
    # A window across two releases, and one past the end.
    first = sum(1 for f in files if f["release"] == runs[0])
    window = anon.get("/api/v1/files/", params={"offset": first - 2, "limit": 5}).json()
    assert [f["id"] for f in window] == [f["id"] for f in files[first - 2 : first + 3]]
    past = anon.get("/api/v1/files/", params={"offset": total, "limit": 5})
    assert past.json() == [] and past.headers["x-total-count"] == str(total)


@pytest.mark.parametrize("filters", [{"os": 1}, {"platform": "macos"}, {"series": "3.12"}])
def test_filtered_pages_are_the_same_files_in_the_same_order(
    anon: httpx.Client, filters: dict[str, Any]
) -> None:
    files, _ = every(anon, "/api/v1/files/")
    kept, total = every(anon, "/api/v1/files/", **filters)
    by_id = {f["id"]: f for f in files}
    assert total == len(kept) > 0
    assert [f["id"] for f in kept] == [f["id"] for f in files if f["id"] in {k["id"] for k in kept}]
    name, value = next(iter(filters.items()))
    if name == "series":
        series = {r["id"] for r in every(anon, "/api/v1/releases/", series=value)[0]}
        assert {f["release"] for f in kept} == series & {f["release"] for f in files}
    else:
        assert all(by_id[f["id"]][name] == value for f in kept)
        assert len(kept) == sum(1 for f in files if f[name] == value)


@pytest.fixture
def two_releases(staff: httpx.Client) -> Iterator[list[dict[str, Any]]]:
    made = [
        make_release(staff, 9, published=published, patch=int(published))
        for published in (True, False)
    ]
    yield made
    for release in made:
        staff.delete(release["resource_uri"])


def total(client: httpx.Client, path: str) -> int:
    response = client.get(path, params={"limit": 1})
    assert response.status_code == 200, response.text
    return int(response.headers["x-total-count"])


def test_counts_follow_every_write(
    staff: httpx.Client, anon: httpx.Client, two_releases: list[dict[str, Any]]
) -> None:
    shown, hidden = two_releases
    staff_before, anon_before = total(staff, "/api/v1/files/"), total(anon, "/api/v1/files/")
    made = []
    for n in range(3):
        url = source_url(shown["python_version"], 6)
        body = ReleaseFileFactory.body(name=f"File {n}", release=shown["id"], url=url)
        response = staff.post("/api/v1/files/", json=body)
        assert response.status_code == 201, response.text
        made.append(response.json())
    assert total(staff, f"/api/v1/files/release/{shown['id']}") == 3
    assert total(anon, "/api/v1/files/") == anon_before + 3
    # One moves to the unpublished release: anonymous callers stop counting it.
    moved = staff.patch(made[0]["resource_uri"], json={"release": hidden["id"]})
    assert moved.status_code == 200, moved.text
    assert total(staff, f"/api/v1/files/release/{shown['id']}") == 2
    assert total(staff, f"/api/v1/files/release/{hidden['id']}") == 1
    assert total(anon, "/api/v1/files/") == anon_before + 2
    assert total(staff, "/api/v1/files/") == staff_before + 3
    assert staff.delete(made[1]["resource_uri"]).status_code == 204
    listed, count = every(staff, f"/api/v1/files/release/{shown['id']}")
    assert count == 1 and [f["id"] for f in listed] == [made[2]["id"]]
    # Deleting a release takes its files, and their count, with it.
    assert staff.delete(hidden["resource_uri"]).status_code == 204
    assert total(staff, "/api/v1/files/") == staff_before + 1
    assert total(anon, "/api/v1/files/") == anon_before + 1
