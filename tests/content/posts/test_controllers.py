"""Community posts over HTTP on both engines: drafts, review, visibility, rendering, media and
link URLs, search and every guard."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.factories import PostFactory, token
from tests.support import LiveServer, created_json, new_user, seeded_server

POSTS = "/api/v1/community/posts"
PASSWORD = "community post passphrase 2026"


@pytest.fixture
def author(server: LiveServer) -> Iterator[httpx.Client]:
    """A freshly registered user, signed in with a JWT."""
    with new_user(server, PASSWORD) as client:
        yield client


def create(client: httpx.Client, **overrides: object) -> dict[str, Any]:
    return created_json(client.post(f"{POSTS}/", json=PostFactory.body(**overrides)))


def published(author: httpx.Client, staff: httpx.Client, **overrides: object) -> dict[str, Any]:
    draft = create(author, **overrides)
    assert author.post(f"{draft['resource_uri']}/submit").status_code == 200
    response = staff.post(f"{draft['resource_uri']}/approve")
    assert response.status_code == 200, response.text
    approved: dict[str, Any] = response.json()
    return approved


def errors(response: httpx.Response) -> list[str | None]:
    return [error["field"] for error in response.json()["extra"]["errors"]]


def test_a_draft_is_its_authors_until_approved(
    author: httpx.Client, user: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    draft = create(author)
    uri = draft["resource_uri"]
    assert draft["status"] == "draft" and draft["published"] is None
    assert draft["links"] == ["https://us.pycon.org/"]
    assert draft["media"] == [
        {"kind": "image", "url": "https://example.org/talk.png", "caption": "The talk"},
        {"kind": "video", "url": "http://example.org/talk.mp4", "caption": ""},
    ]
    me = author.get("/api/auth/me").json()
    assert draft["author"] == {"id": me["id"], "username": me["username"]}
    for client in (anon, user):
        assert client.get(uri).status_code == 404
        assert client.get(f"{POSTS}/slug/{draft['slug']}").status_code == 404
        assert draft["id"] not in [p["id"] for p in client.get(f"{POSTS}/?limit=1000").json()]
    assert author.get(uri).json()["status"] == "draft"
    assert author.get(f"{POSTS}/slug/{draft['slug']}").json()["id"] == draft["id"]
    assert staff.get(uri).status_code == 200

    submitted = author.post(f"{uri}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "pending"
    assert submitted.json()["submitted"] is not None
    assert anon.get(uri).status_code == 404
    queue = staff.get(f"{POSTS}/", params={"status": "pending", "limit": 1000}).json()
    assert draft["id"] in [p["id"] for p in queue]

    approved = staff.post(f"{uri}/approve").json()
    assert approved["status"] == "approved" and approved["published"] is not None
    public = anon.get(uri).json()
    assert public["title"] == draft["title"]
    assert public["review_note"] is None and public["submitted"] is None
    listed = anon.get(f"{POSTS}/", params={"author": me["id"]})
    assert [p["id"] for p in listed.json()] == [draft["id"]]
    assert listed.headers["x-total-count"] == "1"


def test_rejection_reason_reaches_the_author_who_may_edit_and_submit_again(
    author: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    uri = published(author, staff)["resource_uri"]
    rejected = staff.post(f"{uri}/reject", json={"reason": "Please add a caption."})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert anon.get(uri).status_code == 404
    assert author.get(uri).json()["review_note"] == "Please add a caption."
    edited = author.patch(
        uri, json={"media": [{"kind": "link", "url": "https://x.org/", "caption": "A"}]}
    )
    assert edited.status_code == 200 and edited.json()["media"][0]["caption"] == "A"
    assert author.post(f"{uri}/submit").json()["status"] == "pending"
    assert staff.post(f"{uri}/approve").json()["review_note"] == ""
    assert anon.get(uri).json()["media"][0]["kind"] == "link"


def test_moves_not_allowed_now_are_409_naming_the_allowed_ones(
    author: httpx.Client, staff: httpx.Client
) -> None:
    uri = create(author)["resource_uri"]
    response = staff.post(f"{uri}/approve")
    assert response.status_code == 409
    assert response.json()["extra"] == {"status": "draft", "allowed_actions": []}
    author.post(f"{uri}/submit")
    response = author.post(f"{uri}/submit")
    assert response.status_code == 409
    assert response.json()["extra"] == {"status": "pending", "allowed_actions": []}
    staff.post(f"{uri}/approve")
    response = staff.post(f"{uri}/approve")
    assert response.status_code == 409
    assert response.json()["extra"] == {"status": "approved", "allowed_actions": ["reject"]}


def test_authors_edit_only_drafts_and_rejected_posts(
    author: httpx.Client, staff: httpx.Client
) -> None:
    uri = create(author)["resource_uri"]
    assert author.patch(uri, json={"title": "Renamed"}).json()["title"] == "Renamed"
    author.post(f"{uri}/submit")
    response = author.patch(uri, json={"title": "Again"})
    assert response.status_code == 409 and response.json()["extra"]["status"] == "pending"
    assert staff.patch(uri, json={"title": "Staff fix"}).json()["title"] == "Staff fix"


@pytest.mark.parametrize(
    ("content_type", "content", "expected"),
    [
        ("markdown", "Python *rocks*.", "<p>Python <em>rocks</em>.</p>"),
        ("restructuredtext", "Python **rocks**.", "<strong>rocks</strong>"),
        (
            "html",
            '<p>Python <b onmouseover="x()">rocks</b><script>x()</script></p>',
            "<p>Python <b>rocks</b></p>",
        ),
    ],
)
def test_content_is_rendered_on_write_per_markup(
    author: httpx.Client, content_type: str, content: str, expected: str
) -> None:
    created = create(author, content=content, content_type=content_type)
    assert expected in created["content_html"]
    assert "script" not in created["content_html"]
    assert author.get(created["resource_uri"]).json()["content_html"] == created["content_html"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"links": ["javascript:alert(1)"]}, "links[0]"),
        ({"links": ["https://ok.example/", "data:text/html,<script>x()</script>"]}, "links[1]"),
        ({"links": ["ftp://files.example/"]}, "links[0]"),
        ({"media": [{"kind": "image", "url": "javascript:alert(1)"}]}, "media[0].url"),
        (
            {
                "media": [
                    {"kind": "link", "url": "https://a.example/"},
                    {"kind": "image", "url": "data:image/png;base64,AAAA"},
                ]
            },
            "media[1].url",
        ),
        ({"media": [{"kind": "video", "url": "https://"}]}, "media[0].url"),
    ],
)
def test_unsafe_urls_are_refused_naming_the_field(
    author: httpx.Client, staff: httpx.Client, overrides: dict[str, Any], field: str
) -> None:
    response = author.post(f"{POSTS}/", json=PostFactory.body(**overrides))
    assert response.status_code == 422
    assert errors(response) == [field]
    uri = create(author)["resource_uri"]
    response = author.patch(uri, json=overrides)
    assert response.status_code == 422 and errors(response) == [field]
    assert author.get(uri).json()["links"] == ["https://us.pycon.org/"]


def test_malformed_media_is_refused(author: httpx.Client) -> None:
    response = author.post(
        f"{POSTS}/", json=PostFactory.body(media=[{"kind": "audio", "url": "https://a.b/"}])
    )
    assert response.status_code == 400
    response = author.post(f"{POSTS}/", json=PostFactory.body(media=[{"kind": "image"}]))
    assert response.status_code == 400
    response = author.post(f"{POSTS}/", json=PostFactory.body(title=""))
    assert response.status_code == 400 and errors(response) == ["title"]


def test_write_guards(
    author: httpx.Client, user: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    assert anon.post(f"{POSTS}/", json=PostFactory.body()).status_code == 401
    public = published(author, staff)["resource_uri"]
    for response in (
        anon.patch(public, json={"title": "X"}),
        anon.delete(public),
        anon.post(f"{public}/submit"),
        anon.post(f"{public}/approve"),
        anon.post(f"{public}/reject", json={"reason": "no"}),
    ):
        assert response.status_code == 401
    assert user.patch(public, json={"title": "X"}).status_code == 403
    assert user.delete(public).status_code == 403
    assert user.post(f"{public}/submit").status_code == 403
    assert user.post(f"{public}/reject", json={"reason": "no"}).status_code == 403
    assert author.post(f"{public}/reject", json={"reason": "no"}).status_code == 403

    draft = create(author)["resource_uri"]
    assert user.patch(draft, json={"title": "X"}).status_code == 404
    assert user.delete(draft).status_code == 404
    assert user.post(f"{draft}/submit").status_code == 404
    assert staff.get(draft).json()["status"] == "draft"


def test_authors_and_staff_delete_posts(
    author: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    mine = create(author)["resource_uri"]
    assert author.delete(mine).status_code == 204
    assert staff.get(mine).status_code == 404
    public = published(author, staff)["resource_uri"]
    assert staff.delete(public).status_code == 204
    assert anon.get(public).status_code == 404


def test_search_finds_approved_posts_only(
    author: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    word = f"zq{token()}"
    draft = create(author, content=f"All about {word}.")
    uri = draft["resource_uri"]
    author.post(f"{uri}/submit")
    for client in (anon, author, staff):
        assert client.get(f"{POSTS}/", params={"q": word}).json() == []
    staff.post(f"{uri}/approve")
    found = anon.get(f"{POSTS}/", params={"q": word})
    assert [p["id"] for p in found.json()] == [draft["id"]]
    assert found.headers["x-total-count"] == "1"
    staff.post(f"{uri}/reject", json={"reason": "Off topic."})
    assert staff.get(f"{POSTS}/", params={"q": word}).json() == []


def test_slugs_are_unique(author: httpx.Client) -> None:
    title = f"Same Title {token()}"
    first, second = create(author, title=title), create(author, title=title)
    assert second["slug"] == f"{first['slug']}-2"
    chosen = create(author, slug=first["slug"])
    assert chosen["slug"] == f"{first['slug']}-3"
    renamed = author.patch(chosen["resource_uri"], json={"slug": second["slug"]})
    assert renamed.status_code == 200 and renamed.json()["slug"] == f"{second['slug']}-2"
    kept = author.patch(chosen["resource_uri"], json={"slug": renamed.json()["slug"]})
    assert kept.status_code == 200 and kept.json()["slug"] == renamed.json()["slug"]


def test_a_taken_slug_never_names_another_users_draft(
    server: LiveServer, author: httpx.Client
) -> None:
    """Issue 24: "A post with slug ... already exists" told anyone the slugs of other users'
    drafts. A chosen slug that is taken is made free instead, whoever holds it."""
    draft = create(author)
    with new_user(server, PASSWORD) as someone:
        assert someone.get(f"{POSTS}/slug/{draft['slug']}").status_code == 404
        response = someone.post(f"{POSTS}/", json=PostFactory.body(slug=draft["slug"]))
        assert response.status_code == 201, response.text
        assert response.json()["slug"] == f"{draft['slug']}-2"
        assert "already exists" not in response.text
    longest = create(author, slug="a" * 190 + token())["slug"]
    again = create(author, slug=longest)["slug"]
    assert again == f"{longest[:192]}-2"  # within the 200 characters a slug may have


def test_pagination_and_unknown_posts(anon: httpx.Client, author: httpx.Client) -> None:
    assert anon.get(f"{POSTS}/99999999").status_code == 404
    assert anon.get(f"{POSTS}/slug/no-such-post").status_code == 404
    response = anon.get(f"{POSTS}/", params={"limit": 1})
    assert response.status_code == 200 and "x-total-count" in response.headers


def test_tiers_are_documented(anon: httpx.Client) -> None:
    paths = anon.get("/api/openapi.json").json()["paths"]
    assert "MEDIUM tier" in paths[POSTS]["post"]["description"]
    assert "MEDIUM tier" in paths[f"{POSTS}/{{post_id}}"]["patch"]["description"]
    assert "MEDIUM tier" in paths[f"{POSTS}/{{post_id}}"]["delete"]["description"]
    submit = paths[f"{POSTS}/{{post_id}}/submit"]["post"]["description"]
    assert "CRITICAL tier" in submit and "counted apart for submissions" in submit
    assert "LOW tier" in paths[POSTS]["get"]["description"]


# Bodies whose rendering costs a second of CPU or more (docutils: quadratic), each
# within the 100,000 characters a body may have.
COSTLY_BODIES = {
    "restructuredtext": ".. _a:\n\n" * 11111,
    "markdown": "![" * 50000,
}


@pytest.fixture(scope="module")
def tight_budget(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose render budget (0.1 s of CPU) the costly bodies exceed many times over
    on any machine (the markdown one takes about 1.3 s here, within the default 1.5 s)."""
    var_dir = tmp_path_factory.mktemp("var-tight-budget")
    with seeded_server("sqlite", var_dir, render_budget=0.1) as live:
        yield live


@pytest.mark.parametrize("content_type", sorted(COSTLY_BODIES))
def test_a_body_over_the_render_budget_is_refused_naming_content(
    tight_budget: LiveServer, content_type: str
) -> None:
    with new_user(tight_budget, PASSWORD) as author, tight_budget.client("staff") as staff:
        refused_then_kept(author, staff, content_type)


def refused_then_kept(author: httpx.Client, staff: httpx.Client, content_type: str) -> None:
    body = PostFactory.body(content=COSTLY_BODIES[content_type], content_type=content_type)
    response = author.post(f"{POSTS}/", json=body)
    assert response.status_code == 422, response.text[:300]
    assert errors(response) == ["content"]
    assert "to render" in response.json()["extra"]["errors"][0]["message"]
    # The killed worker was replaced: the next body renders.
    kept = create(author, content="*still* rendered")
    assert kept["content_html"] == "<p><em>still</em> rendered</p>"
    mine = {"author": kept["author"]["id"], "status": "draft", "limit": 1000}
    assert [p["id"] for p in staff.get(f"{POSTS}/", params=mine).json()] == [kept["id"]]


@pytest.fixture(scope="module")
def one_renderer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with a single render worker."""
    var_dir = tmp_path_factory.mktemp("var-one-renderer")
    with seeded_server("sqlite", var_dir, render_workers=1, render_budget=2.0) as live:
        yield live


def test_renders_beyond_the_workers_wait_briefly_then_503(one_renderer: LiveServer) -> None:
    slow = PostFactory.body(
        content=COSTLY_BODIES["restructuredtext"], content_type="restructuredtext"
    )
    with (
        new_user(one_renderer, PASSWORD) as first,
        new_user(one_renderer, PASSWORD) as second,
        ThreadPoolExecutor(1) as pool,
    ):
        running = pool.submit(first.post, f"{POSTS}/", json=slow)
        time.sleep(0.8)  # the first render holds the only worker for its 2 s budget
        refused = second.post(f"{POSTS}/", json=PostFactory.body())
        assert refused.status_code == 503, refused.text[:300]
        assert refused.headers["Retry-After"] == "1"
        assert running.result().status_code == 422
        assert second.post(f"{POSTS}/", json=PostFactory.body()).status_code == 201
