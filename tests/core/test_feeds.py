"""RSS and Atom feeds stay parseable whatever a stored row holds: characters XML 1.0 forbids are
dropped on output (the API refuses them on input, ``test_schemas.py``)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import feedparser
import httpx
import icalendar
import pytest

from pydotorg.events.models import Event, EventOccurrence
from pydotorg.jobs.models import Job, JobStatus
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
    slug = f"xml-{uuid.uuid4().hex[:10]}"
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
    tag = uuid.uuid4().hex[:10]
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
