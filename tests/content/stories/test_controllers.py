"""Success stories and story categories over HTTP on both engines: the seeded facts, the
review of users' submissions, visibility, rendering, search and every guard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pydotorg.data import load
from tests.factories import StoryFactory, token
from tests.support import LiveServer, created_json, new_user

STORIES = "/api/v1/success-stories"
CATEGORIES = "/api/v1/story-categories"
PASSWORD = "success story passphrase 2026"


@pytest.fixture
def submitter(server: LiveServer) -> Iterator[httpx.Client]:
    """A freshly registered user, signed in with a JWT."""
    with new_user(server, PASSWORD) as client:
        yield client


def submit(client: httpx.Client, **overrides: object) -> dict[str, Any]:
    return created_json(client.post(f"{STORIES}/submit", json=StoryFactory.body(**overrides)))


def create(staff: httpx.Client, **overrides: object) -> dict[str, Any]:
    return created_json(staff.post(f"{STORIES}/", json=StoryFactory.body(**overrides)))


def errors(response: httpx.Response) -> list[str | None]:
    return [error["field"] for error in response.json()["extra"]["errors"]]


# The seeded stories ---------------------------------------------------------------------------


def test_the_legacy_stories_are_seeded_with_their_facts_and_no_prose(anon: httpx.Client) -> None:
    response = anon.get(f"{STORIES}/slug/acqutek")
    assert response.status_code == 200
    acqutek = response.json()
    assert acqutek["name"] == "Acqutek Uses Python to Control CD/DVD Packaging Hardware"
    assert acqutek["company_name"] == "acqu.com"
    assert acqutek["company_url"] == "http://www.acqu.com"
    assert acqutek["category"]["slug"] == "business"
    assert acqutek["author"] == "Jau-Ann Chen"
    assert acqutek["date"] == "2006-10-23"
    assert acqutek["source_url"] == "https://www.python.org/about/success/acqutek/"
    assert acqutek["summary"] == acqutek["pull_quote"] == ""
    assert acqutek["content"] == (
        "acqu.com success story, Business, 2006-10-23; read it on python.org: "
        "<https://www.python.org/about/success/acqutek/>"
    )
    assert 'href="https://www.python.org/about/success/acqutek/"' in acqutek["content_html"]
    assert acqutek["status"] == "approved" and acqutek["is_published"] is True
    assert acqutek["author_email"] is None

    every = anon.get(f"{STORIES}/", params={"limit": 1000}).json()
    seeded = {s["slug"]: s for s in every if s["source_url"].startswith("https://www.python.org")}
    assert len(seeded) == len(load("success_stories")) == 42
    for record in load("success_stories"):
        assert seeded[record["slug"]]["name"] == record["name"]
        assert seeded[record["slug"]]["summary"] == ""
        assert len(seeded[record["slug"]]["content"]) < 200
        assert set(record) == {
            "slug", "name", "company_name", "company_url", "category", "categories",
            "author", "date", "url", "source",
        }  # fmt: skip


def test_the_gravityzoo_story_keeps_its_named_web_site(anon: httpx.Client) -> None:
    gravityzoo = anon.get(f"{STORIES}/slug/gravityzoo").json()
    assert gravityzoo["company_name"] == "GravityZoo"
    assert gravityzoo["company_url"] == "http://www.gravityzoo.com"


def test_categories_are_seeded_and_read_by_id_and_slug(anon: httpx.Client) -> None:
    response = anon.get(f"{CATEGORIES}/")
    assert response.status_code == 200
    names = [c["name"] for c in response.json()]
    assert {"Arts", "Business", "Education", "Engineering", "Government", "Scientific",
            "Software Development"} <= set(names)  # fmt: skip
    business = anon.get(f"{CATEGORIES}/slug/business").json()
    assert business["name"] == "Business"
    assert anon.get(f"{CATEGORIES}/{business['id']}").json() == business
    assert business["resource_uri"].endswith(f"{CATEGORIES}/{business['id']}")
    assert anon.get(f"{CATEGORIES}/slug/no-such-field").status_code == 404
    assert anon.get(f"{CATEGORIES}/999999").status_code == 404


def test_list_filters_by_category_id_or_slug_and_featured(
    anon: httpx.Client, staff: httpx.Client
) -> None:
    scientific = anon.get(f"{CATEGORIES}/slug/scientific").json()
    by_slug = anon.get(f"{STORIES}/", params={"category": "scientific"})
    by_id = anon.get(f"{STORIES}/", params={"category": str(scientific["id"])})
    assert by_slug.json() == by_id.json()
    assert by_slug.json() and all(s["category"]["slug"] == "scientific" for s in by_slug.json())
    assert int(by_slug.headers["x-total-count"]) == len(by_slug.json())
    assert anon.get(f"{STORIES}/", params={"category": "nothing-here"}).json() == []

    featured = create(staff, featured=True, category_id=scientific["id"])
    listed = anon.get(f"{STORIES}/", params={"featured": "true"}).json()
    assert featured["id"] in [s["id"] for s in listed]
    assert all(s["featured"] for s in listed)
    others = anon.get(f"{STORIES}/", params={"featured": "false", "limit": 1000}).json()
    assert featured["id"] not in [s["id"] for s in others]


def test_pagination_headers(anon: httpx.Client) -> None:
    response = anon.get(f"{STORIES}/", params={"limit": 5, "offset": 5})
    assert len(response.json()) == 5
    assert int(response.headers["x-total-count"]) >= 42
    assert 'rel="next"' in response.headers["link"] and 'rel="prev"' in response.headers["link"]


def test_unknown_stories_are_404(anon: httpx.Client) -> None:
    assert anon.get(f"{STORIES}/99999999").status_code == 404
    assert anon.get(f"{STORIES}/slug/no-such-story").status_code == 404


# Staff writes and rendering -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "content", "expected"),
    [
        ("markdown", "# Title\n\nPython *rocks*.", "<em>rocks</em>"),
        ("restructuredtext", "Python **rocks**.\n\n* one\n* two", "<strong>rocks</strong>"),
        ("html", "<p>Python <b>rocks</b></p>", "<b>rocks</b>"),
    ],
)
def test_content_is_rendered_on_write_per_markup(
    staff: httpx.Client, anon: httpx.Client, content_type: str, content: str, expected: str
) -> None:
    created = create(staff, content=content, content_type=content_type)
    assert created["content"] == content and created["content_type"] == content_type
    assert expected in created["content_html"]
    assert anon.get(created["resource_uri"]).json()["content_html"] == created["content_html"]


def test_rendered_content_is_sanitised_and_rerendered_on_update(staff: httpx.Client) -> None:
    created = create(
        staff,
        content='<p onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:x()">y</a>',
        content_type="html",
    )
    html = created["content_html"]
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    as_rst = staff.patch(created["resource_uri"], json={"content_type": "restructuredtext"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in as_rst.json()["content_html"]
    updated = staff.patch(created["resource_uri"], json={"content": "**bold**"}).json()
    assert updated["content_html"] == "<p><strong>bold</strong></p>"


def test_a_body_nested_too_deep_to_render_is_refused_naming_content(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    name = f"Too Deep {token()}"
    nested = "\n\n".join("  " * depth + "* x" for depth in range(250))
    response = staff.post(
        f"{STORIES}/",
        json=StoryFactory.body(name=name, content=nested, content_type="restructuredtext"),
    )
    assert response.status_code == 422 and errors(response) == ["content"]
    assert anon.get(f"{STORIES}/", params={"q": name.split()[-1]}).json() == []


def test_staff_crud(staff: httpx.Client, anon: httpx.Client) -> None:
    created = create(staff, slug=f"acme-{token()}", pull_quote="It just works.")
    assert created["status"] == "approved" and created["is_published"]
    assert created["pull_quote"] == "It just works."
    assert anon.get(f"{STORIES}/slug/{created['slug']}").json()["id"] == created["id"]
    updated = staff.patch(created["resource_uri"], json={"company_name": "Acme Corp"})
    assert updated.status_code == 200 and updated.json()["company_name"] == "Acme Corp"
    assert staff.delete(created["resource_uri"]).status_code == 204
    assert anon.get(created["resource_uri"]).status_code == 404


def test_slugs_are_made_from_names_and_kept_unique(staff: httpx.Client) -> None:
    name = f"Same Name {token()}"
    first, second = create(staff, name=name), create(staff, name=name)
    assert first["slug"] == name.lower().replace(" ", "-")
    assert second["slug"] == f"{first['slug']}-2"
    duplicate = staff.post(f"{STORIES}/", json=StoryFactory.body(slug=first["slug"]))
    assert duplicate.status_code == 422 and errors(duplicate) == ["slug"]


def test_bad_input_is_refused_naming_the_field(staff: httpx.Client) -> None:
    response = staff.post(f"{STORIES}/", json=StoryFactory.body(category_id=999999))
    assert response.status_code == 422 and errors(response) == ["category_id"]
    response = staff.post(f"{STORIES}/", json=StoryFactory.body(date="1066-10-14"))
    assert response.status_code == 422 and errors(response) == ["date"]
    response = staff.post(f"{STORIES}/", json=StoryFactory.body(company_url="javascript:alert(1)"))
    assert response.status_code == 400 and errors(response) == ["company_url"]
    response = staff.post(f"{STORIES}/", json=StoryFactory.body(content_type="latex"))
    assert response.status_code == 400 and errors(response) == ["content_type"]
    response = staff.post(f"{STORIES}/", json=StoryFactory.body(name=""))
    assert response.status_code == 400 and errors(response) == ["name"]
    response = staff.post(f"{STORIES}/", json=StoryFactory.body(status="approved"))
    assert response.status_code == 400


# Submissions and their review -----------------------------------------------------------------


def test_a_submission_is_pending_and_hidden_until_approved(
    submitter: httpx.Client, user: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    pending = submit(submitter)
    uri = pending["resource_uri"]
    assert pending["status"] == "pending" and pending["is_published"] is False
    assert pending["author_email"] == "ada@acme.example" and pending["creator_id"] is not None
    for client in (anon, user):
        assert client.get(uri).status_code == 404
        assert client.get(f"{STORIES}/slug/{pending['slug']}").status_code == 404
        listed = client.get(f"{STORIES}/", params={"limit": 1000}).json()
        assert pending["id"] not in [s["id"] for s in listed]
    assert submitter.get(uri).json()["status"] == "pending"
    mine = submitter.get(f"{STORIES}/", params={"status": "pending"}).json()
    assert [s["id"] for s in mine] == [pending["id"]]
    assert pending["id"] in [s["id"] for s in staff.get(f"{STORIES}/?status=pending").json()]

    approved = staff.post(f"{uri}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    public = anon.get(uri).json()
    assert public["is_published"] is True
    assert public["author_email"] is None and public["creator_id"] is None
    assert public["review_note"] is None


def test_rejection_reason_reaches_the_submitter_who_may_resubmit(
    submitter: httpx.Client, user: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    uri = submit(submitter)["resource_uri"]
    assert staff.post(f"{uri}/reject", json={}).status_code == 400
    rejected = staff.post(f"{uri}/reject", json={"reason": "Tell us what Python did."})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert submitter.get(uri).json()["review_note"] == "Tell us what Python did."
    assert anon.get(uri).status_code == 404 and user.get(uri).status_code == 404

    edited = submitter.patch(uri, json={"content": "Python did *everything*."})
    assert edited.status_code == 200 and edited.json()["status"] == "rejected"
    assert "<em>everything</em>" in edited.json()["content_html"]
    again = submitter.post(f"{uri}/resubmit")
    assert again.status_code == 200 and again.json()["status"] == "pending"
    assert staff.post(f"{uri}/approve").json()["review_note"] == ""
    assert anon.get(uri).status_code == 200


def test_moves_not_allowed_now_are_409_naming_the_allowed_ones(
    submitter: httpx.Client, staff: httpx.Client
) -> None:
    uri = submit(submitter)["resource_uri"]
    response = submitter.post(f"{uri}/resubmit")
    assert response.status_code == 409
    assert response.json()["extra"] == {"status": "pending", "allowed_actions": []}
    assert staff.post(f"{uri}/approve").status_code == 200
    response = staff.post(f"{uri}/approve")
    assert response.status_code == 409
    assert response.json()["extra"] == {"status": "approved", "allowed_actions": ["reject"]}
    assert staff.get(uri).json()["status"] == "approved"


def test_submitters_edit_only_pending_or_rejected_and_never_feature(
    submitter: httpx.Client, staff: httpx.Client
) -> None:
    uri = submit(submitter)["resource_uri"]
    assert submitter.patch(uri, json={"author": "Grace Hopper"}).json()["author"] == "Grace Hopper"
    assert submitter.patch(uri, json={"featured": True}).status_code == 403
    assert staff.post(f"{uri}/approve").status_code == 200
    response = submitter.patch(uri, json={"author": "Someone Else"})
    assert response.status_code == 409
    assert response.json()["extra"]["status"] == "approved"
    assert staff.get(uri).json()["author"] == "Grace Hopper"
    assert staff.patch(uri, json={"featured": True}).json()["featured"] is True


def test_a_submitters_slug_never_names_a_hidden_story(
    server: LiveServer, submitter: httpx.Client, staff: httpx.Client
) -> None:
    """Issue 24: renaming one's story to a taken slug was a 422 naming the (pending) story
    that held it. A submitter gets the next free slug instead; staff are told."""
    hidden = submit(submitter)
    with new_user(server, PASSWORD) as someone:
        mine = submit(someone)
        assert someone.get(f"{STORIES}/slug/{hidden['slug']}").status_code == 404
        response = someone.patch(mine["resource_uri"], json={"slug": hidden["slug"]})
        assert response.status_code == 200, response.text
        assert response.json()["slug"] == f"{hidden['slug']}-2"
    taken = staff.patch(mine["resource_uri"], json={"slug": hidden["slug"]})
    assert taken.status_code == 422 and errors(taken) == ["slug"]


def test_write_guards(
    submitter: httpx.Client, user: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    assert anon.post(f"{STORIES}/", json=StoryFactory.body()).status_code == 401
    assert user.post(f"{STORIES}/", json=StoryFactory.body()).status_code == 403
    assert anon.post(f"{STORIES}/submit", json=StoryFactory.body()).status_code == 401
    public = create(staff)["resource_uri"]
    for response in (
        anon.patch(public, json={"author": "X"}),
        anon.delete(public),
        anon.post(f"{public}/approve"),
        anon.post(f"{public}/reject", json={"reason": "no"}),
        anon.post(f"{public}/resubmit"),
    ):
        assert response.status_code == 401
    assert user.patch(public, json={"author": "X"}).status_code == 403
    assert user.delete(public).status_code == 403
    assert user.post(f"{public}/reject", json={"reason": "no"}).status_code == 403
    assert user.post(f"{public}/resubmit").status_code == 403

    pending = submit(submitter)["resource_uri"]
    assert user.patch(pending, json={"author": "X"}).status_code == 404
    assert user.delete(pending).status_code == 404
    assert user.post(f"{pending}/approve").status_code == 403  # the staff guard comes first
    assert submitter.post(f"{pending}/approve").status_code == 403
    assert staff.get(pending).json()["author"] == "Ada Lovelace"


def test_submitters_delete_their_own_stories(submitter: httpx.Client, staff: httpx.Client) -> None:
    uri = submit(submitter)["resource_uri"]
    assert submitter.delete(uri).status_code == 204
    assert staff.get(uri).status_code == 404


# Search ---------------------------------------------------------------------------------------


def test_search_finds_approved_stories_only(
    submitter: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    word = f"zq{token()}"
    pending = submit(submitter, content=f"We used {word} daily.")
    for client in (anon, submitter, staff):
        assert client.get(f"{STORIES}/", params={"q": word}).json() == []
    staff.post(f"{pending['resource_uri']}/approve")
    found = anon.get(f"{STORIES}/", params={"q": word})
    assert [s["id"] for s in found.json()] == [pending["id"]]
    assert found.headers["x-total-count"] == "1"
    staff.post(f"{pending['resource_uri']}/reject", json={"reason": "Taken down."})
    assert staff.get(f"{STORIES}/", params={"q": word}).json() == []


def test_search_finds_seeded_stories_by_name_and_ranks_them(anon: httpx.Client) -> None:
    found = anon.get(f"{STORIES}/", params={"q": "Rackspace"}).json()
    assert found[0]["slug"] == "rackspace"
    assert anon.get(f"{STORIES}/", params={"q": "!!!"}).json() == []


# Categories -----------------------------------------------------------------------------------


def test_category_crud_and_guards(
    staff: httpx.Client, user: httpx.Client, anon: httpx.Client
) -> None:
    name = f"Field {token()}"
    assert anon.post(f"{CATEGORIES}/", json={"name": name}).status_code == 401
    assert user.post(f"{CATEGORIES}/", json={"name": name}).status_code == 403
    response = staff.post(f"{CATEGORIES}/", json={"name": name})
    assert response.status_code == 201
    category = response.json()
    assert category["slug"] == name.lower().replace(" ", "-")
    again = staff.post(f"{CATEGORIES}/", json={"name": name})
    assert again.status_code == 422 and errors(again) == ["name"]
    uri = category["resource_uri"]
    assert anon.patch(uri, json={"name": "X"}).status_code == 401
    assert user.patch(uri, json={"name": "X"}).status_code == 403
    assert staff.patch(uri, json={"name": "Renamed"}).json()["name"] == "Renamed"
    used = create(staff, category_id=category["id"])
    assert anon.delete(uri).status_code == 401
    assert user.delete(uri).status_code == 403
    refused = staff.delete(uri)
    assert refused.status_code == 409 and refused.json()["extra"]["stories"] == 1
    assert staff.delete(used["resource_uri"]).status_code == 204
    assert staff.delete(uri).status_code == 204
    assert anon.get(uri).status_code == 404


# Documentation --------------------------------------------------------------------------------


def test_submissions_are_critical_and_counted_apart(anon: httpx.Client) -> None:
    paths = anon.get("/api/openapi.json").json()["paths"]
    submit_doc = paths[f"{STORIES}/submit"]["post"]["description"]
    assert "CRITICAL tier" in submit_doc and "counted apart for submissions" in submit_doc
    resubmit = paths[f"{STORIES}/{{story_id}}/resubmit"]["post"]["description"]
    assert "CRITICAL tier" in resubmit and "counted apart for submissions" in resubmit
    assert "LOW tier" in paths[f"{STORIES}"]["get"]["description"]
    assert "HIGH tier" in paths[f"{STORIES}"]["post"]["description"]
