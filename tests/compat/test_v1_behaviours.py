"""python.org's v1 (Tastypie) behaviours as python.org's own code and tests specify them
(``apps/downloads/api.py``, ``tests/test_views.py``, ``pydotorg/resources.py``, ``urls.py``,
``urls_api.py``, with Tastypie 0.15's paginator, filters and discovery), one test each, over
HTTP on both engines."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.compat.conftest import file_body, pk
from tests.factories import token
from tests.support import LiveServer

V1 = "/api/v1/downloads/"
MISMATCHED = {"error": "Invalid resource lookup data provided (mismatched type)."}
CANNED = {"error_message": "Sorry, this request could not be processed. Please try again later."}
STAFF_PASSWORD = "staff session passphrase 2026"


def with_query(path: str, **params: Any) -> str:
    """``path`` with ``params`` added to the query string it may already have."""
    return f"{path}{'&' if '?' in path else '?'}{urlencode(params)}" if params else path


def objects(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(with_query(path, limit=1000, **params))
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["objects"]
    return found


def total(client: httpx.Client, path: str, **params: Any) -> int:
    response = client.get(with_query(path, **params))
    assert response.status_code == 200, response.text
    return int(response.json()["meta"]["total_count"])


# 4. Only staff API keys write ------------------------------------------------------------------


async def _staff_with_password(database_url: str, username: str) -> None:
    from pydotorg.accounts.services import create_user
    from pydotorg.db.engine import create_engine, create_sessionmaker

    engine = create_engine(database_url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            await create_user(
                session,
                username=username,
                email=f"{username}@example.org",
                password=STAFF_PASSWORD,
                is_staff=True,
            )
            await session.commit()
    finally:
        await engine.dispose()


def test_a_signed_in_staff_session_cannot_write(
    server: LiveServer, anon: httpx.Client, as_client: Callable[[str | None], httpx.Client]
) -> None:
    """python.org's ``test_staff_session_cannot_write_without_api_key``: a staff member's
    sign-in (here a JWT from ``/api/auth/login``) is no API key, so a v1 write is a 401."""
    name = f"boss{token(8)}"
    asyncio.run(_staff_with_password(server.database_url, name))
    login = anon.post("/api/auth/login", json={"username": name, "password": STAFF_PASSWORD})
    assert login.status_code == 200, login.text
    signed_in = as_client(f"Bearer {login.json()['access_token']}")
    assert signed_in.get("/api/v1/releases/latest").status_code == 200  # the token is good
    slug = f"session-only-{token(8)}"
    refused = signed_in.post(f"{V1}os/", json={"name": "Session-only OS", "slug": slug})
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "ApiKey"
    assert objects(anon, f"{V1}os/", slug=slug) == []


def test_a_staff_key_writes_as_an_api_key_only(
    server: LiveServer, anon: httpx.Client, as_client: Callable[[str | None], httpx.Client]
) -> None:
    key = server.credentials["staff"]
    slug = f"key-{token(8)}"
    for header in (f"Bearer {key}", f"Token {key}"):
        answer = as_client(header).post(f"{V1}os/", json={"name": "Key OS", "slug": slug})
        assert answer.status_code == 401, header
    assert objects(anon, f"{V1}os/", slug=slug) == []
    made = as_client(f"ApiKey staffer:{key}").post(f"{V1}os/", json={"name": "Key", "slug": slug})
    assert made.status_code == 201, made.text
    assert as_client(f"ApiKey staffer:{key}").delete(made.headers["location"]).status_code == 204


def test_another_scheme_is_a_401_even_on_a_read(
    server: LiveServer, as_client: Callable[[str | None], httpx.Client]
) -> None:
    """Tastypie's ``ApiKeyAuthentication`` refuses a header of any other scheme."""
    key = server.credentials["staff"]
    for header in (f"Bearer {key}", f"Token {key}"):
        for path in (f"{V1}os/", f"{V1}release/1/", "/api/v1/pages/page/", f"{V1}os/schema/"):
            assert as_client(header).get(path).status_code == 401, (header, path)
    assert as_client(f"ApiKey staffer:{key}").get(f"{V1}os/").status_code == 200


# 7. Every lookup the resources allow ---------------------------------------------------------


def test_release_in_filters_files(anon: httpx.Client) -> None:
    """The issue's example: ``release__in`` was ignored and every file was listed."""
    releases = objects(anon, f"{V1}release/", name="Python 3.5.0rc4") + objects(
        anon, f"{V1}release/", name="Python 2.7.12rc1"
    )
    ids = [pk(release["resource_uri"]) for release in releases]
    assert len(ids) == 2
    each = [total(anon, f"{V1}release_file/", release=key) for key in ids]
    assert all(count > 0 for count in each)
    both = objects(anon, f"{V1}release_file/", release__in=f"{ids[0]},{ids[1]}")
    assert len(both) == sum(each)
    assert {file["release"] for file in both} == {f"{V1}release/{key}/" for key in ids}
    repeated = anon.get(f"{V1}release_file/?release__in={ids[0]}&release__in={ids[1]}")
    assert repeated.json()["meta"]["total_count"] == sum(each)
    assert total(anon, f"{V1}release_file/", release__in="") == 0


def test_relations_take_every_lookup_on_their_ids_and_their_resources_filters(
    anon: httpx.Client,
) -> None:
    everything = total(anon, f"{V1}release_file/")
    by_os = {key: total(anon, f"{V1}release_file/", os=key) for key in (1, 2, 3, 4, 5)}
    assert sum(by_os.values()) == everything
    assert total(anon, f"{V1}release_file/", os__in="1,3") == by_os[1] + by_os[3]
    assert total(anon, f"{V1}release_file/", os__gte=4) == by_os[4] + by_os[5]
    assert total(anon, f"{V1}release_file/", os__lt=2) == by_os[1]
    assert total(anon, f"{V1}release_file/", os__range="2,3") == by_os[2] + by_os[3]
    assert total(anon, f"{V1}release_file/", os__isnull="false") == everything
    assert total(anon, f"{V1}release_file/", os__isnull="true") == 0
    assert total(anon, f"{V1}release_file/", os__name="Windows") == by_os[1]
    assert total(anon, f"{V1}release_file/", os__slug__exact="macos") == by_os[2]
    twos = objects(anon, f"{V1}release_file/", release__version__startswith=2)
    assert twos and all(f["url"].startswith("https://www.python.org/ftp/python/2.") for f in twos)
    recent = total(anon, f"{V1}release_file/", release__release_date__gte="2024-01-01")
    assert 0 < recent < everything


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("release/?name__foo=1", "The 'name' field does not support relations."),
        ("release/?release_date__year__gte=2001", "The 'release_date' field does not support "
         "relations."),
        ("release/?name__startswith=P", "'startswith' is not an allowed filter on the 'name' "
         "field."),
        ("release/?is_latest=true", "The 'is_latest' field does not allow filtering."),
        ("release/?resource_uri=x", "The 'resource_uri' field is not a valid field name"),
        ("release_file/?description=windows", "'exact' is not an allowed filter on the "
         "'description' field."),
        ("release_file/?release__foo=1", "The 'foo' field does not allow filtering."),
        ("release_file/?release__name__startswith=P", "'startswith' is not an allowed filter "
         "on the 'name' field."),
        ("release_file/?os__name__exact__x=1", "The 'name' field does not support relations."),
        ("release/?order_by=name", "The 'name' field does not allow ordering."),
        ("release/?order_by=-nothing", "No matching 'nothing' field for ordering on."),
        ("release/?sort_by=slug", "The 'slug' field does not allow ordering."),
    ],
)  # fmt: skip
def test_a_filter_python_org_refuses_is_tastypies_400(
    anon: httpx.Client, query: str, error: str
) -> None:
    response = anon.get(f"{V1}{query}")
    assert response.status_code == 400
    assert response.json() == {"error": error}


@pytest.mark.parametrize(
    "query",
    ["release_file/?release=abc", "release_file/?os__in=1,x", "release_file/?os__isnull=1",
     "release_file/?release__gt=none", "release/?version=3.0", "release_file/?release__in=true"],
)  # fmt: skip
def test_a_value_the_field_cannot_hold_is_a_mismatched_type(anon: httpx.Client, query: str) -> None:
    response = anon.get(f"{V1}{query}")
    assert response.status_code == 400
    assert response.json() == MISMATCHED


def test_values_read_as_tastypie_reads_them(anon: httpx.Client) -> None:
    """``true``/``false`` are booleans, ``none`` a null, and a repeated parameter counts
    once, its last value."""
    pre = total(anon, f"{V1}release/", pre_release="true")
    final = total(anon, f"{V1}release/", pre_release="False")
    assert pre > 0 and final > 0 and pre + final == total(anon, f"{V1}release/")
    assert total(anon, f"{V1}release/", pre_release="t") == pre
    assert total(anon, f"{V1}release/", release_date="none") == 0
    assert total(anon, f"{V1}os/?slug=windows&slug=macos") == 1
    assert objects(anon, f"{V1}os/?slug=windows&slug=macos")[0]["slug"] == "macos"
    refused = anon.get(f"{V1}release/", params={"pre_release": "maybe"})
    assert refused.status_code == 400
    assert refused.json() == {"error": "“maybe” value must be either True or False."}


# 10. Tastypie's details -----------------------------------------------------------------------


def ordered(text: str) -> list[list[str]]:
    """The keys of every object in a JSON text, in the order they were written."""
    seen: list[list[str]] = []

    def keep(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen.append([key for key, _ in pairs])
        return dict(pairs)

    json.loads(text, object_pairs_hook=keep)
    return seen


def test_every_object_has_its_keys_in_alphabetical_order(
    anon: httpx.Client, v1_staff: httpx.Client
) -> None:
    answers = [
        anon.get(f"{V1}release/?limit=3"),
        anon.get(f"{V1}release_file/?limit=3"),
        anon.get(f"{V1}os/1/"),
        anon.get("/api/v1/pages/page/"),
        anon.get(f"{V1}release/?name__startswith=P"),
        anon.get(f"{V1}os/set/1;3;99/"),
        anon.get(f"{V1}release_file/schema/"),
        anon.get("/api/v1/?fullschema=true"),
        v1_staff.post(f"{V1}os/", json={}),
    ]
    for answer in answers:
        for keys in ordered(answer.text):
            assert keys == sorted(keys), (str(answer.url), keys)
    release = answers[0].json()["objects"][0]
    assert list(release) == [
        "is_latest", "is_published", "name", "pre_release", "release_date",
        "release_notes_url", "release_page", "resource_uri", "show_on_download_page", "slug",
        "version",
    ]  # fmt: skip


def test_previous_is_a_whole_page_back_or_null(anon: httpx.Client) -> None:
    """Tastypie's paginator: ``previous`` only while ``offset - limit`` is not negative."""

    def meta(offset: int) -> dict[str, Any]:
        found: dict[str, Any] = anon.get(f"{V1}os/?limit=2&offset={offset}").json()["meta"]
        return found

    assert meta(0)["previous"] is None
    assert meta(1)["previous"] is None
    assert meta(2)["previous"] == "/api/v1/downloads/os/?limit=2&offset=0"
    assert meta(3)["previous"] == "/api/v1/downloads/os/?limit=2&offset=1"
    count = meta(0)["total_count"]
    assert meta(count - 2)["next"] is None and meta(count - 3)["next"] is not None


def test_links_keep_the_other_parameters_grouped_by_name(anon: httpx.Client) -> None:
    """As Django writes a query string: each name's values together, then limit and offset."""
    meta = anon.get(f"{V1}os/?a=1&limit=1&b=2&a=3&offset=1").json()["meta"]
    assert meta["next"] == "/api/v1/downloads/os/?a=1&a=3&b=2&limit=1&offset=2"
    assert meta["previous"] == "/api/v1/downloads/os/?a=1&a=3&b=2&limit=1&offset=0"


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("limit=abc", "Invalid limit 'abc' provided. Please provide a positive integer."),
        ("limit=1.5", "Invalid limit '1.5' provided. Please provide a positive integer."),
        ("limit=-3", "Invalid limit '-3' provided. Please provide a positive integer >= 0."),
        ("offset=x", "Invalid offset 'x' provided. Please provide an integer."),
        ("offset=-1", "Invalid offset '-1' provided. Please provide a positive integer >= 0."),
        ("limit=5&limit=-2", "Invalid limit '-2' provided. Please provide a positive integer "
         ">= 0."),
    ],
)  # fmt: skip
def test_a_bad_limit_or_offset_is_tastypies_400(anon: httpx.Client, query: str, error: str) -> None:
    response = anon.get(f"{V1}release/?{query}")
    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_a_filter_error_comes_before_a_limit_error(anon: httpx.Client) -> None:
    """Tastypie filters the list before its paginator reads ``limit``."""
    response = anon.get(f"{V1}release/?limit=x&name__startswith=P")
    assert response.json() == {
        "error": "'startswith' is not an allowed filter on the 'name' field."
    }


def test_a_delete_looks_the_object_up_before_the_caller(
    anon: httpx.Client, v1_staff: httpx.Client, new_release: Callable[..., dict[str, Any]]
) -> None:
    """Tastypie finds the object, then asks whether the caller may delete it: a missing
    object is a 404 to anyone, an existing one a 401 to anyone but staff."""
    for path in ("os/999999999/", "release/999999999/", "release_file/999999999/"):
        assert anon.delete(f"{V1}{path}").status_code == 404, path
        assert v1_staff.delete(f"{V1}{path}").status_code == 404, path
    assert anon.delete("/api/v1/pages/page/999999999/").status_code == 404
    assert anon.delete(f"{V1}os/1/").status_code == 401
    draft = new_release(is_published=False)
    assert anon.delete(f"{V1}release/{draft['id']}/").status_code == 401
    shown = new_release()
    assert anon.delete(f"{V1}release/{shown['id']}/").status_code == 401
    assert v1_staff.delete(f"{V1}release/{shown['id']}/").status_code == 204
    assert anon.get(f"{V1}release/{shown['id']}/").status_code == 404


def test_a_bulk_delete_checks_its_query_before_the_caller(anon: httpx.Client) -> None:
    """python.org's ``delete_list`` refuses a query other than one ``release`` first."""
    refused = anon.delete(f"{V1}release_file/?os=1")
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "Deleting release files requires exactly one 'release' filter."
    }
    assert anon.delete(f"{V1}release_file/?release=x").json() == MISMATCHED
    assert anon.delete(f"{V1}release_file/?release=1").status_code == 401


def test_a_relation_uri_naming_nothing(
    v1_staff: httpx.Client, anon: httpx.Client, new_release: Callable[..., dict[str, Any]]
) -> None:
    release = new_release()
    release_uri = f"/api/v1/downloads/release/{release['id']}/"
    missing = v1_staff.post(
        f"{V1}release_file/", json=file_body(release, "/api/v1/downloads/os/999999/", release_uri)
    )
    assert missing.status_code == 400
    assert missing.json() == {
        "error": "Could not find the provided downloads/os object via resource URI "
        "'/api/v1/downloads/os/999999/'."
    }
    gone = v1_staff.post(
        f"{V1}release_file/",
        json=file_body(release, "/api/v1/downloads/os/3/", "/api/v1/downloads/release/0/"),
    )
    assert gone.json() == {
        "error": "Could not find the provided downloads/release object via resource URI "
        "'/api/v1/downloads/release/0/'."
    }
    for no_link in (release_uri, "/api/v1/downloads/os/3", "/api/v1/downloads/os/x/", "3"):
        answer = v1_staff.post(f"{V1}release_file/", json=file_body(release, no_link, release_uri))
        assert answer.status_code == 404, no_link
        assert answer.json() == CANNED, no_link
    unnamed = file_body(release, "/api/v1/downloads/os/3/", release_uri)
    del unnamed["os"]
    answer = v1_staff.post(f"{V1}release_file/", json=unnamed)
    assert answer.json() == {
        "error": "The 'os' field has no data and doesn't allow a default or null value."
    }
    anywhere = file_body(release, "https://mirror.example/x/downloads/os/3/", release_uri)
    created = v1_staff.post(f"{V1}release_file/", json=anywhere)
    assert created.status_code == 201, created.text
    assert anon.get(created.headers["location"]).json()["os"] == "/api/v1/downloads/os/3/"
    assert total(anon, f"{V1}release_file/", release=release["id"]) == 1


@pytest.mark.parametrize(
    ("path", "location", "status"),
    [
        ("/api/v1", "/api/v1/", 200),
        ("/api/v1/downloads/os", "/api/v1/downloads/os/", 200),
        (
            "/api/v1/downloads/os?limit=1&name=a%20b",
            "/api/v1/downloads/os/?limit=1&name=a%20b",
            200,
        ),
        ("/api/v1/downloads/release/3", "/api/v1/downloads/release/3/", 200),
        ("/api/v1/downloads/release/schema", "/api/v1/downloads/release/schema/", 401),
        ("/api/v1/downloads/os/set/1;3", "/api/v1/downloads/os/set/1;3/", 200),
        ("/api/v1/pages/page/999999", "/api/v1/pages/page/999999/", 404),
    ],
)
def test_a_path_without_its_slash_is_a_301_to_it(
    anon: httpx.Client, path: str, location: str, status: int
) -> None:
    """Django's ``APPEND_SLASH``, before any view: whatever the method or the caller."""
    for method in ("GET", "POST", "DELETE"):
        response = anon.request(method, path)
        assert response.status_code == 301, (method, path)
        assert response.headers["location"] == location
        assert response.content == b""
    assert anon.get(location).status_code == status


def test_the_guides_own_paths_take_no_slash(anon: httpx.Client) -> None:
    assert anon.get("/api/v1/os").status_code == 200
    assert anon.get("/api/v1/releases/latest").status_code == 200


# 11. URLs python.org serves ------------------------------------------------------------------


def test_the_v1_top_level_lists_python_orgs_resources(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/")
    assert response.status_code == 200
    names = ["downloads/os", "downloads/release", "downloads/release_file", "pages/page"]
    assert response.json() == {
        name: {"list_endpoint": f"/api/v1/{name}/", "schema": f"/api/v1/{name}/schema/"}
        for name in names
    }
    assert anon.get("/api/v1/?fullschema=false").json() == response.json()
    assert anon.get("/api/v1/?fullschema=").json() == response.json()
    full = anon.get("/api/v1/?fullschema=true").json()
    assert list(full) == names
    assert full["downloads/os"]["schema"] == anon.get(f"{V1}os/schema/").json()
    assert full["pages/page"]["schema"]["fields"]["title"]["type"] == "string"
    again = anon.get("/api/v1/?fullschema=0").json()  # any other value is true
    for schemas in (full, again):  # but the time a new release would take
        del schemas["downloads/release"]["schema"]["fields"]["release_date"]["default"]
    assert again == full


OS_SCHEMA = {
    "allowed_detail_http_methods": ["get", "delete"],
    "allowed_list_http_methods": ["get", "post"],
    "default_format": "application/json",
    "default_limit": 20,
    "fields": {
        "name": {
            "blank": False,
            "default": "No default provided.",
            "help_text": 'Unicode string data. Ex: "Hello World"',
            "nullable": False,
            "primary_key": False,
            "readonly": False,
            "type": "string",
            "unique": False,
            "verbose_name": "name",
        },
        "resource_uri": {
            "blank": False,
            "default": "No default provided.",
            "help_text": 'Unicode string data. Ex: "Hello World"',
            "nullable": False,
            "primary_key": False,
            "readonly": True,
            "type": "string",
            "unique": False,
            "verbose_name": "resource uri",
        },
        "slug": {
            "blank": False,
            "default": "No default provided.",
            "help_text": 'Unicode string data. Ex: "Hello World"',
            "nullable": False,
            "primary_key": False,
            "readonly": False,
            "type": "string",
            "unique": True,
            "verbose_name": "slug",
        },
    },
    "filtering": {"name": ["exact"], "slug": ["exact"]},
}


def test_a_resource_schema_is_tastypies(anon: httpx.Client, v1_staff: httpx.Client) -> None:
    assert anon.get(f"{V1}os/schema/").json() == OS_SCHEMA
    files = anon.get(f"{V1}release_file/schema/").json()
    assert files["allowed_list_http_methods"] == ["get", "post", "delete"]
    assert files["filtering"] == {
        "description": ["contains"], "name": ["exact"], "os": 2, "release": 2, "slug": ["exact"],
    }  # fmt: skip
    assert sorted(files["fields"]) == sorted(
        anon.get(f"{V1}release_file/?limit=1").json()["objects"][0]
    )
    assert files["fields"]["os"] == {
        "blank": False,
        "default": "No default provided.",
        "help_text": "A single related resource. Can be either a URI or set of nested resource "
        "data.",
        "nullable": False,
        "primary_key": False,
        "readonly": False,
        "related_schema": "/api/v1/downloads/os/schema/",
        "related_type": "to_one",
        "type": "related",
        "unique": False,
        "verbose_name": "os",
    }
    assert files["fields"]["url"]["verbose_name"] == "URL"
    assert files["fields"]["filesize"]["default"] == 0
    page = anon.get("/api/v1/pages/page/schema/").json()
    assert page["fields"]["is_published"]["default"] is True
    assert page["filtering"]["keywords"] == ["exact", "icontains"]


def test_the_release_schema_is_for_staff(anon: httpx.Client, v1_staff: httpx.Client) -> None:
    """Tastypie asks whether the reader may see a new, empty release; a new release is
    unpublished, so only staff may (``OnlyPublishedAuthorization``)."""
    assert anon.get(f"{V1}release/schema/").status_code == 401
    schema = v1_staff.get(f"{V1}release/schema/").json()
    assert schema["fields"]["version"]["default"] == 3
    assert schema["fields"]["release_page"]["related_schema"] == "/api/v1/pages/page/schema/"
    assert schema["fields"]["release_page"]["nullable"] is True
    assert schema["filtering"]["release_date"] == 1
    assert schema["filtering"]["version"] == ["exact", "startswith"]
    assert schema["fields"]["release_date"]["type"] == "datetime"
    assert "T" in schema["fields"]["release_date"]["default"]  # the time it was asked


def test_a_set_answers_the_objects_named_in_order(
    anon: httpx.Client, v1_staff: httpx.Client, new_release: Callable[..., dict[str, Any]]
) -> None:
    found = anon.get(f"{V1}os/set/3;1;99;03;x;1/").json()
    assert [pk(os["resource_uri"]) for os in found["objects"]] == [3, 1, 1]
    assert found["not_found"] == ["99", "03", "x"]
    assert "not_found" not in anon.get(f"{V1}os/set/2/").json()
    filtered = anon.get(f"{V1}os/set/1;2/?slug=macos").json()
    assert [os["slug"] for os in filtered["objects"]] == ["macos"]
    draft = new_release(is_published=False)
    shown = anon.get(f"{V1}release/set/{draft['id']}/").json()
    assert shown == {"not_found": [str(draft["id"])], "objects": []}
    seen = v1_staff.get(f"{V1}release/set/{draft['id']}/").json()
    assert [release["name"] for release in seen["objects"]] == [draft["name"]]
    keys = [pk(file["resource_uri"]) for file in objects(anon, f"{V1}release_file/")][:650]
    many = anon.get(f"{V1}release_file/set/{';'.join(map(str, reversed(keys)))}/").json()
    assert [pk(file["resource_uri"]) for file in many["objects"]] == keys[::-1]  # past 500


def test_getit_serves_the_downloads_pages_again(anon: httpx.Client) -> None:
    """python.org mounts its downloads pages at ``/getit/`` too."""
    feed = anon.get("/getit/feed.rss")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/rss+xml")
    downloads = anon.get("/downloads/feed.rss").text
    assert feed.text.replace("/getit/feed.rss", "/downloads/feed.rss") == downloads
    for which in ("latest", "latest/python3", "latest/python3.13", "latest/prerelease"):
        here, there = anon.get(f"/getit/{which}/"), anon.get(f"/downloads/{which}/")
        assert here.status_code == there.status_code == 302, which
        assert here.headers["location"] == there.headers["location"], which
    assert anon.get("/getit/latest/python2/").status_code == 404


# 12. The three releases python.org dates --------------------------------------------------------


def test_the_releases_once_without_a_date_are_served(anon: httpx.Client) -> None:
    dates = {
        "Python 2.7.12rc1": "2016-06-13",
        "Python 3.5.0rc4": "2015-09-09",
        "Python 3.9.0b2": "2020-06-09",
    }
    for name, day in dates.items():
        (v1,) = objects(anon, f"{V1}release/", name=name)
        assert v1["release_date"] == f"{day}T00:00:00"
        (v2,) = anon.get("/api/v2/downloads/release/", params={"name": name}).json()
        assert v2["release_date"] == f"{day}T00:00:00Z"
        assert total(anon, f"{V1}release_file/", release=pk(v1["resource_uri"])) > 0


# Other behaviours python.org's tests specify -------------------------------------------------


def test_os_filters_are_exact_and_case_sensitive(anon: httpx.Client) -> None:
    """python.org's ``test_filter_os``."""
    assert [os["slug"] for os in objects(anon, f"{V1}os/", name="Windows")] == ["windows"]
    assert objects(anon, f"{V1}os/", name="Windows", slug="windows")[0]["name"] == "Windows"
    for name in ("Windo", "WINDOWS", "invalid"):
        assert objects(anon, f"{V1}os/", name=name) == [], name


def test_pre_release_filter_and_what_a_release_reads(anon: httpx.Client) -> None:
    """python.org's ``test_filter_release``."""
    found = objects(anon, f"{V1}release/", pre_release="true")
    assert found and all(release["pre_release"] for release in found)
    assert all(release["is_published"] for release in found)
    assert all(isinstance(release["version"], int) for release in found)


def test_files_of_a_draft_release_are_listed_to_anyone(
    v1_staff: httpx.Client, anon: httpx.Client, new_release: Callable[..., dict[str, Any]]
) -> None:
    """python.org's ``test_filter_release_file``, last part."""
    draft = new_release(is_published=False)
    release_uri = f"/api/v1/downloads/release/{draft['id']}/"
    body = file_body(draft, "/api/v1/downloads/os/3/", release_uri)
    assert v1_staff.post(f"{V1}release_file/", json=body).status_code == 201
    assert anon.get(release_uri).status_code == 401
    listed = objects(anon, f"{V1}release_file/", release=draft["id"])
    assert [file["url"] for file in listed] == [body["url"]]


def test_a_created_file_reads_back(
    v1_staff: httpx.Client, anon: httpx.Client, new_release: Callable[..., dict[str, Any]]
) -> None:
    """python.org's ``test_post_release_file``: the optional signature reads back empty."""
    release = new_release()
    release_uri = f"/api/v1/downloads/release/{release['id']}/"
    body = file_body(release, "/api/v1/downloads/os/3/", release_uri, description="A file.")
    created = v1_staff.post(f"{V1}release_file/", json=body)
    assert created.status_code == 201 and created.content == b""
    read = anon.get(created.headers["location"]).json()
    assert read["gpg_signature_file"] == "" and read["is_source"] is True
    assert (read["os"], read["release"]) == ("/api/v1/downloads/os/3/", release_uri)
    assert read["description"] == "A file." and read["name"] == body["name"]
    assert anon.get(f"{V1}release_file/999999999/").status_code == 404


def test_an_http_file_url_is_refused(
    v1_staff: httpx.Client, new_release: Callable[..., dict[str, Any]]
) -> None:
    """python.org's ``test_post_release_file_rejects_http_urls``."""
    release = new_release()
    body = file_body(
        release,
        "/api/v1/downloads/os/3/",
        f"/api/v1/downloads/release/{release['id']}/",
        url="http://www.python.org/ftp/python/2.7.5/Python-2.7.5-http.tgz",
    )
    answer = v1_staff.post(f"{V1}release_file/", json=body)
    assert answer.status_code == 400
    assert (
        "Release file URLs must begin with 'https://www.python.org/'."
        in (answer.json()["downloads/release_file"]["url"])
    )


def test_an_os_posted_reads_back_and_deletes(v1_staff: httpx.Client, anon: httpx.Client) -> None:
    """python.org's ``test_post_os`` and ``test_delete_os``."""
    slug = f"beos-{token(8)}"
    assert anon.post(f"{V1}os/", json={"name": "BeOS", "slug": slug}).status_code == 401
    created = v1_staff.post(f"{V1}os/", json={"name": "BeOS", "slug": slug})
    assert created.status_code == 201
    uri = created.headers["location"]
    assert anon.get(uri).json() == {"name": "BeOS", "resource_uri": uri, "slug": slug}
    assert anon.delete(uri).status_code == 401
    assert v1_staff.delete(uri).status_code == 204
    assert anon.get(uri).status_code == 404


def test_the_list_takes_no_put_or_patch(v1_staff: httpx.Client) -> None:
    """python.org's ``test_v1_list_update_methods_are_not_allowed``."""
    for path in (f"{V1}os/", f"{V1}release/", f"{V1}release_file/", "/api/v1/pages/page/"):
        assert v1_staff.put(path, json={}).status_code == 405, path
        assert v1_staff.patch(path, json={}).status_code == 405, path


def test_staff_list_unpublished_releases_anonymous_callers_do_not(
    v1_staff: httpx.Client, anon: httpx.Client, new_release: Callable[..., dict[str, Any]]
) -> None:
    """python.org's ``test_get_release``."""
    draft = new_release(is_published=False)
    assert objects(anon, f"{V1}release/", name=draft["name"]) == []
    (seen,) = objects(v1_staff, f"{V1}release/", name=draft["name"])
    assert seen["is_published"] is False
