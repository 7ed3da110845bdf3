"""Pages over HTTP on both engines: every endpoint, guard and visibility rule, each markup type
rendered on write, paths checked and normalised, and search finding published pages only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.content.test_markup import executable_parts
from tests.factories import PageFactory, token, unique_root
from tests.support import created_json


def make_page(staff: httpx.Client, **overrides: object) -> dict[str, Any]:
    return created_json(staff.post("/api/pages/", json=PageFactory.body(**overrides)))


def field_of(response: httpx.Response) -> str | None:
    field: str | None = response.json()["extra"]["errors"][0]["field"]
    return field


# Reading -------------------------------------------------------------------------------------


def test_the_shipped_page_is_there_for_everyone(anon: httpx.Client) -> None:
    response = anon.get("/api/pages/lookup", params={"path": "/about/api/"})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["title"] == "About this API"
    assert page["content_type"] == "markdown" and page["is_published"] is True
    assert page["content"].startswith("# About this API\n")
    assert page["content_html"].startswith("<h1>About this API</h1>")
    assert anon.get(page["resource_uri"]).json() == page
    assert page["resource_uri"].endswith(f"/api/pages/{page['id']}")


def test_create_returns_raw_and_rendered_content_and_location(staff: httpx.Client) -> None:
    response = staff.post(
        "/api/pages/",
        json={
            "path": unique_root().strip("/") + "/Sub.page_~x",
            "title": "A page",
            "keywords": "alpha, beta",
            "description": "What it is.",
            "content": "Hi *there*.",
        },
    )
    assert response.status_code == 201, response.text
    page = response.json()
    assert page["path"].endswith("/Sub.page_~x/") and page["path"].startswith("/t-")
    assert page["content"] == "Hi *there*."
    assert page["content_html"] == "<p>Hi <em>there</em>.</p>"
    assert page["template_name"] == "pages/default.html"
    assert page["is_published"] is True and page["creator_id"] is not None
    assert page["created"] and page["updated"]
    assert response.headers["location"] == page["resource_uri"]


def test_list_paginates_with_total_and_links(staff: httpx.Client, anon: httpx.Client) -> None:
    root = unique_root()
    for name in ("a", "b", "c"):
        make_page(staff, path=f"{root}{name}/")
    response = anon.get("/api/pages/", params={"path": root, "limit": 2})
    assert response.status_code == 200
    assert [page["path"] for page in response.json()] == [f"{root}a/", f"{root}b/"]
    assert response.headers["x-total-count"] == "3"
    assert 'rel="next"' in response.headers["link"] and "offset=2" in response.headers["link"]
    second = anon.get("/api/pages/", params={"path": root, "limit": 2, "offset": 2}).json()
    assert [page["path"] for page in second] == [f"{root}c/"]


def test_path_filter_lists_a_page_and_those_under_it(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    root = unique_root()
    make_page(staff, path=root)
    make_page(staff, path=f"{root}child/")
    make_page(staff, path=root.rstrip("/") + "x/")  # shares the prefix but not the folder
    paths = [page["path"] for page in anon.get("/api/pages/", params={"path": root}).json()]
    assert paths == [root, f"{root}child/"]
    without_slashes = anon.get("/api/pages/", params={"path": root.strip("/")}).json()
    assert [page["path"] for page in without_slashes] == paths


def test_keywords_filter(staff: httpx.Client, anon: httpx.Client) -> None:
    root = unique_root()
    make_page(staff, path=f"{root}a/", keywords="governance, Board")
    make_page(staff, path=f"{root}b/", keywords="sponsors")
    found = anon.get("/api/pages/", params={"path": root, "keywords": "board"}).json()
    assert [page["path"] for page in found] == [f"{root}a/"]


def test_lookup_normalises_the_path_and_404s_for_none(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    page = make_page(staff)
    bare = page["path"].strip("/")
    assert anon.get("/api/pages/lookup", params={"path": bare}).json()["id"] == page["id"]
    missing = anon.get("/api/pages/lookup", params={"path": unique_root()})
    assert missing.status_code == 404
    assert missing.json()["status_code"] == 404 and "No page at path" in missing.json()["detail"]
    assert anon.get("/api/pages/lookup").status_code == 400


def test_unknown_id_is_404(anon: httpx.Client) -> None:
    assert anon.get(f"/api/pages/{2**63 - 1}").status_code == 404
    assert anon.get(f"/api/pages/{2**63}").status_code == 400  # past the id range
    assert anon.get("/api/pages/0").status_code == 400


# Markup --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "content", "expected"),
    [
        ("markdown", "# Title\n\n[link](https://www.python.org/)", "<h1>Title</h1>"),
        ("restructuredtext", "Some *emphasis* and ``code``.", "<em>emphasis</em>"),
        ("html", "<p>Kept <b>bold</b></p>", "<p>Kept <b>bold</b></p>"),
    ],
)
def test_each_markup_type_is_rendered(
    staff: httpx.Client, anon: httpx.Client, content_type: str, content: str, expected: str
) -> None:
    page = make_page(staff, content=content, content_type=content_type)
    assert page["content_type"] == content_type and page["content"] == content
    assert expected in page["content_html"]
    assert anon.get(page["resource_uri"]).json()["content_html"] == page["content_html"]


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("html", '<p onclick="steal()">x</p><script>alert(1)</script>'),
        ("markdown", '[x](javascript:alert(1))\n\n<img src=x onerror="alert(1)">'),
        (
            "restructuredtext",
            "`x <javascript:alert(1)>`_\n\n.. raw:: html\n\n   <script>y</script>",
        ),
    ],
)
def test_nothing_executable_is_stored(staff: httpx.Client, content_type: str, content: str) -> None:
    html = make_page(staff, content=content, content_type=content_type)["content_html"]
    assert executable_parts(html) == [], html
    assert "alert" not in html.replace("[x](javascript:alert(1))", "")  # kept only as text


def test_an_update_renders_again(staff: httpx.Client) -> None:
    page = make_page(staff, content="*one*")
    assert page["content_html"] == "<p><em>one</em></p>"
    changed = staff.patch(page["resource_uri"], json={"content": "**two**"}).json()
    assert changed["content_html"] == "<p><strong>two</strong></p>"
    as_html = staff.patch(page["resource_uri"], json={"content_type": "html"}).json()
    assert as_html["content_html"] == "**two**"
    retitled = staff.patch(page["resource_uri"], json={"title": "New title"}).json()
    assert retitled["content_html"] == "**two**" and retitled["title"] == "New title"


def test_an_unknown_markup_type_is_refused(staff: httpx.Client) -> None:
    response = staff.post(
        "/api/pages/", json={"path": unique_root(), "title": "x", "content_type": "latex"}
    )
    assert response.status_code == 400 and field_of(response) == "content_type"


# Paths ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/a/../b/",
        "/../etc/",
        "/a/./b/",
        "/.hidden/",
        "/a?x=1",
        "/a#top",
        "/a b/",
        "/a//b/",
        "/a%2e%2e/",
        "/a\\b/",
        "/a\u0001/",
        "/a\n/",
        "https://evil.example/",
        "/caf\u00e9/",
        "/" + "a" * 500 + "/",
    ],
)
def test_bad_paths_are_refused_naming_the_field(
    staff: httpx.Client, anon: httpx.Client, path: str
) -> None:
    response = staff.post("/api/pages/", json={"path": path, "title": "x"})
    assert response.status_code == 400, response.text
    assert field_of(response) == "path"
    lookup = anon.get("/api/pages/lookup", params={"path": path})
    assert lookup.status_code == 400
    assert field_of(lookup) == "path"


def test_paths_are_normalised_and_unique(staff: httpx.Client) -> None:
    root = unique_root()
    page = make_page(staff, path=root.strip("/") + "/x")
    assert page["path"] == f"{root}x/"
    again = staff.post("/api/pages/", json={"path": f"{root}x/", "title": "x"})
    assert again.status_code == 422 and field_of(again) == "path"
    other = make_page(staff, path=f"{root}y/")
    moved = staff.patch(other["resource_uri"], json={"path": f"/{root.strip('/')}/x"})
    assert moved.status_code == 422 and field_of(moved) == "path"
    renamed = staff.patch(other["resource_uri"], json={"path": f"{root}z"})
    assert renamed.status_code == 200 and renamed.json()["path"] == f"{root}z/"


def test_unknown_and_bad_fields_are_refused(staff: httpx.Client) -> None:
    unknown = staff.post("/api/pages/", json={"path": unique_root(), "title": "x", "slug": "y"})
    assert unknown.status_code == 400
    no_title = staff.post("/api/pages/", json={"path": unique_root(), "title": ""})
    assert no_title.status_code == 400 and field_of(no_title) == "title"
    control = staff.post("/api/pages/", json={"path": unique_root(), "title": "a\u0007b"})
    assert control.status_code == 400 and field_of(control) == "title"


# Guards --------------------------------------------------------------------------------------


def test_writes_need_staff(staff: httpx.Client, anon: httpx.Client, user: httpx.Client) -> None:
    page = make_page(staff)
    body = {"path": unique_root(), "title": "x"}
    assert anon.post("/api/pages/", json=body).status_code == 401
    assert user.post("/api/pages/", json=body).status_code == 403
    for client, status in ((anon, 401), (user, 403)):
        assert client.patch(page["resource_uri"], json={"title": "y"}).status_code == status
        assert client.patch(page["resource_uri"], json={"is_published": False}).status_code == (
            status
        )
        assert client.delete(page["resource_uri"]).status_code == status
    assert anon.get(page["resource_uri"]).json()["title"] == "About us"
    assert staff.get("/api/pages/lookup", params={"path": body["path"]}).status_code == 404


# Visibility ----------------------------------------------------------------------------------


def test_unpublished_pages_are_404_to_all_but_staff(
    staff: httpx.Client, anon: httpx.Client, user: httpx.Client
) -> None:
    root = unique_root()
    page = make_page(staff, path=f"{root}draft/", is_published=False)
    for client in (anon, user):
        assert client.get(page["resource_uri"]).status_code == 404
        assert client.get("/api/pages/lookup", params={"path": page["path"]}).status_code == 404
        listed = client.get("/api/pages/", params={"path": root})
        assert listed.json() == [] and listed.headers["x-total-count"] == "0"
    assert staff.get(page["resource_uri"]).json()["is_published"] is False
    assert staff.get("/api/pages/lookup", params={"path": page["path"]}).json()["id"] == page["id"]
    assert [p["id"] for p in staff.get("/api/pages/", params={"path": root}).json()] == [page["id"]]


def test_publish_and_unpublish_with_a_patch(staff: httpx.Client, anon: httpx.Client) -> None:
    page = make_page(staff, is_published=False)
    assert anon.get(page["resource_uri"]).status_code == 404
    published = staff.patch(page["resource_uri"], json={"is_published": True})
    assert published.status_code == 200 and published.json()["is_published"] is True
    assert anon.get(page["resource_uri"]).json()["id"] == page["id"]
    assert staff.patch(page["resource_uri"], json={"is_published": False}).status_code == 200
    assert anon.get(page["resource_uri"]).status_code == 404


def test_is_published_filter_narrows_what_the_caller_may_see(
    staff: httpx.Client, anon: httpx.Client, user: httpx.Client
) -> None:
    root = unique_root()
    shown = make_page(staff, path=f"{root}shown/")
    hidden = make_page(staff, path=f"{root}hidden/", is_published=False)

    def ids(client: httpx.Client, published: str) -> list[int]:
        params = {"path": root, "is_published": published}
        return [page["id"] for page in client.get("/api/pages/", params=params).json()]

    assert ids(staff, "false") == [hidden["id"]]
    assert ids(staff, "true") == [shown["id"]]
    for client in (anon, user):
        assert ids(client, "true") == [shown["id"]]
        assert ids(client, "false") == []


# Search --------------------------------------------------------------------------------------


def test_search_finds_published_pages_only(
    staff: httpx.Client, anon: httpx.Client, user: httpx.Client
) -> None:
    word = f"zq{token()}"
    shown = make_page(staff, content=f"All about {word} here.")
    hidden = make_page(staff, content=f"Secret {word} plans.", is_published=False)
    titled = make_page(staff, title=f"The {word} page", content="Nothing.")
    for client in (anon, user, staff):
        found = client.get("/api/pages/", params={"q": word})
        assert [page["id"] for page in found.json()] == [titled["id"], shown["id"]]
        assert found.headers["x-total-count"] == "2"
    staff.patch(hidden["resource_uri"], json={"is_published": True})
    assert {p["id"] for p in anon.get("/api/pages/", params={"q": word}).json()} == {
        shown["id"],
        hidden["id"],
        titled["id"],
    }
    staff.patch(shown["resource_uri"], json={"is_published": False})
    staff.delete(titled["resource_uri"])
    assert [p["id"] for p in anon.get("/api/pages/", params={"q": word}).json()] == [hidden["id"]]


def test_search_reads_text_not_markup_and_changes_with_the_content(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    word = f"zr{token()}"
    page = make_page(staff, content=f"<p class='{word}'>plain</p>", content_type="html")
    assert anon.get("/api/pages/", params={"q": word}).json() == []
    staff.patch(page["resource_uri"], json={"content": f"<p>{word}</p>"})
    assert [p["id"] for p in anon.get("/api/pages/", params={"q": word}).json()] == [page["id"]]
    assert anon.get("/api/pages/", params={"q": "?!"}).json() == []


# Deleting ------------------------------------------------------------------------------------


def test_staff_delete(staff: httpx.Client, anon: httpx.Client) -> None:
    page = make_page(staff)
    response = staff.delete(page["resource_uri"])
    assert response.status_code == 204
    assert anon.get(page["resource_uri"]).status_code == 404
    assert staff.get(page["resource_uri"]).status_code == 404
    assert staff.delete(page["resource_uri"]).status_code == 404
