"""What python.org's v2 (Django REST framework) files and tests specify, one behaviour per test,
over HTTP on both engines: its credentials (``Token`` only), its order of checks (the caller,
then the method), its filters, its write paths and its messages (``apps/downloads``,
``apps/pages``, ``pydotorg/drf.py``; DRF 3.15's standard texts)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.compat.conftest import file_body, pk
from tests.compat.test_sponsors import superuser_key
from tests.conftest import ENGINES
from tests.factories import FTP, release_name, token, unique
from tests.sponsors.test_controllers import register
from tests.support import LiveServer, seeded_server

V2 = "/api/v2/downloads/"
PAGES = "/api/v2/pages/page/"
NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}
FORBIDDEN = {"detail": "You do not have permission to perform this action."}
DRF_DATETIME = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"
SUFFIXES = {
    "gpg_signature_file": ".asc",
    "sigstore_signature_file": ".sig",
    "sigstore_cert_file": ".crt",
    "sigstore_bundle_file": ".sigstore",
    "sbom_spdx2_file": ".spdx.json",
}
HTTPS_ONLY = "Release file URLs must begin with 'https://www.python.org/'."


def unique_name() -> tuple[str, str]:
    """A release name of a test's own (``Python 8.<n>.<m>``) and a slug for it."""
    return release_name(8), unique("v2", 12)


@pytest.fixture
def v2_releases(v2_staff: httpx.Client) -> Iterator[Callable[..., httpx.Response]]:
    """``post(**fields)``: a v2 release create of the test's own (deleted afterwards)."""
    made: list[str] = []

    def post(**fields: Any) -> httpx.Response:
        name, slug = unique_name()
        response = v2_staff.post(f"{V2}release/", json={"name": name, "slug": slug, **fields})
        if response.status_code == 201:
            made.append(response.json()["resource_uri"])
        return response

    yield post
    for uri in made:
        v2_staff.delete(uri)


@pytest.fixture
def v2_os(v2_staff: httpx.Client) -> Iterator[dict[str, Any]]:
    """An OS of the test's own, made through v2 (deleted afterwards if the test did not)."""
    slug = "os-" + token()
    created = v2_staff.post(f"{V2}os/", json={"name": f"OS {slug}", "slug": slug})
    assert created.status_code == 201, created.text
    yield dict(created.json())
    v2_staff.delete(created.json()["resource_uri"])


@pytest.fixture
def v2_file(
    v2_staff: httpx.Client, new_release: Callable[..., dict[str, Any]]
) -> Callable[..., httpx.Response]:
    """``post(**fields)``: a v2 release file create for a release of the test's own."""
    release = new_release()

    def post(**fields: Any) -> httpx.Response:
        body = file_body(release, f"{V2}os/3/", f"{V2}release/{release['id']}/", **fields)
        return v2_staff.post(f"{V2}release_file/", json=body)

    return post


# Credentials: ``Token`` only ------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["Basic Zm9vOmJhcg==", "Bearer not-a-token", "ApiKey nobody:nothing"]
)
def test_a_read_with_another_scheme_is_anonymous(
    as_client: Callable[[str | None], httpx.Client], anon: httpx.Client, header: str
) -> None:
    """DRF's ``TokenAuthentication`` ignores any other scheme: the caller is anonymous."""
    for path in (f"{V2}os/", f"{V2}release/", PAGES):
        answer = as_client(header).get(path)
        assert answer.status_code == 200, (path, answer.text)
        assert answer.json() == anon.get(path).json()


def test_a_staff_key_as_bearer_reads_as_anyone(
    server: LiveServer,
    as_client: Callable[[str | None], httpx.Client],
    v2_staff: httpx.Client,
    v2_releases: Callable[..., httpx.Response],
) -> None:
    draft = v2_releases(is_published=False).json()
    bearer = as_client(f"Bearer {server.credentials['staff']}")
    assert bearer.get(draft["resource_uri"]).status_code == 404
    assert draft["name"] not in {r["name"] for r in bearer.get(f"{V2}release/").json()}
    assert v2_staff.get(draft["resource_uri"]).status_code == 200


def test_a_wrong_token_is_401_invalid_token(
    as_client: Callable[[str | None], httpx.Client],
) -> None:
    """python.org's ``test_invalid_token``: a read and a delete with a bad ``Token``."""
    wrong = as_client("Token invalid-token")
    for answer in (wrong.get(f"{V2}os/"), wrong.delete(f"{V2}os/1/")):
        assert answer.status_code == 401
        assert answer.json() == {"detail": "Invalid token."}
        assert answer.headers["www-authenticate"] == "Token"


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Token", "Invalid token header. No credentials provided."),
        ("Token a b", "Invalid token header. Token string should not contain spaces."),
    ],
)
def test_a_malformed_token_header_is_401_in_drf_words(
    as_client: Callable[[str | None], httpx.Client], header: str, detail: str
) -> None:
    answer = as_client(header).get(f"{V2}release/")
    assert answer.status_code == 401
    assert answer.json() == {"detail": detail}


def test_a_token_of_an_inactive_account_is_401(
    server: LiveServer, staff: httpx.Client, as_client: Callable[[str | None], httpx.Client]
) -> None:
    client, user_id = register(server)
    with contextlib.closing(client):
        made = client.post("/api/auth/api-keys", json={"name": "v2", "scopes": ["read"]})
        assert made.status_code == 201, made.text
    key = made.json()["key"]
    assert as_client(f"Token {key}").get(f"{V2}os/").status_code == 200
    off = staff.patch(f"/api/v1/users/{user_id}", json={"is_active": False})
    assert off.status_code == 200, off.text
    answer = as_client(f"Token {key}").get(f"{V2}os/")
    assert answer.status_code == 401
    assert answer.json() == {"detail": "User inactive or deleted."}


@pytest.mark.parametrize("scheme", ["Bearer", "ApiKey"])
def test_writes_take_only_a_token(
    server: LiveServer,
    as_client: Callable[[str | None], httpx.Client],
    v2_staff: httpx.Client,
    scheme: str,
) -> None:
    """A staff key as ``Bearer`` or ``ApiKey`` is no credential to v2: a write is a 401 and
    writes nothing."""
    key = server.credentials["staff"]
    client = as_client(f"Bearer {key}" if scheme == "Bearer" else f"ApiKey staffer:{key}")
    slug = "never-" + token(8)
    answer = client.post(f"{V2}os/", json={"name": "Never", "slug": slug})
    assert answer.status_code == 401
    assert answer.json() == NOT_PROVIDED
    assert answer.headers["www-authenticate"] == "Token"
    assert v2_staff.get(f"{V2}os/", params={"slug": slug}).json() == []


def test_a_staff_sign_in_token_does_not_write(server: LiveServer) -> None:
    """A staff member's JWT (python.org: a signed-in staff session) is no v2 credential."""
    client, user_id = register(server)
    root = {"Authorization": f"Bearer {superuser_key(server)}"}
    with contextlib.closing(client):
        promoted = client.patch(f"/api/v1/users/{user_id}", headers=root, json={"is_staff": True})
        assert promoted.status_code == 200, promoted.text
        assert client.get("/api/auth/me").json()["is_staff"] is True
        slug = "jwt-" + token(8)
        answer = client.post(f"{V2}os/", json={"name": "JWT", "slug": slug})
        assert answer.status_code == 401
        assert answer.json() == NOT_PROVIDED
        assert client.get(f"{V2}os/", params={"slug": slug}).json() == []


def test_an_anonymous_write_is_401_in_drf_words(anon: httpx.Client) -> None:
    name, slug = unique_name()
    answer = anon.post(f"{V2}release/", json={"name": name, "slug": slug})
    assert answer.status_code == 401
    assert answer.json() == NOT_PROVIDED
    assert answer.headers["www-authenticate"] == "Token"


def test_a_write_by_an_account_not_staff_is_403_in_drf_words(v2_user: httpx.Client) -> None:
    name, slug = unique_name()
    answer = v2_user.post(f"{V2}release/", json={"name": name, "slug": slug})
    assert answer.status_code == 403
    assert answer.json() == FORBIDDEN


# The caller, then the method -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_pages_refuse_writes_after_the_permission(
    anon: httpx.Client, v2_user: httpx.Client, v2_staff: httpx.Client, method: str
) -> None:
    """python.org's ``test_post_page`` and ``test_delete_page``: anonymous 401, staff 405."""
    page = anon.get(PAGES).json()[0]["resource_uri"]
    path = PAGES if method == "POST" else page
    assert anon.request(method, path, json={}).status_code == 401
    assert anon.request(method, path, json={}).json() == NOT_PROVIDED
    assert v2_user.request(method, path, json={}).json() == FORBIDDEN
    refused = v2_staff.request(method, path, json={"title": "x", "path": "/x/"})
    assert refused.status_code == 405
    assert refused.json() == {"detail": f'Method "{method}" not allowed.'}
    assert refused.headers["allow"] == "GET, HEAD, OPTIONS"


def test_a_write_method_a_downloads_path_lacks_is_405_to_staff_only(
    anon: httpx.Client, v2_staff: httpx.Client
) -> None:
    for method in ("PUT", "PATCH", "DELETE"):
        assert anon.request(method, f"{V2}os/").status_code == 401
        refused = v2_staff.request(method, f"{V2}release_file/")
        assert refused.status_code == 405
        assert refused.json() == {"detail": f'Method "{method}" not allowed.'}
        assert refused.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert anon.post(f"{V2}release/1/").status_code == 401
    detail = v2_staff.post(f"{V2}release/1/", json={})
    assert detail.status_code == 405
    assert detail.headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, PUT"


def test_delete_by_release_answers_a_read_with_405(anon: httpx.Client) -> None:
    """python.org's ``test_filter_release_file_delete_by_release``: GET is 405 (to anyone, as
    a read needs no permission); any other write is checked first."""
    path = f"{V2}release_file/delete_by_release/"
    refused = anon.get(path, params={"release": 1})
    assert refused.status_code == 405
    assert refused.json() == {"detail": 'Method "GET" not allowed.'}
    assert refused.headers["allow"] == "DELETE, OPTIONS"
    assert anon.post(path, params={"release": 1}).status_code == 401


def test_options_lists_only_the_methods_served(anon: httpx.Client) -> None:
    assert anon.options(PAGES).headers["allow"] == "GET, HEAD, OPTIONS"
    assert anon.options(f"{V2}os/").headers["allow"] == "GET, HEAD, OPTIONS, POST"


def test_the_api_root_refuses_writes_to_anyone(anon: httpx.Client) -> None:
    """DRF's ``APIRootView`` allows anyone, so a write is 405 without credentials."""
    refused = anon.post("/api/v2/", json={})
    assert refused.status_code == 405
    assert refused.json() == {"detail": 'Method "POST" not allowed.'}


def test_a_missing_object_is_404_in_djangos_words(
    anon: httpx.Client, v2_staff: httpx.Client
) -> None:
    """Django's ``get_object_or_404``, whose message DRF 3.15 keeps."""
    for path, model in (("os", "OS"), ("release", "Release"), ("release_file", "ReleaseFile")):
        missing = anon.get(f"{V2}{path}/9999999/")
        assert missing.status_code == 404
        assert missing.json() == {"detail": f"No {model} matches the given query."}
    assert anon.get(f"{PAGES}9999999/").json() == {"detail": "No Page matches the given query."}
    assert anon.delete(f"{V2}os/9999999/").status_code == 401  # the permission comes first
    gone = v2_staff.delete(f"{V2}os/9999999/")
    assert gone.status_code == 404
    assert gone.json() == {"detail": "No OS matches the given query."}


# Filters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["7", "abc", "03", "-3"])
def test_a_version_outside_python_orgs_choices_is_400(anon: httpx.Client, value: str) -> None:
    answer = anon.get(f"{V2}release/", params={"version": value})
    assert answer.status_code == 400
    assert answer.json() == {
        "version": [f"Select a valid choice. {value} is not one of the available choices."]
    }


def test_every_version_choice_filters(anon: httpx.Client) -> None:
    for major in (1, 2, 3):
        listed = anon.get(f"{V2}release/", params={"version": major}).json()
        assert listed and {r["version"] for r in listed} == {major}
    assert anon.get(f"{V2}release/", params={"version": 100}).json() == []
    everything = anon.get(f"{V2}release/").json()
    assert anon.get(f"{V2}release/", params={"version": ""}).json() == everything


def test_invalid_filter_values_are_named_together_in_the_filters_order(
    anon: httpx.Client,
) -> None:
    answer = anon.get(f"{V2}release/?release_date=soon&version=7&name=x")
    assert answer.status_code == 400
    assert list(answer.json()) == ["version", "release_date"]
    assert answer.json()["release_date"] == ["Enter a valid date/time."]


def test_an_invalid_value_is_named_before_an_unknown_parameter(anon: httpx.Client) -> None:
    """django-filter validates its form before python.org's ``BaseFilterSet`` looks for
    parameters it does not know."""
    answer = anon.get(f"{V2}release_file/?os=abc&foo=1")
    assert answer.status_code == 400
    assert answer.json() == {
        "os": ["Select a valid choice. That choice is not one of the available choices."]
    }


def test_os_filters_match_exactly(anon: httpx.Client) -> None:
    """python.org's ``test_filter_os``."""
    windows = anon.get(f"{V2}os/", params={"name": "Windows", "slug": "windows"}).json()
    assert [(o["name"], o["slug"]) for o in windows] == [("Windows", "windows")]
    for name in ("invalid", "Windo", "WINDOWS"):
        assert anon.get(f"{V2}os/", params={"name": name}).json() == []


def test_release_filters_by_pre_release(anon: httpx.Client) -> None:
    """python.org's ``test_filter_release``."""
    pre = anon.get(f"{V2}release/", params={"pre_release": "True"}).json()
    assert pre and all(r["pre_release"] and r["is_published"] for r in pre)
    finals = anon.get(f"{V2}release/", params={"pre_release": "false"}).json()
    assert finals and not any(r["pre_release"] for r in finals)


def test_release_file_filters_combine(anon: httpx.Client) -> None:
    """python.org's ``test_filter_release_file``: name, os, release, both at once,
    ``description__contains``, and ``description`` (exact) refused."""
    release = next(r for r in anon.get(f"{V2}release/", params={"name": "Python 3.12.0"}).json())
    rid = pk(release["resource_uri"])
    files = anon.get(f"{V2}release_file/", params={"release": rid}).json()
    assert len(files) > 2 and {f["release"] for f in files} == {release["resource_uri"]}
    windows = anon.get(f"{V2}release_file/", params={"release": rid, "os": 1}).json()
    assert windows and len(windows) < len(files)
    assert all(f["os"].endswith(f"{V2}os/1/") for f in windows)
    named = anon.get(f"{V2}release_file/", params={"name": files[0]["name"]}).json()
    assert files[0] in named
    word = "AMD64"
    described = anon.get(f"{V2}release_file/", params={"description__contains": word}).json()
    assert described and all(word in f["description"] for f in described)
    refused = anon.get(f"{V2}release_file/", params={"description": "windows"})
    assert refused.status_code == 400
    assert refused.json() == {
        "error": ["'exact' is not an allowed filter on the 'description' field."]
    }


# Writes ----------------------------------------------------------------------------------------


def test_a_release_date_without_a_zone_is_utc_in_v2(
    anon: httpx.Client, v2_releases: Callable[..., httpx.Response]
) -> None:
    created = v2_releases(release_date="1991-02-03T04:05:06", is_published=True)
    assert created.status_code == 201, created.text
    assert created.json()["release_date"] == "1991-02-03T04:05:06Z"
    assert anon.get(created.json()["resource_uri"]).json()["release_date"] == (
        "1991-02-03T04:05:06Z"
    )


def test_a_release_date_without_a_zone_is_utc_in_v1(
    v1_staff: httpx.Client, v2_staff: httpx.Client
) -> None:
    name, slug = unique_name()
    body = {"name": name, "slug": slug, "release_date": "1991-02-03T04:05:06"}
    created = v1_staff.post("/api/v1/downloads/release/", json=body)
    assert created.status_code == 201, created.text
    v1 = v1_staff.get(created.headers["location"]).json()
    assert v1["release_date"] == "1991-02-03T04:05:06"
    v2 = v2_staff.get(f"{V2}release/{pk(created.headers['location'])}/").json()
    assert v2["release_date"] == "1991-02-03T04:05:06Z"
    assert v1_staff.delete(created.headers["location"]).status_code == 204


def test_a_release_date_with_an_offset_is_read_in_utc(
    v2_releases: Callable[..., httpx.Response],
) -> None:
    created = v2_releases(release_date="1991-02-03T04:05:06+02:00")
    assert created.status_code == 201, created.text
    assert created.json()["release_date"] == "1991-02-03T02:05:06Z"


def test_a_new_release_is_a_draft_to_anyone_but_staff(
    anon: httpx.Client, v2_staff: httpx.Client, v2_releases: Callable[..., httpx.Response]
) -> None:
    """python.org's ``test_post_release``: ``is_published`` defaults to false, so the new
    release at ``Location`` is a 404 to anyone (v2) and there for staff."""
    created = v2_releases()
    assert created.status_code == 201, created.text
    assert created.headers["location"] == created.json()["resource_uri"]
    assert created.json()["is_published"] is False
    assert anon.get(created.headers["location"]).status_code == 404
    assert v2_staff.get(created.headers["location"]).json() == created.json()


def test_creates_need_a_slug(
    v2_staff: httpx.Client, v2_file: Callable[..., httpx.Response]
) -> None:
    """The model's slug has no default, so DRF's serializers require it."""
    name, _ = unique_name()
    answer = v2_staff.post(f"{V2}release/", json={"name": name})
    assert answer.status_code == 400
    assert answer.json() == {"slug": ["This field is required."]}
    assert v2_staff.post(f"{V2}os/", json={"name": "No slug"}).json() == {
        "slug": ["This field is required."]
    }
    file_answer = v2_staff.post(f"{V2}release_file/", json={"name": "x"})
    assert file_answer.json() == {
        field: ["This field is required."] for field in ("slug", "os", "release", "url")
    }


def test_a_release_file_reads_back_as_written(
    anon: httpx.Client, v2_file: Callable[..., httpx.Response]
) -> None:
    """python.org's ``test_post_release_file``: the signature URL is optional (blank)."""
    created = v2_file(description="This is a description.", download_button=True)
    assert created.status_code == 201, created.text
    item = anon.get(created.headers["location"]).json()
    assert item == created.json()
    assert item["gpg_signature_file"] == "" and item["description"] == "This is a description."
    assert item["is_source"] is True and item["download_button"] is True


@pytest.mark.parametrize(("field", "suffix"), sorted(SUFFIXES.items()))
def test_a_sidecar_of_another_artifact_is_400_in_python_orgs_words(
    v2_file: Callable[..., httpx.Response], field: str, suffix: str
) -> None:
    answer = v2_file(**{field: f"{FTP}/2.7.4/Python-2.7.4-api.tgz{suffix}"})
    assert answer.status_code == 400
    assert answer.json() == {field: [f"Sidecar URL must match the artifact URL plus '{suffix}'."]}


def test_an_http_url_is_400(v2_file: Callable[..., httpx.Response]) -> None:
    """python.org's ``test_post_release_file_rejects_http_urls``, for each URL field."""
    answer = v2_file(url="http://www.python.org/ftp/python/2.7.5/Python-2.7.5-http.tgz")
    assert answer.status_code == 400
    assert answer.json() == {"url": [HTTPS_ONLY]}
    sidecar = v2_file(gpg_signature_file="http://www.python.org/ftp/python/x.tgz.asc")
    assert sidecar.json()["gpg_signature_file"][0] == HTTPS_ONLY


def test_a_replace_may_not_change_a_url_to_http_or_another_artifacts(
    v2_staff: httpx.Client, v2_file: Callable[..., httpx.Response]
) -> None:
    """python.org's ``test_update_release_file_rejects_changed_http_urls`` and
    ``..._changed_sidecars_for_other_artifacts``."""
    created = v2_file()
    assert created.status_code == 201, created.text
    item = {k: v for k, v in created.json().items() if k != "resource_uri"}
    uri = created.json()["resource_uri"]
    http = v2_staff.put(uri, json={**item, "url": item["url"].replace("https:", "http:")})
    assert http.status_code == 400
    assert http.json() == {"url": [HTTPS_ONLY]}
    other = item["url"].replace(".tgz", "-other.tgz") + ".asc"
    sidecar = v2_staff.put(uri, json={**item, "gpg_signature_file": other})
    assert sidecar.status_code == 400
    assert sidecar.json() == {
        "gpg_signature_file": ["Sidecar URL must match the artifact URL plus '.asc'."]
    }


def test_duplicates_and_missing_relations_in_drfs_words(
    v2_staff: httpx.Client, v2_file: Callable[..., httpx.Response]
) -> None:
    created = v2_file()
    assert created.status_code == 201, created.text
    again = v2_file(url=created.json()["url"])
    assert again.json() == {"url": ["Release File with this URL already exists."]}
    windows = v2_staff.post(f"{V2}os/", json={"name": "Windows", "slug": "windows"})
    assert windows.json() == {"slug": ["Operating System with this slug already exists."]}
    nowhere = v2_file(os=f"{V2}os/99999/")
    assert nowhere.status_code == 400
    assert nowhere.json() == {"os": ["Invalid hyperlink - Object does not exist."]}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"release_date": None}, {"release_date": ["This field may not be null."]}),
        ({"release_date": "soon"}, {"release_date": [f"Datetime has wrong format. Use one of "
                                                     f"these formats instead: {DRF_DATETIME}."]}),
        ({"is_published": "maybe"}, {"is_published": ["Must be a valid boolean."]}),
        ({"version": "three"}, {"version": ["A valid integer is required."]}),
        ({"slug": ""}, {"slug": ["This field may not be blank."]}),
        ({"slug": "s" * 201}, {"slug": ["Ensure this field has no more than 200 characters."]}),
    ],
)  # fmt: skip
def test_field_errors_in_drfs_words(
    v2_releases: Callable[..., httpx.Response],
    fields: dict[str, Any],
    expected: dict[str, list[str]],
) -> None:
    answer = v2_releases(**fields)
    assert answer.status_code == 400
    assert answer.json() == expected


def test_a_body_that_is_no_object_is_400_in_drfs_words(v2_staff: httpx.Client) -> None:
    answer = v2_staff.post(f"{V2}os/", json=["Windows"])
    assert answer.status_code == 400
    assert answer.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_deleting_a_release_deletes_its_files(
    anon: httpx.Client,
    v2_staff: httpx.Client,
    new_release: Callable[..., dict[str, Any]],
) -> None:
    """python.org's ``test_delete_release``: anonymous 401, staff 204, then 404."""
    release = new_release()
    uri = f"{V2}release/{release['id']}/"
    body = file_body(release, f"{V2}os/3/", uri)
    made = v2_staff.post(f"{V2}release_file/", json=body)
    assert made.status_code == 201, made.text
    assert anon.delete(uri).status_code == 401
    assert v2_staff.delete(uri).status_code == 204
    assert anon.get(uri).status_code == 404
    assert anon.get(made.headers["location"]).status_code == 404


# OSes: python.org's cascade; the guide's own refusal ------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_deleting_an_os_deletes_its_files(
    anon: httpx.Client,
    v1_staff: httpx.Client,
    v2_staff: httpx.Client,
    v2_os: dict[str, Any],
    new_release: Callable[..., dict[str, Any]],
    version: str,
) -> None:
    """python.org's ``test_delete_os`` (its files go with it: ``on_delete=CASCADE``)."""
    release = new_release()
    body = file_body(release, v2_os["resource_uri"], f"{V2}release/{release['id']}/")
    made = v2_staff.post(f"{V2}release_file/", json=body)
    assert made.status_code == 201, made.text
    os_id = pk(v2_os["resource_uri"])
    client, path = (v2_staff, f"{V2}os/{os_id}/")
    if version == "v1":
        client, path = (v1_staff, f"/api/v1/downloads/os/{os_id}/")
    assert anon.delete(path).status_code == 401
    deleted = client.delete(path)
    assert deleted.status_code == 204, deleted.text
    assert anon.get(v2_os["resource_uri"]).status_code == 404
    assert anon.get(made.headers["location"]).status_code == 404
    assert anon.get(f"{V2}release_file/", params={"release": release["id"]}).json() == []


def test_the_guides_own_os_delete_still_refuses_while_files_remain(
    staff: httpx.Client,
    v2_staff: httpx.Client,
    v2_os: dict[str, Any],
    new_release: Callable[..., dict[str, Any]],
) -> None:
    """The guide's ``/api/v1/os`` is no python.org adapter: an OS with files is a 409."""
    release = new_release()
    body = file_body(release, v2_os["resource_uri"], f"{V2}release/{release['id']}/")
    assert v2_staff.post(f"{V2}release_file/", json=body).status_code == 201
    refused = staff.delete(f"/api/v1/os/{pk(v2_os['resource_uri'])}")
    assert refused.status_code == 409
    assert refused.json()["extra"]["release_files"] == 1


# Pages -----------------------------------------------------------------------------------------


@pytest.fixture
def v1_page(v1_staff: httpx.Client) -> Iterator[Callable[..., httpx.Response]]:
    """``post(**fields)``: a page of the test's own written through v1 (deleted after)."""
    made: list[str] = []

    def post(**fields: Any) -> httpx.Response:
        path = f"/v2-{token()}/"
        response = v1_staff.post("/api/v1/pages/page/", json={"title": "T", "path": path, **fields})
        if response.status_code == 201:
            made.append(response.headers["location"])
        return response

    yield post
    for uri in made:
        v1_staff.delete(uri)


def test_page_content_is_the_rendered_page_in_both_versions(
    anon: httpx.Client, v1_page: Callable[..., httpx.Response]
) -> None:
    created = v1_page(content="Some **bold** text.")
    assert created.status_code == 201, created.text
    html = "<p>Some <strong>bold</strong> text.</p>"
    assert anon.get(created.headers["location"]).json()["content"] == html
    assert anon.get(f"{PAGES}{pk(created.headers['location'])}/").json()["content"] == html


def test_page_content_is_sanitised(
    anon: httpx.Client, v1_page: Callable[..., httpx.Response]
) -> None:
    created = v1_page(content="A `link <javascript:alert(1)>`_ and <script>x</script>")
    assert created.status_code == 201, created.text
    content = anon.get(f"{PAGES}{pk(created.headers['location'])}/").json()["content"]
    assert "javascript:" not in content and "<script>" not in content
    assert "&lt;script&gt;" in content


def test_a_page_without_template_name_reads_blank(
    anon: httpx.Client, v1_page: Callable[..., httpx.Response]
) -> None:
    """python.org's ``Page.template_name`` is blank unless given (its views then use
    ``pages/default.html``)."""
    plain = v1_page()
    assert plain.status_code == 201, plain.text
    assert anon.get(plain.headers["location"]).json()["template_name"] == ""
    assert anon.get(f"{PAGES}{pk(plain.headers['location'])}/").json()["template_name"] == ""
    chosen = v1_page(template_name="psf/default.html")
    assert anon.get(chosen.headers["location"]).json()["template_name"] == "psf/default.html"


def test_unpublished_pages_are_listed_to_staff_only(
    anon: httpx.Client, v2_staff: httpx.Client, v1_page: Callable[..., httpx.Response]
) -> None:
    """python.org's ``test_get_all_pages`` and ``test_filter_page``."""
    word = token()
    assert v1_page(keywords=f"python, {word}").status_code == 201
    assert v1_page(keywords=word.upper(), is_published=False).status_code == 201
    mine = {"keywords__icontains": word}
    assert len(anon.get(PAGES, params=mine).json()) == 1
    assert len(v2_staff.get(PAGES, params=mine).json()) == 2
    drafts = {**mine, "is_published": "False"}
    assert anon.get(PAGES, params=drafts).json() == []
    assert [p["keywords"] for p in v2_staff.get(PAGES, params=drafts).json()] == [word.upper()]


# A legacy file on a server of the test's own -------------------------------------------------


@pytest.fixture(params=ENGINES)
def own_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    with seeded_server(request.param, tmp_path) as live:
        yield live


def test_a_stored_http_url_may_stay_when_a_file_is_replaced(own_server: LiveServer) -> None:
    """python.org rejects a changed URL that is not https, not an unchanged older one (some
    shipped files have ``http://`` URLs)."""
    token = {"Authorization": f"Token {own_server.credentials['staff']}"}
    with own_server.client() as client:
        files = client.get(f"{V2}release_file/").json()
        legacy = next(
            f
            for f in files
            if f["url"].startswith("http://")
            and all(f[k] in ("", f["url"] + suffix) for k, suffix in SUFFIXES.items())
        )
        item = {k: v for k, v in legacy.items() if k != "resource_uri"}
        kept = client.put(
            legacy["resource_uri"], headers=token, json={**item, "description": "Kept"}
        )
        assert kept.status_code == 200, kept.text
        assert kept.json()["url"] == legacy["url"] and kept.json()["description"] == "Kept"
        moved = client.patch(
            legacy["resource_uri"], headers=token, json={"url": legacy["url"] + "x"}
        )
        assert moved.status_code == 400
        assert moved.json()["url"] == [HTTPS_ONLY]


# Shapes and order ------------------------------------------------------------------------------


def test_oses_are_by_name_with_python_orgs_fields(anon: httpx.Client) -> None:
    """python.org's ``test_get_os``: name, slug and the URI; no ``creator``."""
    oses = anon.get(f"{V2}os/").json()
    assert all(list(o) == ["name", "slug", "resource_uri"] for o in oses)
    names = [o["name"] for o in oses]
    assert names == sorted(names) and len(names) >= 5


def test_a_new_os_is_at_its_location(anon: httpx.Client, v2_staff: httpx.Client) -> None:
    """python.org's ``test_post_os``: anonymous 401; staff 201, the new object's URI in
    ``Location``, where it reads back."""
    slug = "beos-" + token(8)
    body = {"name": "BeOS", "slug": slug}
    assert anon.post(f"{V2}os/", json=body).status_code == 401
    created = v2_staff.post(f"{V2}os/", json=body)
    assert created.status_code == 201, created.text
    read = anon.get(created.headers["location"])
    assert read.status_code == 200
    assert read.json() == {**body, "resource_uri": created.headers["location"]}
    assert v2_staff.delete(created.headers["location"]).status_code == 204


def test_release_files_are_in_python_orgs_order(anon: httpx.Client, v2_staff: httpx.Client) -> None:
    """Its model's ``Meta.ordering``: files of published releases first, then by release
    name, OS name and file name."""
    releases = {r["resource_uri"]: r for r in v2_staff.get(f"{V2}release/").json()}
    oses = {o["resource_uri"]: o["name"] for o in anon.get(f"{V2}os/").json()}
    keys = [
        (
            not releases[f["release"]]["is_published"],
            releases[f["release"]]["name"],
            oses[f["os"]],
            f["name"],
        )
        for f in anon.get(f"{V2}release_file/").json()
    ]
    assert len(keys) > 3000 and keys == sorted(keys)
