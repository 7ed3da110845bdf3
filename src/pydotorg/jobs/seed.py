"""Loading the historic python.org job postings (2012) and python.org's job types and categories.

The shipped postings are facts only (title, company, place, date, job types, URLs; see
``tools/data/jobs.py``): the employers' texts are not shipped, so each posting's description is
a line composed here from those facts, and its contact is a placeholder. They are loaded
approved and without an expiry date, so the board has something to show; the README says they
are historic.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.data import load
from pydotorg.jobs.models import Job, JobCategory, JobStatus, JobType, job_job_types
from pydotorg.jobs.services import slugify

# From python/pythondotorg fixtures (jobs.jobtype / jobs.jobcategory), ids kept.
JOB_TYPES = [
    (1, "Front-end Developer", "front-end-developer"),
    (2, "Back-end Developer", "back-end-developer"),
    (3, "Software Engineer", "software-engineer"),
    (4, "iOS Programming", "ios-programming"),
    (5, "Django Developer", "django-developer"),
]
JOB_CATEGORIES = [
    (2, "Performance Monitoring", "performance-monitoring"),
    (3, "Open Government", "open-government"),
    (4, "Video Production", "video-production"),
    (5, "Game Production", "game-production"),
]
TYPE_IDS = {slug: number for number, _, slug in JOB_TYPES}
TYPE_NAMES = {slug: name for _, name, slug in JOB_TYPES}
CONTACT_EMAIL = "jobs@example.com"


def place(record: dict[str, Any]) -> str:
    parts = (record["city"], record["region"], record["country"])
    return record["location"] or ", ".join(part for part in parts if part) or "an unnamed place"


def description(record: dict[str, Any]) -> str:
    """The project's own line about a historic posting, made of its facts."""
    kinds = ", ".join(TYPE_NAMES[slug] for slug in record["job_types"])
    return (
        f"{record['title']} at {record['company_name']} in {place(record)}"
        f"{' (telecommuting possible)' if record['telecommuting'] else ''}, posted on "
        f"python.org's job board on {record['posted']}"
        f"{f'; job types: {kinds}' if kinds else ''}. Historic posting, kept as an example."
    )


def _job(number: int, record: dict[str, Any]) -> dict[str, Any]:
    title = record["title"]
    posted = datetime.combine(date.fromisoformat(record["posted"]), time(), UTC)
    return {
        "id": number,
        "slug": f"{slugify(title)}-{slugify(record['company_name'])}-{number}",
        "creator_id": None,
        "job_title": title,
        "company_name": record["company_name"],
        "company_description": "",
        "company_url": record["company_url"] or "",
        "city": record["city"] or "",
        "region": record["region"] or "",
        "country": record["country"] or "",
        "remote": bool(record["telecommuting"]),
        "agencies": bool(record["agencies"]),
        "description": description(record),
        "requirements": "",
        "contact_name": "",
        "contact_email": CONTACT_EMAIL,
        "email_public": False,
        "url": record["url"] or "",
        "status": JobStatus.APPROVED,
        "submitted": posted,
        "approved": posted,
        "expires": None,
        "created": posted,
        "updated": posted,
    }


async def seed(session: AsyncSession) -> dict[str, int]:
    counts: dict[str, int] = {}
    for model, rows, name in (
        (JobType, JOB_TYPES, "job_types"),
        (JobCategory, JOB_CATEGORIES, "job_categories"),
    ):
        existing = set(await session.scalars(select(model.slug)))
        new = [{"id": i, "name": n, "slug": s} for i, n, s in rows if s not in existing]
        if new:
            await session.execute(insert(model), new)
        counts[name] = len(new)

    existing_ids = set(await session.scalars(select(Job.id)))
    records = {n: r for n, r in enumerate(load("jobs"), start=1) if n not in existing_ids}
    jobs = [_job(n, r) for n, r in records.items()]
    if jobs:
        await session.execute(insert(Job), jobs)
        links = [
            {"job_id": number, "job_type_id": TYPE_IDS[slug]}
            for number, record in records.items()
            for slug in record["job_types"]
        ]
        if links:
            await session.execute(insert(job_job_types), links)
    counts["jobs"] = len(jobs)
    return counts
