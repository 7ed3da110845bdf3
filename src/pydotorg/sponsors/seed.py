"""Loading the PSF's sponsorship programme (reference data) and its sponsor-members of about 2018.

The programmes, packages and benefits are python.org's own 2022 programme (its fixture's ids
kept; ``tools/data/sponsorship_packages.py`` and ``sponsorship_benefits.py``). The sponsor-members
(``tools/data/sponsors.py``) are historic records: each approved member gets a finalized
sponsorship of the member level from the month its membership began to the end of 2018, the
last year the source attests, so none runs today and the default list does not show them
(``year=`` does); a denied one gets a rejected sponsorship and a cancelled one none, so both are
seen by staff only. The member level is this project's: the 2022 programme has none, and its
price is not recorded (0). Representatives become contacts without an e-mail (staff only). The
list names two organisations twice (85 entries, 83 sponsors): one sponsor each.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.text import slugify
from pydotorg.data import load
from pydotorg.sponsors.models import (
    Sponsor,
    SponsorContact,
    Sponsorship,
    SponsorshipBenefit,
    SponsorshipPackage,
    SponsorshipProgram,
)

PROGRAMS = [
    (1, "Foundation", 0),
    (5, "PyCon US 2022", 1),
    (3, "PyPI", 2),
    (4, "Core Development", 3),
]
MEMBER_LEVEL = {
    "id": 100,
    "name": "Sponsor Member",
    "slug": "sponsor-member",
    "sponsorship_amount": 0,
    "order": 100,
    "year": None,
    "advertise": False,
    "logo_dimension": 175,
}
LAST_ATTESTED = date(2018, 12, 31)


async def _missing(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> int:
    existing = set(await session.scalars(select(model.id)))
    new = [row for row in rows if row["id"] not in existing]
    if new:
        await session.execute(insert(model), new)
    return len(new)


def _package(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key != "source"}


def _benefit(record: dict[str, Any]) -> dict[str, Any]:
    placement = record["logo_placement"] or {}
    return {
        "id": record["id"],
        "name": record["name"],
        "program_id": record["program"],
        "order": record["order"],
        "publisher": placement.get("publisher"),
        "flight": placement.get("flight"),
        "link_to_sponsors_page": bool(placement.get("link_to_sponsors_page")),
        "describe_as_sponsor": bool(placement.get("describe_as_sponsor")),
        "quantities": json.dumps(record["quantities"], sort_keys=True),
    }


def _since(value: str) -> date:
    year, _, month = value.partition("-")
    return date(int(year), int(month or 1), 1)


async def _members(session: AsyncSession) -> tuple[int, int]:
    taken = set(await session.scalars(select(Sponsor.slug)))
    made: dict[str, Sponsor] = {}
    sponsors = sponsorships = 0
    for record in load("sponsors"):
        slug = slugify(record["name"], fallback="sponsor")
        again = made.get(slug)
        if again is not None:  # listed twice (Intel, with two representatives)
            names = {contact.name for contact in again.contacts}
            if record["representative"] and record["representative"] not in names:
                again.contacts.append(SponsorContact(name=record["representative"], email=""))
            continue
        if slug in taken:
            continue
        taken.add(slug)
        sponsor = Sponsor(name=record["name"], slug=slug)
        if record["representative"]:
            sponsor.contacts = [SponsorContact(name=record["representative"], email="")]
        session.add(sponsor)
        await session.flush()
        made[slug] = sponsor
        sponsors += 1
        if record["status"] == "approved" and record["since"]:
            start = _since(record["since"])
            moment = datetime(start.year, start.month, start.day, tzinfo=UTC)
            session.add(
                Sponsorship(
                    sponsor_id=sponsor.id,
                    package_id=MEMBER_LEVEL["id"],
                    status="finalized",
                    year=start.year,
                    start_date=start,
                    end_date=LAST_ATTESTED,
                    applied_on=moment,
                    approved_on=moment,
                    finalized_on=moment,
                )
            )
            sponsorships += 1
        elif record["status"] == "denied":
            session.add(Sponsorship(sponsor_id=sponsor.id, status="rejected"))
            sponsorships += 1
    await session.flush()
    return sponsors, sponsorships


async def seed(session: AsyncSession) -> dict[str, int]:
    programs = [{"id": i, "name": n, "order": o} for i, n, o in PROGRAMS]
    counts = {"sponsorship_programs": await _missing(session, SponsorshipProgram, programs)}
    packages = [_package(r) for r in load("sponsorship_packages")] + [MEMBER_LEVEL]
    counts["sponsorship_packages"] = await _missing(session, SponsorshipPackage, packages)
    benefits = [_benefit(r) for r in load("sponsorship_benefits")]
    counts["sponsorship_benefits"] = await _missing(session, SponsorshipBenefit, benefits)
    counts["sponsors"], counts["sponsorships"] = await _members(session)
    return counts
