"""The job board over HTTP on both engines: the guide's examples, visibility and every guard."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import feedparser
import httpx
import pytest

from pydotorg.data import load
from tests.factories import JobFactory, JobTypeFactory, token
from tests.search.support import word as search_word
from tests.support import LiveServer, created_json, new_user, now

PASSWORD = "job board passphrase 2026"


@pytest.fixture
def poster(server: LiveServer) -> Iterator[httpx.Client]:
    """A freshly registered user, signed in with a JWT."""
    with new_user(server, PASSWORD) as client:
        yield client


@pytest.fixture
def other(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client("user") as client:
        yield client


def create(poster: httpx.Client, **overrides: object) -> dict[str, Any]:
    return created_json(poster.post("/api/v1/jobs/", json=JobFactory.body(**overrides)))


def approved(poster: httpx.Client, staff: httpx.Client, **overrides: object) -> dict[str, Any]:
    job = create(poster, **overrides)
    assert poster.post(f"/api/v1/jobs/{job['id']}/submit").status_code == 200
    response = staff.post(f"/api/v1/jobs/{job['id']}/approve")
    assert response.status_code == 200, response.text
    approved_job: dict[str, Any] = response.json()
    return approved_job


# The guide's examples -------------------------------------------------------------------------


def test_guide_list_loop_prints_title_at_company(
    poster: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    newest = approved(poster, staff, job_title="Senior Python Engineer")
    response = anon.get("/api/v1/jobs", params={"status": "approved", "limit": 10})
    jobs = response.json()
    assert len(jobs) == 10
    lines = [f"{job['job_title']} at {job['company_name']}" for job in jobs]
    # Newest first: only postings approved after it (by tests running beside this one) precede it.
    place = [job["id"] for job in jobs].index(newest["id"])
    assert lines[place] == f"Senior Python Engineer at {newest['company_name']}"
    assert all(job["approved"] >= newest["approved"] for job in jobs[:place])
    assert all(job["job_title"].strip() and job["company_name"].strip() for job in jobs)
    assert all(job["status"] == "approved" for job in jobs)


def test_guide_get_all_jobs_pagination(anon: httpx.Client) -> None:
    all_jobs, offset, limit = [], 0, 100
    while True:
        jobs = anon.get(
            "/api/v1/jobs", params={"limit": limit, "offset": offset, "status": "approved"}
        ).json()
        if not jobs:
            break
        all_jobs.extend(jobs)
        offset += limit
        if len(jobs) < limit:
            break
    total = int(anon.get("/api/v1/jobs", params={"status": "approved"}).headers["x-total-count"])
    assert len(all_jobs) == total >= len(load("jobs"))
    assert len({job["id"] for job in all_jobs}) == len(all_jobs)


def test_guide_search_request(anon: httpx.Client) -> None:
    response = anon.post(
        "/api/v1/jobs/search", json={"query": "django", "location": "remote", "job_type_ids": []}
    )
    assert response.status_code == 200
    matching = response.json()

    def text(r: dict[str, Any]) -> str:  # what a seeded posting's title and description name
        return f"{r['title']} {r['company_name']} {' '.join(r['job_types'])}"

    expected = [r for r in load("jobs") if r["telecommuting"] and "django" in text(r).lower()]
    assert matching and len(matching) >= len(expected) > 0
    assert all(job["remote"] for job in matching)


def test_guide_unknown_job_is_404(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/jobs/nonexistent-id")
    assert response.status_code == 404
    assert response.json()["status_code"] == 404
    assert anon.get("/api/v1/jobs/99999999").status_code == 404


# Workflow -------------------------------------------------------------------------------------


def test_the_whole_workflow(poster: httpx.Client, staff: httpx.Client, anon: httpx.Client) -> None:
    job = create(poster)
    assert job["status"] == "draft"
    assert anon.get(job["resource_uri"]).status_code == 404
    submitted = poster.post(f"/api/v1/jobs/{job['id']}/submit").json()
    assert submitted["status"] == "review"
    rejected = staff.post(f"/api/v1/jobs/{job['id']}/reject", json={"reason": "Add a salary."})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    comments = poster.get(f"/api/v1/jobs/{job['id']}/comments").json()
    assert [c["comment"] for c in comments] == ["Add a salary."]
    edited = poster.patch(job["resource_uri"], json={"description": "Build APIs. 90k EUR."})
    assert edited.status_code == 200
    poster.post(f"/api/v1/jobs/{job['id']}/submit")
    live = staff.post(f"/api/v1/jobs/{job['id']}/approve").json()
    assert live["status"] == "approved" and live["expires"] is not None
    assert anon.get(job["resource_uri"]).json()["description"] == "Build APIs. 90k EUR."
    archived = staff.post(f"/api/v1/jobs/{job['id']}/archive").json()
    assert archived["status"] == "archived"
    assert anon.get(job["resource_uri"]).status_code == 404


@pytest.mark.parametrize(
    ("setup", "action", "allowed"),
    [
        ([], "approve", ["remove"]),
        ([], "archive", ["remove"]),
        (["submit"], "submit", ["withdraw"]),
        (["submit", "approve"], "approve", ["archive", "remove"]),
        (["submit", "approve", "archive"], "submit", []),
        (["withdraw"], "submit", []),
        (["submit", "approve", "remove"], "archive", []),
    ],
)
def test_refused_transitions_are_409_naming_the_allowed_ones(
    poster: httpx.Client, staff: httpx.Client, setup: list[str], action: str, allowed: list[str]
) -> None:
    """The 409 names the moves the caller may make from the posting's state, and changes nothing."""
    job = create(poster)
    for step in setup:
        actor = poster if step in {"submit", "withdraw"} else staff
        assert actor.post(f"/api/v1/jobs/{job['id']}/{step}").status_code == 200, step
    before = staff.get(job["resource_uri"]).json()
    actor = poster if action in {"submit", "withdraw"} else staff
    response = actor.post(f"/api/v1/jobs/{job['id']}/{action}")
    assert response.status_code == 409, response.text
    extra = response.json()["extra"]
    assert extra == {"status": before["status"], "allowed_actions": allowed}
    assert staff.get(job["resource_uri"]).json() == before


def test_owner_edits_only_drafts_and_rejected(poster: httpx.Client, staff: httpx.Client) -> None:
    job = approved(poster, staff)
    response = poster.patch(job["resource_uri"], json={"job_title": "Changed"})
    assert response.status_code == 409
    assert "withdraw" in response.json()["extra"]["allowed_actions"]
    assert staff.patch(job["resource_uri"], json={"is_featured": True}).json()["is_featured"]
    assert poster.get(job["resource_uri"]).json()["job_title"] == "Python Developer"


def test_owner_cannot_feature_or_set_status(poster: httpx.Client) -> None:
    job = create(poster)
    assert poster.patch(job["resource_uri"], json={"is_featured": True}).status_code == 403
    assert poster.patch(job["resource_uri"], json={"status": "approved"}).status_code == 400
    assert poster.get(job["resource_uri"]).json()["status"] == "draft"


def test_withdraw_and_delete(poster: httpx.Client, staff: httpx.Client, anon: httpx.Client) -> None:
    live = approved(poster, staff)
    assert poster.delete(live["resource_uri"]).status_code == 409
    gone = poster.post(f"/api/v1/jobs/{live['id']}/withdraw").json()
    assert gone["status"] == "withdrawn"
    assert anon.get(live["resource_uri"]).status_code == 404
    draft = create(poster)
    assert poster.delete(draft["resource_uri"]).status_code == 204
    assert poster.get(draft["resource_uri"]).status_code == 404


def test_expired_postings_are_never_listed_as_approved(
    poster: httpx.Client, staff: httpx.Client, anon: httpx.Client, server: LiveServer
) -> None:
    import asyncio
    from datetime import timedelta

    from sqlalchemy import update

    from pydotorg.db.engine import create_engine, create_sessionmaker
    from pydotorg.jobs.models import Job

    job = approved(poster, staff, job_title="Soon Expired Role")

    async def expire() -> None:
        engine = create_engine(server.database_url, pool=False)
        async with create_sessionmaker(engine)() as session:
            past = now() - timedelta(days=1)
            await session.execute(update(Job).where(Job.id == job["id"]).values(expires=past))
            await session.commit()
        await engine.dispose()

    asyncio.run(expire())
    assert anon.get(job["resource_uri"]).status_code == 404
    listed = anon.get("/api/v1/jobs", params={"status": "approved", "limit": 1000}).json()
    assert job["id"] not in {j["id"] for j in listed}
    mine = poster.get(job["resource_uri"]).json()
    assert mine["status"] == "expired"
    expired = staff.get("/api/v1/jobs", params={"status": "expired"}).json()
    assert job["id"] in {j["id"] for j in expired}


# Visibility and guards ------------------------------------------------------------------------


def test_drafts_are_for_owner_and_staff_only(
    poster: httpx.Client, other: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    job = create(poster)
    assert poster.get(job["resource_uri"]).status_code == 200
    assert staff.get(job["resource_uri"]).status_code == 200
    assert other.get(job["resource_uri"]).status_code == 404
    assert anon.get(job["resource_uri"]).status_code == 404
    for client in (anon, other):
        drafts = client.get("/api/v1/jobs", params={"status": "draft", "limit": 1000}).json()
        assert job["id"] not in {j["id"] for j in drafts}
    assert job["id"] in {
        j["id"] for j in staff.get("/api/v1/jobs", params={"status": "draft", "limit": 1000}).json()
    }


def test_mine_needs_a_token_and_lists_every_state(
    poster: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    assert anon.get("/api/v1/jobs/mine").status_code == 401
    draft = create(poster)
    live = approved(poster, staff)
    mine = poster.get("/api/v1/jobs/mine").json()
    assert {j["id"] for j in mine} == {draft["id"], live["id"]}


def test_contact_email_is_public_only_when_chosen(
    poster: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    hidden = approved(poster, staff)
    shown = approved(poster, staff, email_public=True)
    assert anon.get(hidden["resource_uri"]).json()["contact_email"] is None
    assert poster.get(hidden["resource_uri"]).json()["contact_email"] == "hiring@acme.example"
    assert anon.get(shown["resource_uri"]).json()["contact_email"] == "hiring@acme.example"
    assert "creator_id" in anon.get(shown["resource_uri"]).json()
    assert anon.get(shown["resource_uri"]).json()["creator_id"] is None


def test_write_guards(
    poster: httpx.Client, other: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    assert anon.post("/api/v1/jobs/", json=JobFactory.body()).status_code == 401
    job = create(poster)
    uri = job["resource_uri"]
    for client, status in ((anon, 401),):
        assert client.patch(uri, json={"job_title": "X"}).status_code == status
        assert client.delete(uri).status_code == status
        for action in ("submit", "withdraw", "approve", "archive", "remove"):
            assert client.post(f"{uri}/{action}").status_code == status
        assert client.post(f"{uri}/reject", json={"reason": "x"}).status_code == status
        assert client.get(f"{uri}/comments").status_code == status
        assert client.post(f"{uri}/comments", json={"comment": "x"}).status_code == status
    poster.post(f"{uri}/submit")
    for action in ("approve", "archive", "remove"):
        assert poster.post(f"{uri}/{action}").status_code == 403
    assert poster.post(f"{uri}/reject", json={"reason": "x"}).status_code == 403
    assert poster.post(f"{uri}/comments", json={"comment": "x"}).status_code == 403
    live = staff.post(f"{uri}/approve").json()
    assert other.patch(uri, json={"job_title": "X"}).status_code == 403
    assert other.delete(uri).status_code == 403
    assert other.post(f"{uri}/withdraw").status_code == 403
    assert other.get(f"{uri}/comments").status_code == 403
    assert staff.get(uri).json() == live


def test_bad_input_is_refused(poster: httpx.Client) -> None:
    assert (
        poster.post("/api/v1/jobs/", json=JobFactory.body(contact_email="nope")).status_code == 400
    )
    assert poster.post("/api/v1/jobs/", json=JobFactory.body(job_title="")).status_code == 400
    unknown_type = poster.post("/api/v1/jobs/", json=JobFactory.body(job_type_ids=[424242]))
    assert unknown_type.status_code == 422
    assert unknown_type.json()["extra"]["errors"][0]["field"] == "job_type_ids"
    assert poster.post("/api/v1/jobs/", json=JobFactory.body(category_id=424242)).status_code == 422
    assert (
        poster.post("/api/v1/jobs/", json=JobFactory.body(url="javascript:alert(1)")).status_code
        == 400
    )


# Search -------------------------------------------------------------------------------------


def test_search_ranks_title_matches_first_and_filters(
    poster: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    # Letters only (PostgreSQL's english configuration stems words, not words with digits),
    # ending in a consonant: Snowball takes the "s" off "...ks" but keeps "...us" whole.
    word = "zyx" + search_word(8) + "k"
    body_only = approved(
        poster, staff, description=f"We use {word} daily.", city="Lyon", country="France"
    )
    in_title = approved(poster, staff, job_title=f"{word.capitalize()} Engineer", remote=True)
    found = anon.post("/api/v1/jobs/search", json={"query": word}).json()
    assert [j["id"] for j in found] == [in_title["id"], body_only["id"]]
    plural = anon.post("/api/v1/jobs/search", json={"query": f"{word}s"}).json()
    assert {j["id"] for j in plural} == {in_title["id"], body_only["id"]}
    remote = anon.post("/api/v1/jobs/search", json={"query": word, "location": "remote"}).json()
    assert [j["id"] for j in remote] == [in_title["id"]]
    lyon = anon.post("/api/v1/jobs/search", json={"query": word, "location": "lyon"}).json()
    assert [j["id"] for j in lyon] == [body_only["id"]]
    france = anon.post("/api/v1/jobs/search", json={"query": word, "location": "FRANCE"}).json()
    assert [j["id"] for j in france] == [body_only["id"]]
    nothing = anon.post("/api/v1/jobs/search", json={"query": f"{word} unrelatedterm"}).json()
    assert nothing == []


def test_search_only_finds_public_postings(poster: httpx.Client, anon: httpx.Client) -> None:
    word = f"qqq{token(6)}"
    create(poster, job_title=f"{word} role")
    assert anon.post("/api/v1/jobs/search", json={"query": word}).json() == []


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ('" OR 1=1 --', "or 1"),
        ("NEAR(a b)", "near a b"),
        ("a AND OR NOT", "a and or not"),
        ("title:django", "title django"),
        ("'); DROP TABLE jobs; --", "drop table jobs"),
        ("django^2", "django 2"),
    ],
)
def test_any_query_text_is_only_its_words(anon: httpx.Client, query: str, words: str) -> None:
    """Operators and punctuation are never engine syntax: a query finds what its words find."""
    response = anon.post("/api/v1/jobs/search", json={"query": query})
    assert response.status_code == 200, response.text
    plain = anon.post("/api/v1/jobs/search", json={"query": words})
    assert [job["id"] for job in response.json()] == [job["id"] for job in plain.json()]
    assert response.headers["x-total-count"] == plain.headers["x-total-count"]
    assert anon.get("/api/v1/jobs", params={"limit": 1}).status_code == 200


@pytest.mark.parametrize("query", ["*", "\u202e\u0000", "--", "ü" * 400])
def test_a_query_without_known_words_finds_nothing(anon: httpx.Client, query: str) -> None:
    response = anon.post("/api/v1/jobs/search", json={"query": query})
    assert response.status_code == 200, response.text
    assert response.json() == [] and response.headers["x-total-count"] == "0"


def test_search_filters_by_type_and_category(
    poster: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    kind = staff.post("/api/v1/job-types/", json=JobTypeFactory.body()).json()
    cat = staff.post(
        "/api/v1/job-categories/", json=JobTypeFactory.body(name=f"Cat {token(6)}")
    ).json()
    tagged = approved(poster, staff, job_type_ids=[kind["id"]], category_id=cat["id"])
    approved(poster, staff)
    by_type = anon.post("/api/v1/jobs/search", json={"job_type_ids": [kind["id"]]}).json()
    assert [j["id"] for j in by_type] == [tagged["id"]]
    by_cat = anon.post("/api/v1/jobs/search", json={"category_id": cat["id"]}).json()
    assert [j["id"] for j in by_cat] == [tagged["id"]]
    listed = anon.get("/api/v1/jobs", params={"job_type": kind["id"]}).json()
    assert [j["id"] for j in listed] == [tagged["id"]]
    assert listed[0]["job_types"] == [kind] and listed[0]["category"] == cat


def test_search_takes_type_ids_written_as_the_guide_writes_them(
    poster: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    """Issue 25: the guide's search example sends ids as strings; a real id written that way
    (``"3"``) was a 400. The search body takes an integer or a string of ASCII digits."""
    kind = staff.post("/api/v1/job-types/", json=JobTypeFactory.body()).json()
    tagged = approved(poster, staff, job_type_ids=[kind["id"]])
    approved(poster, staff)
    for written in (str(kind["id"]), f"00{kind['id']}"):
        found = anon.post("/api/v1/jobs/search", json={"job_type_ids": [written]})
        assert found.status_code == 200, found.text
        assert [j["id"] for j in found.json()] == [tagged["id"]]
    for wrong in ("0", "3.0", " 3", "\u0663", "1" * 19, "uuid-for-full-time", True):
        refused = anon.post("/api/v1/jobs/search", json={"job_type_ids": [wrong]})
        assert refused.status_code == 400, (wrong, refused.text)
        assert refused.json()["extra"]["errors"][0]["field"] == "job_type_ids[0]", wrong
    as_text = poster.post("/api/v1/jobs/", json=JobFactory.body(job_type_ids=[str(kind["id"])]))
    assert as_text.status_code == 400, as_text.text  # every other body takes integers only


# Types and categories -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/job-types", "/api/v1/job-categories"])
def test_taxonomy_crud_and_guards(
    path: str, staff: httpx.Client, other: httpx.Client, anon: httpx.Client
) -> None:
    seeded = anon.get(f"{path}/").json()
    assert seeded and all({"id", "name", "slug"} == set(item) for item in seeded)
    name = f"Thing {token(6)}"
    assert anon.post(f"{path}/", json={"name": name}).status_code == 401
    assert other.post(f"{path}/", json={"name": name}).status_code == 403
    made = staff.post(f"{path}/", json={"name": name})
    assert made.status_code == 201
    item = made.json()
    assert anon.get(f"{path}/{item['id']}").json() == item
    assert staff.post(f"{path}/", json={"name": name}).status_code == 422
    assert other.patch(f"{path}/{item['id']}", json={"name": "X"}).status_code == 403
    renamed = staff.patch(f"{path}/{item['id']}", json={"name": name + " renamed"}).json()
    assert renamed["slug"].endswith("renamed")
    assert other.delete(f"{path}/{item['id']}").status_code == 403
    assert anon.delete(f"{path}/{item['id']}").status_code == 401
    assert staff.delete(f"{path}/{item['id']}").status_code == 204
    assert anon.get(f"{path}/{item['id']}").status_code == 404


# Feeds --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "version"), [("/jobs/feed/rss/", "rss20"), ("/jobs/feed/atom/", "atom10")]
)
def test_feeds_parse_and_list_the_newest_approved(
    path: str, version: str, poster: httpx.Client, staff: httpx.Client, anon: httpx.Client
) -> None:
    newest = approved(poster, staff, job_title="Feed Test Engineer")
    response = anon.get(path)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.version == version
    assert 1 <= len(feed.entries) <= 20
    assert feed.entries[0].title == f"Feed Test Engineer at {newest['company_name']}"
    assert feed.entries[0].link == newest["resource_uri"]


def test_historic_postings_are_loaded(
    anon: httpx.Client, client_with_header: Callable[[str], httpx.Client]
) -> None:
    records = load("jobs")
    listed = anon.get("/api/v1/jobs", params={"limit": 1000}).json()
    companies = {job["company_name"] for job in listed}
    assert {r["company_name"] for r in records} <= companies
    assert all(job["job_title"] for job in listed)


def test_feeds_answer_as_text_xml_when_asked(anon: httpx.Client) -> None:
    rss = anon.get("/jobs/feed/rss/")
    assert rss.headers["content-type"] == "application/rss+xml; charset=utf-8"
    plain = anon.get("/jobs/feed/rss/", headers={"Accept": "text/xml"})
    assert plain.headers["content-type"] == "text/xml; charset=utf-8"
    assert plain.content == rss.content


@pytest.mark.parametrize("path", ["/api/v1/job-types/1", "/api/v1/job-categories/1"])
def test_renaming_needs_a_name(staff: httpx.Client, path: str) -> None:
    response = staff.patch(path, json={})
    assert response.status_code == 400, response.text
    assert response.json()["extra"]["errors"][0]["field"] == "name"
