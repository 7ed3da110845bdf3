"""The site-wide search and autocomplete over HTTP, on both engines: every index, visibility
for every role, ranking, highlighting, typo tolerance, hostile queries, reindexing."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.content.blogs.test_controllers import make_feed
from tests.events.conftest import make_calendar
from tests.support import LiveServer, seeded_server, settings_env

SEARCH = "/api/v1/search/"
PASSWORD = "search passphrase 2026"
LETTERS = "abcdefghijklmnopqrtuvwxyz"  # no "s": plural folding would shorten the word


def word(length: int = 12) -> str:
    """A word no other document holds."""
    return "".join(random.choice(LETTERS) for _ in range(length))


def search(client: httpx.Client, query: str, **body: Any) -> httpx.Response:
    return client.post(SEARCH, json={"query": query, **body})


def hits(client: httpx.Client, query: str, **body: Any) -> list[dict[str, Any]]:
    response = search(client, query, **body)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    assert response.headers["X-Total-Count"] == str(len(found)) or "offset" in body
    return found


def keys(found: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(hit["index"], hit["id"]) for hit in found]


def make_page(staff: httpx.Client, title: str, content: str = "", **more: Any) -> dict[str, Any]:
    body = {"path": f"/s-{uuid.uuid4().hex[:12]}/", "title": title, "content": content, **more}
    response = staff.post("/api/pages/", json=body)
    assert response.status_code == 201, response.text
    page: dict[str, Any] = response.json()
    return page


@pytest.fixture
def member(server: LiveServer) -> Iterator[httpx.Client]:
    """A freshly registered user, signed in."""
    with server.client() as anon:
        name = f"s{uuid.uuid4().hex[:10]}"
        tokens = anon.post(
            "/api/auth/register",
            json={"username": name, "email": f"{name}@example.org", "password": PASSWORD},
        ).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        yield client


def test_each_index_finds_what_its_domain_wrote(
    staff: httpx.Client, anon: httpx.Client, member: httpx.Client
) -> None:
    w = word()
    page = make_page(staff, f"{w} page")
    feed = make_feed(staff)["id"]  # its own: the seeded feeds' counts stay as shipped
    entry = staff.post(
        "/api/blogs/entries/",
        json={
            "feed_id": feed,
            "title": f"{w} entry",
            "url": f"https://example.org/{w}/",
            "pub_date": "2025-05-05T10:00:00Z",
        },
    ).json()
    minor = random.randint(100, 899)
    release = staff.post(
        "/api/v1/releases/",
        json={"name": f"Python 9.{minor}.0", "release_date": "2035-03-01T09:30:00Z"},
    ).json()
    staff.patch(release["resource_uri"], json={"is_published": True}).raise_for_status()
    calendar = make_calendar(staff)["id"]
    event = staff.post(
        "/api/v1/events/",
        json={
            "title": f"{w} meetup",
            "calendar": calendar,
            "occurrences": [{"dt_start": "2027-01-10T18:00:00Z", "dt_end": "2027-01-10T20:00:00Z"}],
        },
    )
    assert event.status_code == 201, event.text
    job = member.post(
        "/api/v1/jobs/",
        json={
            "job_title": f"{w} developer",
            "company_name": "Acme",
            "description": "Python.",
            "contact_email": "hiring@acme.example",
            "country": "Netherlands",
        },
    ).json()
    member.post(f"/api/v1/jobs/{job['id']}/submit").raise_for_status()
    staff.post(f"/api/v1/jobs/{job['id']}/approve").raise_for_status()
    story = staff.post(
        "/api/v1/success-stories/",
        json={
            "name": f"{w} story",
            "category_id": 2,
            "company_name": "Acme",
            "company_url": "https://acme.example/",
            "date": "2026-11-01",
            "content": "Python everywhere.",
        },
    ).json()
    post = member.post("/api/v1/community/posts/", json={"title": f"{w} post", "content": "x"})
    post_id = post.json()["id"]
    member.post(f"/api/v1/community/posts/{post_id}/submit").raise_for_status()
    staff.post(f"/api/v1/community/posts/{post_id}/approve").raise_for_status()

    found = hits(anon, w)
    assert sorted(keys(found)) == sorted(
        [
            ("pages", page["id"]),
            ("blogs", entry["id"]),
            ("events", event.json()["id"]),
            ("jobs", job["id"]),
            ("success_stories", story["id"]),
            ("community", post_id),
        ]
    )
    by_index = {hit["index"]: hit for hit in found}
    assert by_index["pages"]["url"] == f"{anon.base_url}/api/pages/{page['id']}"
    assert by_index["jobs"]["url"] == f"{anon.base_url}/api/v1/jobs/{job['id']}"
    assert by_index["blogs"]["date"] == "2025-05-05T10:00:00Z"
    assert by_index["pages"]["title"] == f"{w} page"
    releases = hits(anon, f"python 9.{minor}.0", indexes=["releases"])
    assert keys(releases) == [("releases", release["id"])]
    assert releases[0]["url"] == release["resource_uri"]
    only = search(anon, w, indexes=["pages", "blogs"])
    assert only.headers["X-Search-Counts"] == "pages=1, blogs=1"
    assert sorted(hit["index"] for hit in only.json()) == ["blogs", "pages"]
    # Writes keep the index in step: a deleted page and release are no longer found.
    staff.delete(f"/api/pages/{page['id']}").raise_for_status()
    staff.delete(release["resource_uri"]).raise_for_status()
    assert ("pages", page["id"]) not in keys(hits(anon, w))
    assert hits(staff, f"python 9.{minor}.0", indexes=["releases"]) == []


def test_visibility_is_the_callers(
    server: LiveServer, staff: httpx.Client, anon: httpx.Client, member: httpx.Client
) -> None:
    w = word()
    calendar = make_calendar(staff)["id"]
    pending = member.post(
        "/api/v1/events/submit",
        json={
            "title": f"{w} sprint",
            "calendar": calendar,
            "occurrences": [{"dt_start": "2027-02-10T18:00:00Z", "dt_end": "2027-02-10T20:00:00Z"}],
        },
    ).json()
    draft = member.post(
        "/api/v1/jobs/",
        json={
            "job_title": f"{w} engineer",
            "company_name": "Acme",
            "description": "Python.",
            "contact_email": "hiring@acme.example",
            "country": "Netherlands",
        },
    ).json()
    minor = random.randint(100, 899)
    unpublished = staff.post(
        "/api/v1/releases/",
        json={"name": f"Python 8.{minor}.0", "release_date": "2035-03-01T09:30:00Z"},
    ).json()
    hidden_page = make_page(staff, f"{w} draft page", is_published=False)
    draft_post = member.post(
        "/api/v1/community/posts/", json={"title": f"{w} post", "content": "x"}
    )
    assert draft_post.status_code == 201
    pending_story = member.post(
        "/api/v1/success-stories/submit",
        json={
            "name": f"{w} story",
            "category_id": 2,
            "company_name": "Acme",
            "company_url": "https://acme.example/",
            "date": "2026-11-01",
            "content": "Python.",
        },
    )
    assert pending_story.status_code == 201

    # Anonymous: nothing at all, not even a count, a snippet or an autocomplete title.
    response = search(anon, w)
    assert response.json() == [] and response.headers["X-Total-Count"] == "0"
    assert "=1" not in response.headers["X-Search-Counts"]
    assert anon.get("/api/v1/search/autocomplete", params={"q": w}).json() == []
    assert hits(anon, f"python 8.{minor}.0", indexes=["releases"]) == []
    # Another signed-in user: the same.
    with server.client("user") as other:
        assert hits(other, w) == []
    # The submitter: their own pending event and draft posting.
    assert sorted(keys(hits(member, w))) == sorted(
        [("events", pending["id"]), ("jobs", draft["id"])]
    )
    # Staff: every event, posting and release; unpublished pages, drafts and pending stories
    # are not indexed until published or approved.
    assert sorted(keys(hits(staff, w))) == sorted(
        [("events", pending["id"]), ("jobs", draft["id"])]
    )
    assert keys(hits(staff, f"python 8.{minor}.0", indexes=["releases"])) == [
        ("releases", unpublished["id"])
    ]
    suggestions = staff.get("/api/v1/search/autocomplete", params={"q": w}).json()
    assert {(s["text"], s["index"]) for s in suggestions if s["type"] == "title"} == {
        (f"{w} sprint", "events"),
        (f"{w} engineer", "jobs"),
    }
    staff.patch(f"/api/pages/{hidden_page['id']}", json={"is_published": True})
    assert keys(hits(anon, w)) == [("pages", hidden_page["id"])]
    staff.delete(unpublished["resource_uri"]).raise_for_status()


def test_ranking_is_the_same_on_every_engine(staff: httpx.Client, anon: httpx.Client) -> None:
    a, b = word(), word()
    phrase_in_title = make_page(staff, f"{a} {b}")
    scattered_in_title = make_page(staff, f"{b} and {a}")
    phrase_in_body = make_page(staff, "Other", f"{a} {b}")
    scattered_in_body = make_page(staff, "Other", f"{a} some words between {b}")
    title_and_body = make_page(staff, f"{a}", f"{b}")
    found = hits(anon, f"{a} {b}")
    assert [hit["id"] for hit in found] == [
        phrase_in_title["id"],  # 2 + 2 title words + 4 for the phrase in the title
        phrase_in_body["id"],  # 1 + 1 + 2: ties with the next, and is newer
        scattered_in_title["id"],  # 2 + 2
        title_and_body["id"],  # 2 + 1
        scattered_in_body["id"],  # 1 + 1
    ]
    assert [hit["score"] for hit in found] == [8, 4, 4, 3, 2]
    second = hits(anon, f"{a} {b}", limit=2, offset=2)
    assert [hit["id"] for hit in second] == [hit["id"] for hit in found[2:4]]


def test_a_phrase_is_in_the_querys_order_whichever_word_is_rarer(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    common, rare = word(), word()
    for _ in range(2):
        make_page(staff, f"{common} alone")  # the first word is the more frequent one
    in_order = make_page(staff, f"{common} {rare}")
    reversed_order = make_page(staff, f"{rare} {common}")
    found = hits(anon, f"{common} {rare}")
    assert [(hit["id"], hit["score"]) for hit in found] == [
        (in_order["id"], 2 + 2 + 4),  # the phrase
        (reversed_order["id"], 2 + 2),
    ]


def test_snippets_mark_the_matched_words_and_escape_html(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    w = word()
    make_page(staff, "Escaping", f"Before {w} after &lt;script&gt; and more")
    [hit] = hits(anon, f"{w} script")
    assert hit["snippet"] == f"before <mark>{w}</mark> after <mark>script</mark> and more"
    assert "<script>" not in hit["snippet"]


def test_misspelt_words_find_what_the_right_ones_find(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    w = word()
    page = make_page(staff, f"Python asyncio {w}")
    exact = hits(anon, f"python asyncio {w}")
    assert keys(exact) == [("pages", page["id"])]
    assert hits(anon, f"pyhton asynico {w}") == exact
    long = word(12)
    other = make_page(staff, f"{long} notes")
    typo = long[0] + long[2] + long[1] + long[3:-1] + "q"  # a swap and a substitution
    assert keys(hits(anon, typo)) == [("pages", other["id"])]
    assert hits(anon, long[:3] + "xx") == []  # a 5-letter word may be 1 edit away, not 2


@pytest.mark.parametrize(
    "query",
    [
        '"unterminated',
        "python AND OR NOT",
        "pyth*",
        "NEAR(python asyncio, 2)",
        "title:python",
        "\x00python\x00",
        "' OR 1=1 --",
        "%_%",
        "🐍 python 🐍",
        "python " * 1400,
        "^$ () {} [] \\ / ~ - +",
    ],
)
def test_any_query_text_is_safe(anon: httpx.Client, query: str) -> None:
    response = search(anon, query)
    assert response.status_code == 200, response.text
    assert isinstance(response.json(), list)


def test_bad_bodies_are_400_naming_the_field(anon: httpx.Client) -> None:
    for body, field in [
        ({"query": ""}, "query"),
        ({"query": "   "}, "query"),
        ({"query": "x", "indexes": ["pages", "nope"]}, "indexes[1]"),
        ({"query": "x", "limit": 0}, "limit"),
        ({"query": "x", "date_from": "2020-01-02", "date_to": "2020-01-01"}, "date_to"),
    ]:
        response = anon.post(SEARCH, json=body)
        assert response.status_code == 400, (body, response.text)
        assert field in response.json()["detail"] or any(
            error["field"] == field for error in response.json()["extra"].get("errors", [])
        )


def test_date_range_filters_hits(staff: httpx.Client, anon: httpx.Client) -> None:
    w = word()
    feed = make_feed(staff)["id"]  # its own: the seeded feeds' counts stay as shipped
    made = []
    for day in ("2020-01-01", "2021-06-15", "2022-12-31"):
        made.append(
            staff.post(
                "/api/blogs/entries/",
                json={
                    "feed_id": feed,
                    "title": f"{w} {day}",
                    "url": f"https://example.org/{w}/{day}/",
                    "pub_date": f"{day}T10:00:00Z",
                },
            ).json()["id"]
        )
    assert [hit["id"] for hit in hits(anon, w)] == made[::-1]  # newest first on equal scores
    window = hits(anon, w, date_from="2021-01-01", date_to="2022-12-31")
    assert [hit["id"] for hit in window] == [made[2], made[1]]


def test_autocomplete_suggests_words_and_titles(staff: httpx.Client, anon: httpx.Client) -> None:
    w = "q" + word()  # never starting with "g", which the second query completes
    first = make_page(staff, f"{w}ango guide")
    make_page(staff, f"{w}ango tutorial")
    response = anon.get("/api/v1/search/autocomplete", params={"q": w, "limit": 10})
    assert response.status_code == 200
    assert response.json() == [
        {"text": f"{w}ango", "type": "term", "index": "pages"},
        {"text": f"{w}ango guide", "type": "title", "index": "pages"},
        {"text": f"{w}ango tutorial", "type": "title", "index": "pages"},
    ]
    limited = anon.get("/api/v1/search/autocomplete", params={"q": f"{w}ango g", "limit": 1})
    assert limited.json() == [{"text": f"{w}ango guide", "type": "term", "index": "pages"}]
    assert first["id"]
    for q in ("d", "", "!!", "é"):
        short = anon.get("/api/v1/search/autocomplete", params={"q": q})
        assert short.status_code == 400, q


def test_reindex_is_idempotent(server: LiveServer, staff: httpx.Client, anon: httpx.Client) -> None:
    w = word()
    page = make_page(staff, f"{w} reindexed")
    before = hits(anon, w)
    env = {**os.environ, **settings_env(server.settings)}
    command = [sys.executable, "-m", "pydotorg", "search", "reindex", "pages"]
    runs = [
        subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.startswith("pages: ")
    assert hits(anon, w) == before == [hit for hit in before if hit["id"] == page["id"]]
    bad = subprocess.run(
        [sys.executable, "-m", "pydotorg", "search", "reindex", "nope"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "unknown index 'nope'" in bad.stderr


def test_search_is_critical_and_autocomplete_low(anon: httpx.Client) -> None:
    document = anon.get("/api/openapi.json").json()
    search_op = document["paths"]["/api/v1/search"]["post"]
    autocomplete = document["paths"]["/api/v1/search/autocomplete"]["get"]
    assert "CRITICAL" in search_op["description"] and "LOW" in autocomplete["description"]


SHIPPED_QUERIES = ["python", "python developer", "pycon 2019", "django web", "release candidate"]


@pytest.fixture(scope="module")
def as_shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    """A SQLite and a PostgreSQL server on the shipped data alone: what other tests write on
    the shared servers (newer events, postings) would move different rows into each engine's
    newest 100."""
    with (
        seeded_server("sqlite", tmp_path_factory.mktemp("var-shipped-sqlite")) as lite,
        seeded_server("postgresql", tmp_path_factory.mktemp("var-shipped-postgresql")) as pg,
    ):
        yield lite, pg


def test_same_hits_in_the_same_order_on_sqlite_and_postgresql(
    as_shipped: tuple[LiveServer, LiveServer],
) -> None:
    sqlite_server, postgresql_server = as_shipped
    with sqlite_server.client() as lite, postgresql_server.client() as pg:
        for query in SHIPPED_QUERIES:
            body = {"query": query, "limit": 100}
            on_sqlite = keys(lite.post(SEARCH, json=body).json())
            on_postgres = keys(pg.post(SEARCH, json=body).json())
            assert len(on_sqlite) >= 5, query
            assert on_sqlite == on_postgres, query


def test_the_job_search_orders_postings_the_same_on_both_engines(
    as_shipped: tuple[LiveServer, LiveServer],
) -> None:
    def found(client: httpx.Client) -> list[int]:
        response = client.post("/api/v1/jobs/search", json={"query": "python", "limit": 1000})
        assert response.status_code == 200
        return [job["id"] for job in response.json()]

    sqlite_server, postgresql_server = as_shipped
    with sqlite_server.client() as lite, postgresql_server.client() as pg:
        on_sqlite, on_postgres = found(lite), found(pg)
    assert len(on_sqlite) >= 90
    assert on_sqlite == on_postgres


def test_pages_of_hits_are_linked(staff: httpx.Client, anon: httpx.Client) -> None:
    w = word()
    for n in range(3):
        make_page(staff, f"{w} {n}")
    everything = hits(anon, w)
    response = anon.post(SEARCH, json={"query": w, "limit": 1, "offset": 1})
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "3"
    assert response.headers["X-Total-Count-Exact"] == "true"
    assert [hit["id"] for hit in response.json()] == [everything[1]["id"]]
    links = {rel: link["url"] for rel, link in response.links.items()}
    assert set(links) == {"first", "prev", "next", "last"}
    assert links["next"].endswith("/api/v1/search?limit=1&offset=2")
    assert links["last"].endswith("/api/v1/search?limit=1&offset=2")
    assert links["first"].endswith("/api/v1/search?limit=1&offset=0")
    # The same body posted to a link: its limit and offset replace the body's.
    following = anon.post(links["next"], json={"query": w, "limit": 3, "offset": 0})
    assert [hit["id"] for hit in following.json()] == [everything[2]["id"]]
    assert "next" not in following.links
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}):
        refused = anon.post(SEARCH, params=bad, json={"query": w})
        assert refused.status_code == 400, (bad, refused.text)


CROWD = 1_050  # more blog entries holding one word than an index counts exactly (1,000)


def crowd(database_url: str, w: str, rare: str, mid: str) -> list[tuple[int, int, str]]:
    """CROWD blog entries holding ``w`` in the title, every seventh also in the body, every
    hundredth also ``rare`` and every third ``mid``, written straight into the database (with
    their search documents and postings) as the bench corpus is; their (id, day, body)."""
    import asyncio
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from pydotorg.content.blogs.models import BlogEntry, BlogFeed
    from pydotorg.core.search import (
        SearchDocument,
        SearchIndex,
        SearchPosting,
        analyse,
        moment,
    )
    from pydotorg.db.engine import create_engine, create_sessionmaker

    async def write() -> list[tuple[int, int, str]]:
        engine = create_engine(database_url, pool=False)
        index = SearchIndex("blog_entry")
        try:
            async with create_sessionmaker(engine)() as session:
                feed = BlogFeed(name=w, slug=w, feed_url=f"https://example.org/{w}.xml")
                session.add(feed)
                await session.flush()
                made = []
                start = datetime(2020, 1, 1, tzinfo=UTC)
                for n in range(CROWD):
                    day = (n * 37) % CROWD  # dates out of id order, all different
                    body = " ".join(
                        [f"entry {n}"]
                        + [w] * (n % 7 == 0)
                        + [rare] * (n % 100 == 0)
                        + [mid] * (n % 3 == 0)
                    )
                    entry = BlogEntry(
                        feed_id=feed.id,
                        title=f"{w} {n}",
                        summary=body,
                        url=f"https://example.org/{w}/{n}/",
                        guid=f"{w}-{n}",
                        pub_date=start + timedelta(days=day),
                    )
                    session.add(entry)
                    await session.flush()
                    title_terms, body_terms = analyse(entry.title), analyse(body)
                    await session.execute(
                        insert(SearchDocument),
                        [
                            {
                                "kind": "blog_entry",
                                "object_id": entry.id,
                                "title_terms": " ".join(title_terms),
                                "body_terms": " ".join(body_terms),
                            }
                        ],
                    )
                    await session.execute(
                        insert(SearchPosting),
                        index.posting_rows(
                            entry.id, title_terms, body_terms, moment(entry.pub_date)
                        ),
                    )
                    made.append((entry.id, day, body))
                await session.commit()
                return made
        finally:
            await engine.dispose()

    return asyncio.run(write())


def test_an_index_with_many_matches_ranks_its_newest(
    server: LiveServer, anon: httpx.Client
) -> None:
    w, rare, mid = word(), word(), word()
    made = crowd(server.database_url, w, rare, mid)
    response = anon.post(SEARCH, json={"query": w, "indexes": ["blogs"], "limit": 100})
    assert response.status_code == 200, response.text
    assert response.headers["X-Search-Counts"] == "blogs=1000+"
    assert response.headers["X-Total-Count-Exact"] == "false"
    assert response.headers["X-Total-Count"] == "100"  # what can be paged through
    # The newest 100 matches, ranked: those with the word in the body too (2 + 1) first.
    newest = sorted(made, key=lambda row: -row[1])[:100]
    expected = sorted(newest, key=lambda row: (-(3 if w in row[2] else 2), -row[1], row[0]))
    assert [hit["id"] for hit in response.json()] == [row[0] for row in expected]
    assert [hit["score"] for hit in response.json()][:1] == [3]
    beyond = anon.post(SEARCH, json={"query": w, "indexes": ["blogs"], "offset": 100})
    assert beyond.json() == [] and "next" not in beyond.links
    # Fewer than 1,000: counted exactly; more than 200: the newest 100 ranked.
    some = anon.post(SEARCH, json={"query": mid, "indexes": ["blogs"], "limit": 100})
    assert some.headers["X-Search-Counts"] == "blogs=350"
    assert some.headers["X-Total-Count"] == "100"
    assert some.headers["X-Total-Count-Exact"] == "false"
    newest = sorted([row for row in made if mid in row[2]], key=lambda row: -row[1])[:100]
    assert [hit["id"] for hit in some.json()] == [row[0] for row in newest]  # all score 1
    # At most 200: counted and ranked exactly, whatever their age.
    few = anon.post(SEARCH, json={"query": f"{rare} {w}", "indexes": ["blogs"]})
    assert few.headers["X-Search-Counts"] == "blogs=11"
    assert few.headers["X-Total-Count-Exact"] == "true"
    rare_rows = [row for row in made if rare in row[2]]
    expected = sorted(rare_rows, key=lambda row: (-(4 if w in row[2] else 3), -row[1], row[0]))
    assert [hit["id"] for hit in few.json()] == [row[0] for row in expected][:20]


def test_every_posting_holds_its_documents_date(server: LiveServer) -> None:
    """Seeding (each domain's own, then the search domain's for the rest), the API's writes
    and their flushes all leave each posting with its row's date (what "newest" reads)."""
    import asyncio

    from sqlalchemy import select

    from pydotorg.core.search import SearchPosting, moment
    from pydotorg.db.engine import create_engine
    from pydotorg.search.services import registry

    async def checked(url: str) -> dict[str, tuple[int, list[int]]]:
        engine = create_engine(url, pool=False)
        found: dict[str, tuple[int, list[int]]] = {}
        try:
            async with engine.connect() as connection:
                for spec in registry().values():
                    rows = list(
                        await connection.execute(
                            select(SearchPosting.object_id, SearchPosting.at, spec.date)
                            .join(spec.model, spec.model.id == SearchPosting.object_id)
                            .where(SearchPosting.kind == spec.kind)
                        )
                    )
                    wrong = sorted({row_id for row_id, at, when in rows if at != moment(when)})
                    found[spec.name] = (len(rows), wrong[:5])
        finally:
            await engine.dispose()
        return found

    found = asyncio.run(checked(server.database_url))
    assert {name: wrong for name, (_, wrong) in found.items() if wrong} == {}
    seeded = ("releases", "events", "jobs", "blogs", "success_stories", "sponsors")
    assert all(found[name][0] > 0 for name in seeded), found
