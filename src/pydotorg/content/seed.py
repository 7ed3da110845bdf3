"""Seeding every content resource that ships records, each from its own subpackage."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.content.blogs import seed as blogs
from pydotorg.content.pages import seed as pages
from pydotorg.content.posts import seed as posts
from pydotorg.content.stories import seed as stories


async def seed(session: AsyncSession) -> dict[str, int]:
    counts: dict[str, int] = {}
    for resource in (pages, blogs, stories, posts):
        counts.update(await resource.seed(session))
    return counts
