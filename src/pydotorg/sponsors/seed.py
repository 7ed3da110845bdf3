"""Loading the PSF's sponsorship programme (reference data) and its sponsor-members (demo).

The programmes are python.org's own (``sponsors.sponsorshipprogram`` of its 2022 fixtures, ids
kept).
"""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.sponsors.models import SponsorshipProgram

PROGRAMS = [
    (1, "Foundation", 0),
    (5, "PyCon US 2022", 1),
    (3, "PyPI", 2),
    (4, "Core Development", 3),
]


async def seed(session: AsyncSession) -> dict[str, int]:
    existing = set(await session.scalars(select(SponsorshipProgram.id)))
    new = [{"id": i, "name": n, "order": o} for i, n, o in PROGRAMS if i not in existing]
    if new:
        await session.execute(insert(SponsorshipProgram), new)
    return {"sponsorship_programs": len(new)}
