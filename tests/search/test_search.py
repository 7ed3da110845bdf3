"""The site-wide search and autocomplete over HTTP, on both engines: every index, visibility
for every role, ranking, highlighting, typo tolerance, hostile queries, reindexing."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from typing import Any

import httpx
import pytest

from tests.content.blogs.test_controllers import make_feed
from tests.events.conftest import make_calendar
from tests.search.support import SEARCH, hits, keys, make_page, search, word
from tests.support import LiveServer, settings_env


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


def test_titles_rank_above_bodies_and_short_fields_above_long(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    a, b = word(), word()
    phrase_in_title = make_page(staff, f"{a} {b}")
    scattered_in_title = make_page(staff, f"{b} and {a}")
    phrase_in_body = make_page(staff, "Other", f"{a} {b}")
    scattered_in_body = make_page(staff, "Other", f"{a} some words between {b}")
    found = hits(anon, f"{a} {b}")
    order = [hit["id"] for hit in found]
    assert order[0] == phrase_in_title["id"]
    assert set(order[:2]) == {phrase_in_title["id"], scattered_in_title["id"]}
    assert order[2:] == [phrase_in_body["id"], scattered_in_body["id"]]
    scores = [hit["score"] for hit in found]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    second = hits(anon, f"{a} {b}", limit=2, offset=2)
    assert [hit["id"] for hit in second] == order[2:4]


def test_a_quoted_phrase_finds_the_words_side_by_side_in_order(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    first, second = word(), word()
    in_order = make_page(staff, f"{first} {second}")
    reversed_order = make_page(staff, f"{second} {first}")
    middle = word()
    apart = make_page(staff, f"{first} {middle} {second}")
    assert keys(hits(anon, f'"{first} {second}"')) == [("pages", in_order["id"])]
    assert {hit["id"] for hit in hits(anon, f"{first} {second}")} == {
        in_order["id"],
        reversed_order["id"],
        apart["id"],
    }
    assert {hit["id"] for hit in hits(anon, f"{first} -{middle}")} == {
        in_order["id"],
        reversed_order["id"],
    }
    assert {hit["id"] for hit in hits(anon, f"{first} or {word()}")} == {
        in_order["id"],
        reversed_order["id"],
        apart["id"],
    }


@pytest.mark.parametrize("between", ["-", "--", "+", "~", "=", "<", "^", "'", "/", "."])
def test_words_joined_by_punctuation_are_found_by_each(
    staff: httpx.Client, anon: httpx.Client, between: str
) -> None:
    """A query's words are letters and digits; the indexed text must hold the same words:
    PostgreSQL's parser read ``name-4530869261`` as ``name`` and the number ``-4530869261``,
    ``ab~cd`` as ``ab`` and ``~cd``, ``a+1`` as ``a`` and ``+1``."""
    w, number = word(), str(random.randint(10**9, 10**10 - 1))
    page = make_page(staff, f"{w}{between}{number}", f"Before {number}{between}{w} after")
    found = [("pages", page["id"])]
    by_number = hits(anon, number)
    assert keys(by_number) == found
    assert keys(hits(anon, f"{w}{between}{number}")) == found
    assert keys(hits(anon, f'"{number} {w}"')) == found
    assert keys(hits(anon, f"{w} -{number}")) == []
    [hit] = by_number
    assert hit["title"] == f"{w}{between}{number}"
    assert f"<mark>{number}</mark>" in hit["snippet"]


def test_a_word_with_a_sharp_s_is_found_as_written(staff: httpx.Client, anon: httpx.Client) -> None:
    """Typed ``Straße`` was folded to ``strasse``, which no indexed text holds on either
    engine (a phrase: no typo correction finds it instead)."""
    w, sharp = word(), f"{word(6)}ß{word(4)}"
    page = make_page(staff, f"{w} {sharp.capitalize()}")
    assert keys(hits(anon, f'"{w} {sharp}"')) == [("pages", page["id"])]
    assert keys(hits(anon, f'"{w} {sharp.replace("ß", "ss")}"')) == []


def test_snippets_mark_the_matched_words_and_escape_html(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    w = word()
    make_page(staff, "Escaping", f"Before {w} after 1 &lt; 2 &amp; *more* words")
    [hit] = hits(anon, f"{w} words")
    assert hit["snippet"] == f"Before <mark>{w}</mark> after 1 &lt; 2 &amp; more <mark>words</mark>"


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


def test_the_largest_offset_is_an_empty_page(staff: httpx.Client, anon: httpx.Client) -> None:
    """An offset up to 2**63 - 1, in the body or the query string, with or without a date
    range (each index read apart), is a page past the end: 200 and no hits."""
    w = word()
    make_page(staff, f"{w} notes")
    last = 2**63 - 1
    assert keys(hits(anon, w)) and hits(anon, w, offset=last) == []
    dated = {"date_from": "2000-01-01", "date_to": "9999-12-31"}
    assert keys(hits(anon, w, **dated)) and hits(anon, w, offset=last, **dated) == []
    response = anon.post(SEARCH, params={"offset": last}, json={"query": w, **dated})
    assert response.status_code == 200 and response.json() == [], response.text
    assert response.headers["X-Total-Count"] == "1"


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
    widest = hits(anon, w, date_from="0001-01-01", date_to="9999-12-31")
    assert [hit["id"] for hit in widest] == made[::-1]


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


def test_autocomplete_takes_the_last_word_as_typed(staff: httpx.Client, anon: httpx.Client) -> None:
    """A prefix is not stemmed alone: PostgreSQL's stemmer turns a last "y" after a consonant
    into "i" ("caly", typed on the way to "calypso", would look for "cali"); the words
    before it are stemmed as the titles were ("happy" is stored as "happi")."""
    w = "q" + word(3) + "ky" + word(6)  # the first six letters end in a consonant and "y"
    make_page(staff, f"{w} guide")
    make_page(staff, f"happy {w} notes")
    alone = anon.get("/api/v1/search/autocomplete", params={"q": w[:6]}).json()
    assert {"text": w, "type": "term", "index": "pages"} in alone
    assert {"text": f"{w} guide", "type": "title", "index": "pages"} in alone
    after = anon.get("/api/v1/search/autocomplete", params={"q": f"happy {w[:6]}"}).json()
    assert {"text": f"happy {w} notes", "type": "title", "index": "pages"} in after


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


def test_the_job_search_finds_postings_on_both_engines(
    as_shipped: tuple[LiveServer, LiveServer],
) -> None:
    """``POST /api/v1/jobs/search`` narrows the list with the engine's own matches."""

    def found(client: httpx.Client) -> list[dict[str, Any]]:
        response = client.post("/api/v1/jobs/search", json={"query": "python", "limit": 1000})
        assert response.status_code == 200
        jobs: list[dict[str, Any]] = response.json()
        return jobs

    for live in as_shipped:
        with live.client() as client:
            jobs = found(client)
            assert len(jobs) >= 90, live.settings.database_url
            assert all("python" in str(job).casefold() for job in jobs)


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
    hundredth also ``rare`` and every third ``mid``, written with the ORM in one flush (the
    flush indexes them all); their (id, day, body)."""
    import asyncio
    from datetime import UTC, datetime, timedelta

    from pydotorg.content.blogs.models import BlogEntry, BlogFeed
    from pydotorg.db.engine import create_engine, create_sessionmaker

    async def write() -> list[tuple[int, int, str]]:
        engine = create_engine(database_url, pool=False)
        try:
            async with create_sessionmaker(engine)() as session:
                feed = BlogFeed(name=w, slug=w, feed_url=f"https://example.org/{w}.xml")
                session.add(feed)
                await session.flush()
                entries = []
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
                        title=f"{w} {n}" + " entry" * (n % 100 == 0),
                        summary=body,
                        url=f"https://example.org/{w}/{n}/",
                        guid=f"{w}-{n}",
                        pub_date=start + timedelta(days=day),
                    )
                    entries.append((entry, day, body))
                session.add_all([entry for entry, _, _ in entries])
                await session.commit()
                return [(entry.id, day, body) for entry, day, body in entries]
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
    # The newest 100 matches, and the newest 100 holding the word in the title (here: the
    # same), best first.
    assert response.headers["X-Total-Count"] == "100"  # what can be paged through
    found = response.json()
    newest = sorted(made, key=lambda row: -row[1])[:100]
    assert sorted(hit["id"] for hit in found) == sorted(row[0] for row in newest)
    scores = [hit["score"] for hit in found]
    assert scores == sorted(scores, reverse=True)
    past = anon.post(SEARCH, json={"query": w, "indexes": ["blogs"], "offset": 100})
    assert past.json() == [] and "next" not in past.links
    # In every body and in 11 titles: those 11 first, then the newest 100.
    in_bodies = anon.post(SEARCH, json={"query": f"{w} entry", "indexes": ["blogs"], "limit": 100})
    titled = {row[0] for row in made if rare in row[2].split()}
    expected = titled | {row[0] for row in newest}
    assert len(titled) == 11 and in_bodies.headers["X-Total-Count"] == str(len(expected))
    assert {hit["id"] for hit in in_bodies.json()[:11]} == titled
    rest = anon.post(SEARCH, json={"query": f"{w} entry", "indexes": ["blogs"], "offset": 100})
    assert {hit["id"] for hit in in_bodies.json() + rest.json()} == expected
    # At most 1,000: counted exactly, and all of them ranked and pageable, whatever their age.
    some = anon.post(SEARCH, json={"query": mid, "indexes": ["blogs"], "limit": 100})
    assert some.headers["X-Search-Counts"] == "blogs=350"
    assert some.headers["X-Total-Count"] == "350"
    assert some.headers["X-Total-Count-Exact"] == "true"
    last = anon.post(SEARCH, json={"query": mid, "indexes": ["blogs"], "offset": 340})
    assert len(last.json()) == 10
    every = {row[0] for row in made if mid in row[2].split()}
    assert {hit["id"] for hit in some.json()} | {hit["id"] for hit in last.json()} <= every
    few = anon.post(SEARCH, json={"query": f"{rare} {w}", "indexes": ["blogs"]})
    assert few.headers["X-Search-Counts"] == "blogs=11"
    assert few.headers["X-Total-Count-Exact"] == "true"
    rare_rows = {row[0] for row in made if rare in row[2].split()}
    assert {hit["id"] for hit in few.json()} == rare_rows


def test_every_document_holds_its_rows_date(server: LiveServer) -> None:
    """Seeding (each domain's own, then the search domain's for the rest), the API's writes
    and their flushes all leave each document with its row's date (what "newest" reads)."""
    import asyncio
    from datetime import UTC, date, datetime, time

    from sqlalchemy import select

    from pydotorg.db.engine import create_engine
    from pydotorg.search.indexing import registry
    from pydotorg.search.models import SearchDocument

    def moment(value: Any) -> datetime | None:
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime.combine(value, time(), tzinfo=UTC)
        return None

    async def checked(url: str) -> dict[str, tuple[int, list[int]]]:
        engine = create_engine(url, pool=False)
        found: dict[str, tuple[int, list[int]]] = {}
        try:
            async with engine.connect() as connection:
                for spec in registry().values():
                    rows = list(
                        await connection.execute(
                            select(SearchDocument.object_id, SearchDocument.at, spec.date)
                            .join(spec.model, spec.model.id == SearchDocument.object_id)
                            .where(SearchDocument.kind == spec.kind)
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
