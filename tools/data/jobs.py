"""The historic python.org job postings (2012): facts only.

Each posting keeps its company (name, URL, whether agencies may apply), place (location, city,
region, country), date, telecommuting flag, status and URL, and gains two facts read here from
its text, which itself is not shipped:

- ``title``: the role the posting names at the start of its description ("Senior Python
  Developer"); "Python Developer" when it names none. The source has no title field.
- ``job_types``: the slugs of python.org's job types (its ``jobs.jobtype`` fixture) the posting's
  title, description or requirements mention.

Not shipped: ``description``, ``requirements``, ``about_company``, ``python_usage`` (the
employers' prose), ``contact`` and ``email`` (contact details; the seed uses a placeholder),
and ``telecommuting_text`` (the raw line ``telecommuting`` is read from). The order is the
source's: the seed numbers postings in this order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tools.data._fields import source

OUTPUT = "jobs.json.gz"
FIELDS = (
    "company_name",
    "company_url",
    "agencies",
    "location",
    "city",
    "region",
    "country",
    "posted",
    "telecommuting",
    "status",
    "url",
    "source",
)

# python.org's job types (slugs of its jobs.jobtype fixture) and the words that name each.
TYPE_KEYWORDS = {
    "front-end-developer": re.compile(r"front[- ]?end|javascript|css", re.I),
    "back-end-developer": re.compile(r"back[- ]?end|server[- ]side", re.I),
    "software-engineer": re.compile(r"engineer", re.I),
    "ios-programming": re.compile(r"\bios\b|iphone|ipad", re.I),
    "django-developer": re.compile(r"django", re.I),
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
    """The role a posting's text names first, in title case and singular."""
    match = ROLE.search(text)
    if match is None:
        return "Python Developer"
    words = re.sub(r"\s+", " ", match.group(1)).strip().split(" ")
    if words[-1].lower().endswith("s"):
        words[-1] = words[-1][:-1]
    if len(words) == 1:
        words.insert(0, "Python")
    return " ".join(w if w.isupper() or "/" in w else w[:1].upper() + w[1:] for w in words)


def job_types(title: str, description: str, requirements: str) -> list[str]:
    text = f"{title} {description} {requirements}"
    return [slug for slug, pattern in TYPE_KEYWORDS.items() if pattern.search(text)]


def posting(record: dict[str, Any]) -> dict[str, Any]:
    description = record["description"] or record["about_company"] or record["company_name"]
    title = job_title(description)
    return {
        **{name: record[name] for name in FIELDS},
        "title": title,
        "job_types": job_types(title, description, record["requirements"] or ""),
    }


def records(derived: Path) -> list[dict[str, Any]]:
    return [posting(record) for record in source(derived, "jobs")]
