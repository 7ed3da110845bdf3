"""The stories records the service ships."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


async def seed(session: AsyncSession) -> dict[str, int]:
    return {}
