"""RSS and Atom feeds stay parseable whatever a stored row holds: characters XML 1.0 forbids are
dropped on output (the API refuses them on input, ``test_schemas.py``)."""

from __future__ import annotations

import html
import time
from datetime import timedelta
from xml.etree import ElementTree

import feedparser
import httpx
import icalendar
import pytest

from pydotorg.content.blogs.models import BlogEntry, BlogFeed
from pydotorg.core.feeds import ATOM_NS as ATOM
from pydotorg.events.models import Event, EventOccurrence
from pydotorg.jobs.models import Job, JobStatus
from tests.content.test_markup import executable_parts
from tests.factories import token
from tests.support import LiveServer, insert_rows, now

STORED = "Sprint \uffff\ufffe\x0bdone"  # what an older version (or another program) stored
SHOWN = "Sprint done"
JOB_STORED = "Engineer\uffff \ufffe"  # no line break: other tests read job titles line by line


def parsed_feed(client: httpx.Client, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_calendar_feed_with_a_stored_non_character_parses(
    server: LiveServer, staff: httpx.Client, anon: httpx.Client, kind: str
) -> None:
    slug = f"xml-{token()}"
    calendar = staff.post("/api/v1/calendars/", json={"name": "Feeds", "slug": slug}).json()
    start = now().replace(microsecond=0) + timedelta(days=10)
    end = start + timedelta(hours=2)
    event = Event(
        uid=f"{slug}@python.org",
        slug=slug,
        title=STORED,
        description="Bring a laptop\uffff.\x01",
        calendar_id=calendar["id"],
        time_zone="UTC",
        status="approved",
        first_start=start,
        last_end=end,
        occurrences=[EventOccurrence(dt_start=start, dt_end=end)],
    )
    insert_rows(server.database_url, event)
    feed = parsed_feed(anon, f"/api/v1/calendars/{slug}/feed/{kind}")
    (entry,) = feed.entries
    assert entry.title == SHOWN
    assert "Bring a laptop." in entry.summary
    ical = anon.get(f"/api/v1/calendars/{slug}/ical")
    (component,) = icalendar.Calendar.from_ical(ical.content).walk("VEVENT")
    assert str(component["SUMMARY"]) == SHOWN
    assert str(component["DESCRIPTION"]) == "Bring a laptop."


def test_the_jobs_feeds_with_a_stored_non_character_parse(
    server: LiveServer, anon: httpx.Client
) -> None:
    tag = token()
    job = Job(
        slug=f"xml-{tag}",
        job_title=f"{JOB_STORED}{tag}",
        company_name="ACME\ufffe",
        description="Python\uffff all day.",
        contact_email="jobs@example.org",
        status=JobStatus.APPROVED,
        approved=now(),
    )
    insert_rows(server.database_url, job)
    title = f"Engineer {tag} at ACME"
    deadline = time.monotonic() + 5  # other workers' caches follow the write within 0.25 s
    while True:
        feeds = [parsed_feed(anon, f"/jobs/feed/{kind}/") for kind in ("rss", "atom")]
        if all(title in [e.title for e in feed.entries] for feed in feeds):
            break
        assert time.monotonic() < deadline, [e.title for e in feeds[0].entries][:3]
        time.sleep(0.1)


# What an RSS reader would run if a feed passed it on: text that decodes to markup, and markup.
HOSTILE = [
    "Meetup &lt;img src=x onerror=alert(document.domain)&gt; details",
    "Meetup <img src=x onerror=alert(1)><script>alert(2)</script> details",
]


def descriptions_as_readers_see_them(document: bytes) -> list[str]:
    """Every item's description as the HTML a reader renders: an RSS ``description`` is HTML,
    an Atom ``summary`` is HTML when its type says so and text otherwise."""
    root = ElementTree.fromstring(document)  # noqa: S314 - the service's own document
    shown = [item.findtext("description") or "" for item in root.iter("item")]
    for summary in root.iter(f"{{{ATOM}}}summary"):
        text = summary.text or ""
        shown.append(text if summary.get("type") in {"html", "xhtml"} else html.escape(text))
    return shown


def assert_inert(client: httpx.Client, path: str, words: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    shown = [text for text in descriptions_as_readers_see_them(response.content) if words in text]
    assert shown, f"no item of {path} holds {words!r}"
    for text in shown:
        assert executable_parts(text) == [], text
        assert "details" in text


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_calendar_feed_never_carries_markup_from_a_description(
    server: LiveServer, staff: httpx.Client, anon: httpx.Client, kind: str
) -> None:
    slug = f"xss-{token()}"
    calendar = staff.post("/api/v1/calendars/", json={"name": "Feeds", "slug": slug}).json()
    start = now().replace(microsecond=0) + timedelta(days=10)
    end = start + timedelta(hours=2)
    events = [
        Event(
            uid=f"{slug}-{number}@python.org",
            slug=f"{slug}-{number}",
            title=f"Meetup {number}",
            description=description,
            calendar_id=calendar["id"],
            time_zone="UTC",
            status="approved",
            first_start=start,
            last_end=end,
            occurrences=[EventOccurrence(dt_start=start, dt_end=end)],
        )
        for number, description in enumerate(HOSTILE)
    ]
    insert_rows(server.database_url, *events)
    assert_inert(anon, f"/api/v1/calendars/{slug}/feed/{kind}", "Meetup")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_jobs_feeds_never_carry_markup_from_a_description(
    server: LiveServer, anon: httpx.Client, kind: str
) -> None:
    tag = token()
    jobs = [
        Job(
            slug=f"xss-{tag}-{number}",
            job_title=f"Hostile {tag}",
            company_name="ACME",
            description=f"{tag} {description}",
            contact_email="jobs@example.org",
            status=JobStatus.APPROVED,
            approved=now(),
        )
        for number, description in enumerate(HOSTILE)
    ]
    insert_rows(server.database_url, *jobs)
    deadline = time.monotonic() + 5  # other workers' caches follow the write within 0.25 s
    while tag not in anon.get(f"/jobs/feed/{kind}/").text:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert_inert(anon, f"/jobs/feed/{kind}/", tag)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_blog_feeds_carry_only_sanitised_summaries(
    server: LiveServer, anon: httpx.Client, kind: str
) -> None:
    tag = token()
    (feed_id,) = insert_rows(
        server.database_url,
        BlogFeed(name=tag, slug=tag, feed_url=f"https://example.org/{tag}.xml"),
    )
    entries = [
        BlogEntry(
            feed_id=feed_id,
            title=f"Entry {tag}",
            summary=f"{tag} {summary}",  # stored before the importer sanitised, say
            url=f"https://example.org/{tag}/{number}",
            guid=f"{tag}-{number}",
            pub_date=now() + timedelta(days=1),
        )
        for number, summary in enumerate(HOSTILE)
    ]
    insert_rows(server.database_url, *entries)
    deadline = time.monotonic() + 5
    while tag not in anon.get(f"/api/blogs/feed/{kind}").text:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert_inert(anon, f"/api/blogs/feed/{kind}", tag)
