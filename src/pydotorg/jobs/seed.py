"""Loading the historic python.org job postings (2012) and python.org's job types and categories.

The postings come from the legacy python.org jobs page, contact details masked. The source has
no separate title, so one is read from the start of the description (the role it names, such as
"Senior Python Developer"); postings naming no role are titled "Python Developer". They are
loaded approved and without an expiry date, so the board has something to show; the README
says they are historic.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.data import load
from pydotorg.jobs.models import Job, JobCategory, JobStatus, JobType, job_job_types
from pydotorg.jobs.services import JOB_INDEX, slugify

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
TYPE_KEYWORDS = {
    1: re.compile(r"front[- ]?end|javascript|css", re.I),
    2: re.compile(r"back[- ]?end|server[- ]side", re.I),
    3: re.compile(r"engineer", re.I),
    4: re.compile(r"\bios\b|iphone|ipad", re.I),
    5: re.compile(r"django", re.I),
}
ROLE = re.compile(
    r"\b((?:(?:senior|junior|lead|principal|staff|mid[- ]level|sr\.?|jr\.?)\s+)?"
    r"(?:(?:python|django|web|software|back[- ]?end|front[- ]?end|full[- ]?stack|systems?|qa|"
    r"test|devops|data|research|application|plone|zope|game|mobile|linux)\s*(?:/\s*\w+\s*)?)*"
    r"(?:developer|engineer|programmer|architect|scientist|administrator|consultant|analyst|"
    r"hacker|tester|designer)s?)\b",
    re.I,
)


def job_title(text: str) -> str:
    match = ROLE.search(text)
    if match is None:
        return "Python Developer"
    words = re.sub(r"\s+", " ", match.group(1)).strip().split(" ")
    if words[-1].lower().endswith("s"):
        words[-1] = words[-1][:-1]
    if len(words) == 1:
        words.insert(0, "Python")
    return " ".join(w if w.isupper() or "/" in w else w[:1].upper() + w[1:] for w in words)


def _job(number: int, record: dict[str, Any]) -> dict[str, Any]:
    description = record["description"] or record["about_company"] or record["company_name"]
    title = job_title(description)
    posted = datetime.combine(date.fromisoformat(record["posted"]), time(), UTC)
    return {
        "id": number,
        "slug": f"{slugify(title)}-{slugify(record['company_name'])}-{number}",
        "creator_id": None,
        "job_title": title,
        "company_name": record["company_name"],
        "company_description": record["about_company"] or "",
        "company_url": record["company_url"] or "",
        "city": record["city"] or "",
        "region": record["region"] or "",
        "country": record["country"] or "",
        "remote": bool(record["telecommuting"]),
        "agencies": bool(record["agencies"]),
        "description": description,
        "requirements": record["requirements"] or "",
        "contact_name": record["contact"] or "",
        "contact_email": record["email"] or "jobs@example.com",
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
    jobs = [_job(n, r) for n, r in enumerate(load("jobs"), start=1) if n not in existing_ids]
    if jobs:
        await session.execute(insert(Job), jobs)
        links = [
            {"job_id": job["id"], "job_type_id": type_id}
            for job in jobs
            for type_id, pattern in TYPE_KEYWORDS.items()
            if pattern.search(f"{job['job_title']} {job['description']} {job['requirements']}")
        ]
        if links:
            await session.execute(insert(job_job_types), links)
        for job in jobs:
            await JOB_INDEX.put(
                session,
                job["id"],
                f"{job['job_title']} {job['company_name']}",
                f"{job['description']}\n{job['requirements']}\n{job['company_description']}",
            )
    counts["jobs"] = len(jobs)
    return counts
