"""The historic postings as seeded: facts from the shipped file, a description the project
composes from them, no employer text and no contact details."""

from __future__ import annotations

import asyncio

import httpx

from pydotorg.data import load
from pydotorg.db.seed import seed
from pydotorg.domains import DOMAINS
from pydotorg.jobs.seed import JOB_TYPES, description
from tests.support import LiveServer

TYPE_NAMES = {slug: name for _, name, slug in JOB_TYPES}


def test_a_seeded_posting_is_composed_from_its_facts(anon: httpx.Client) -> None:
    job = anon.get("/api/v1/jobs/1").json()
    assert job["slug"] == "senior-developer-adaptivelab-limited-1"
    assert (job["job_title"], job["company_name"]) == ("Senior Developer", "AdaptiveLab Limited")
    assert job["description"] == (
        "Senior Developer at AdaptiveLab Limited in London, UK, posted on python.org's job board "
        "on 2012-06-15; job types: Django Developer. Historic posting, kept as an example."
    )
    assert (job["requirements"], job["company_description"], job["contact_name"]) == ("", "", "")
    assert job["contact_email"] is None
    assert [kind["slug"] for kind in job["job_types"]] == ["django-developer"]


def test_every_seeded_posting_matches_its_shipped_record(anon: httpx.Client) -> None:
    listed = anon.get("/api/v1/jobs", params={"limit": 1000, "status": "approved"}).json()
    seeded = {job["id"]: job for job in listed if job["id"] <= 196}
    records = load("jobs")
    assert sorted(seeded) == list(range(1, len(records) + 1))
    for number, record in enumerate(records, start=1):
        job = seeded[number]
        assert job["job_title"] == record["title"]
        assert job["description"] == description(record)
        assert job["remote"] is bool(record["telecommuting"])
        assert job["url"] == (record["url"] or "")
        assert [kind["name"] for kind in job["job_types"]] == [
            TYPE_NAMES[slug] for slug in record["job_types"]
        ]
        assert job["requirements"] == job["company_description"] == ""


def test_a_composed_description_says_what_is_known() -> None:
    (record,) = [r for r in load("jobs") if r["telecommuting"] and not r["job_types"]][:1]
    line = description(record)
    assert line.startswith(f"{record['title']} at {record['company_name']} in ")
    assert "(telecommuting possible)" in line and "job types" not in line
    bare = {**record, "location": None, "city": None, "region": None, "country": None}
    assert " in an unnamed place (telecommuting possible), posted" in description(bare)


def test_seeding_again_adds_no_posting(server: LiveServer) -> None:
    counts = asyncio.run(seed(server.database_url, DOMAINS))
    assert (counts["jobs"], counts["job_types"], counts["job_categories"]) == (0, 0, 0)
