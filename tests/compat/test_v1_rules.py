"""python.org's v1 rules (auth matrix, envelope, lookups, scoped list DELETE), pages in both
versions, and the throttled answer, over HTTP on both engines."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from tests.compat.conftest import file_body, pk
from tests.factories import token
from tests.support import LiveServer, make_account, same_database

V1 = "/api/v1/downloads/"


def test_envelope_paging_and_lookups(anon: httpx.Client) -> None:
    first = anon.get(f"{V1}release/?format=json").json()
    assert set(first) == {"meta", "objects"} and first["meta"]["limit"] == 20
    assert first["meta"]["previous"] is None and first["meta"]["offset"] == 0
    assert first["meta"]["next"] == "/api/v1/downloads/release/?format=json&limit=20&offset=20"
    second = anon.get(first["meta"]["next"]).json()
    assert second["meta"]["offset"] == 20 and second["objects"][0] not in first["objects"]
    assert anon.get(f"{V1}release/?limit=0").json()["meta"]["limit"] == 1000
    assert anon.get(f"{V1}release/?limit=5000").json()["meta"]["limit"] == 1000
    assert anon.get(f"{V1}release/?limit=-1").status_code == 400
    item = first["objects"][0]
    assert "id" not in item and item["resource_uri"].startswith("/api/v1/downloads/release/")
    threes = anon.get(f"{V1}release/?version__startswith=3&limit=1000").json()["objects"]
    assert threes and all(r["version"] == 3 for r in threes)
    recent = anon.get(f"{V1}release/?release_date__gte=2024-01-01&limit=1000").json()
    assert recent["objects"] and all(r["release_date"] >= "2024-01-01" for r in recent["objects"])
    assert anon.get(f"{V1}release/?release_date__year=2001").json()["meta"]["total_count"] > 0
    refused = anon.get(f"{V1}release/?name__startswith=Python")
    assert refused.status_code == 400
    assert refused.json() == {"error": "'startswith' is not an allowed filter on the 'name' field."}
    assert anon.get(f"{V1}release/?is_latest=true").status_code == 400
    files = anon.get(f"{V1}release_file/?os__slug=windows&release__name=Python 3.12.0").json()
    assert files["objects"] and all(f["os"] == "/api/v1/downloads/os/1/" for f in files["objects"])


def test_auth_matrix(
    server: LiveServer,
    v1_staff: httpx.Client,
    as_client: Callable[[str | None], httpx.Client],
    new_release: Callable[..., dict[str, Any]],
) -> None:
    release = new_release()
    body = file_body(
        release, "/api/v1/downloads/os/3/", f"/api/v1/downloads/release/{release['id']}/"
    )
    plain = as_client(f"ApiKey plainuser:{server.credentials['user']}")
    wrong_name = as_client(f"ApiKey plainuser:{server.credentials['staff']}")
    for header in (None, "ApiKey staffer:", "ApiKey :x", "ApiKey a:b:c", "ApiKey staffer"):
        answer = as_client(header).post(f"{V1}release_file/", json=body)
        assert answer.status_code == 401, header
    assert plain.post(f"{V1}release_file/", json=body).status_code == 401
    assert wrong_name.post(f"{V1}release_file/", json=body).status_code == 401
    assert wrong_name.get(f"{V1}os/").status_code == 401
    key = server.credentials["staff"]
    assert as_client(None).get(f"{V1}os/?username=staffer&api_key={key}").status_code == 401
    form = as_client(None).post(f"{V1}release_file/", data={"username": "staffer", "api_key": key})
    assert form.status_code == 401
    created = v1_staff.post(f"{V1}release_file/", json=body)
    assert created.status_code == 201, created.text
    uri = created.headers["location"]
    assert v1_staff.put(uri, json=body).status_code == 405
    assert v1_staff.patch(uri, json=body).status_code == 405
    assert plain.delete(uri).status_code == 401
    assert v1_staff.delete(uri).status_code == 204


def test_inactive_staff_cannot_write(
    server: LiveServer,
    as_client: Callable[[str | None], httpx.Client],
    new_release: Callable[..., dict[str, Any]],
) -> None:
    name = f"gone{token(8)}"
    key = asyncio.run(make_account(server.database_url, name, staff=True, active=False))
    release = new_release()
    body = file_body(
        release, "/api/v1/downloads/os/3/", f"/api/v1/downloads/release/{release['id']}/"
    )
    assert (
        as_client(f"ApiKey {name}:{key}").post(f"{V1}release_file/", json=body).status_code == 401
    )


def test_list_delete_is_scoped_to_one_release(
    v1_staff: httpx.Client, anon: httpx.Client, new_release: Callable[..., dict[str, Any]]
) -> None:
    release = new_release()
    body = file_body(
        release, "/api/v1/downloads/os/3/", f"/api/v1/downloads/release/{release['id']}/"
    )
    assert v1_staff.post(f"{V1}release_file/", json=body).status_code == 201
    rid = release["id"]
    for query in ("", f"?release={rid}&os=3", f"?release={rid}&release={rid}"):
        answer = v1_staff.delete(f"{V1}release_file/{query}")
        assert answer.status_code == 400, query
        assert answer.json() == {
            "error": "Deleting release files requires exactly one 'release' filter."
        }
    mismatched = v1_staff.delete(f"{V1}release_file/?release=x")
    assert mismatched.status_code == 400
    assert mismatched.json() == {
        "error": "Invalid resource lookup data provided (mismatched type)."
    }
    assert v1_staff.delete(f"{V1}release/").status_code == 405
    assert v1_staff.delete(f"{V1}os/").status_code == 405
    assert v1_staff.delete("/api/v1/pages/page/").status_code == 405
    assert anon.delete(f"{V1}release_file/?release={rid}").status_code == 401
    assert v1_staff.delete(f"{V1}release_file/?release={rid}").status_code == 204
    assert anon.get(f"{V1}release_file/?release={rid}").json()["meta"]["total_count"] == 0


def test_unpublished_release_is_401_in_v1(
    v1_staff: httpx.Client, anon: httpx.Client, new_release: Callable[..., dict[str, Any]]
) -> None:
    draft = new_release(is_published=False)
    assert anon.get(f"{V1}release/{draft['id']}/").status_code == 401
    assert v1_staff.get(f"{V1}release/{draft['id']}/").json()["name"] == draft["name"]
    assert anon.get(f"{V1}release/999999999/").status_code == 404


def test_pages_in_both_versions(v1_staff: httpx.Client, anon: httpx.Client) -> None:
    path = f"/compat-{token(8)}/"
    body = {"title": "Compat", "path": path, "content": "Hi", "keywords": "a, b"}
    created = v1_staff.post("/api/v1/pages/page/", json=body)
    assert created.status_code == 201, created.text
    uri = created.headers["location"]
    assert uri.startswith("/api/v1/pages/page/")
    v1 = anon.get(uri).json()
    assert v1["path"] == path and v1["resource_uri"] == uri and "id" not in v1
    listed = anon.get(f"/api/v2/pages/page/?path={path}").json()
    assert [p["title"] for p in listed] == ["Compat"]
    assert list(listed[0]) == [
        "title", "path", "keywords", "description", "content", "is_published",
        "template_name", "resource_uri",
    ]  # fmt: skip
    assert anon.get(f"/api/v2/pages/page/?keywords__icontains=A&path={path}").json() == listed
    assert anon.get("/api/v2/pages/page/?q=x").status_code == 400
    assert anon.post("/api/v2/pages/page/", json=body).status_code == 401
    assert anon.delete(listed[0]["resource_uri"]).status_code == 401
    v2_uri = f"/api/v2/pages/page/{pk(uri)}/"
    hidden = v1_staff.post(
        "/api/v1/pages/page/", json={**body, "path": path + "draft/", "is_published": False}
    )
    assert anon.get(hidden.headers["location"]).status_code == 401
    assert anon.get(f"/api/v2/pages/page/{pk(hidden.headers['location'])}/").status_code == 404
    assert anon.get(v2_uri).status_code == 200
    assert v1_staff.delete(uri).status_code == 204
    assert v1_staff.delete(hidden.headers["location"]).status_code == 204


def test_throttled_answers_in_python_orgs_words(server: LiveServer) -> None:
    with (
        same_database(server, rate_limit_enabled=True, rate_limits="LOW=2/2/2") as limited,
        httpx.Client(base_url=limited.base_url) as client,
    ):
        answers = [client.get("/api/v2/downloads/os/") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        seconds = int(answers[2].headers["retry-after"])
        assert answers[2].json() == {
            "detail": f"Request was throttled. Expected available in {seconds} "
            + ("second." if seconds == 1 else "seconds.")
        }
        v1 = client.get(f"{V1}os/")
        assert v1.status_code == 429 and set(v1.json()) == {"error_message"}


def test_a_datetime_filter_utc_cannot_hold_is_400_naming_it(anon: httpx.Client) -> None:
    """Issue 24: converting such an offset to UTC was a 500."""
    for name, value in (
        ("release_date__gt", "0001-01-01T00:00:00+01:00"),
        ("release_date__lte", "9999-12-31T23:59:59-00:01"),
        ("release_date__range", "2001-01-01,9999-12-31T23:59:59-05:00"),
    ):
        response = anon.get(f"{V1}release/", params={name: value})
        assert response.status_code == 400, response.text
        assert response.json() == {
            "error": f"'{name}' must be an instant from 0001-01-01T00:00:00Z to "
            "9999-12-31T23:59:59Z in UTC."
        }
