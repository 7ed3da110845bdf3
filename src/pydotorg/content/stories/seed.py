"""Loading the 42 legacy python.org success stories (facts only) and their categories.

Each story keeps its name, slug, web site, category, author and date, and links to its page on
python.org (``source_url``); its text stays there. Its content is one line composed from those
facts, so the story reads as what it is: a pointer to the page. Categories are the fields the
legacy index files stories under, numbered in alphabetical order; stories in the files' order.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.content.markup import render_off_loop
from pydotorg.content.stories.models import APPROVED, Story, StoryCategory
from pydotorg.core.text import slugify
from pydotorg.data import load


def content_line(record: dict[str, Any]) -> str:
    """The seeded story's body: its facts, and where to read it."""
    who = record["company_name"] or record["name"]
    return (
        f"{who} success story, {record['category']}, {record['date']}; "
        f"read it on python.org: <{record['url']}>"
    )


async def _story(number: int, record: dict[str, Any], category_id: int) -> dict[str, Any]:
    day = date.fromisoformat(record["date"])
    moment = datetime.combine(day, time(), UTC)
    content = content_line(record)
    return {
        "id": number,
        "slug": record["slug"],
        "name": record["name"],
        "company_name": record["company_name"],
        "company_url": record["company_url"],
        "category_id": category_id,
        "author": record["author"],
        "author_email": "",
        "date": day,
        "summary": "",
        "content": content,
        "content_type": "markdown",
        "content_html": await render_off_loop(content, "markdown"),
        "pull_quote": "",
        "source_url": record["url"],
        "featured": False,
        "status": APPROVED,
        "review_note": "",
        "creator_id": None,
        "submitted": None,
        "created": moment,
        "updated": moment,
    }


async def seed(session: AsyncSession) -> dict[str, int]:
    records = load("success_stories")
    names = sorted({name for record in records for name in record["categories"]})
    existing = set(await session.scalars(select(StoryCategory.slug)))
    new_categories = [
        {"id": number, "name": name, "slug": slugify(name, fallback="category")}
        for number, name in enumerate(names, start=1)
        if slugify(name, fallback="category") not in existing
    ]
    if new_categories:
        await session.execute(insert(StoryCategory), new_categories)
    rows = await session.execute(select(StoryCategory.slug, StoryCategory.id))
    ids: dict[str, int] = dict(rows.all())

    taken_ids = set(await session.scalars(select(Story.id)))
    taken_slugs = set(await session.scalars(select(Story.slug)))
    stories = [
        await _story(number, record, ids[slugify(record["category"], fallback="category")])
        for number, record in enumerate(records, start=1)
        if number not in taken_ids and record["slug"] not in taken_slugs
    ]
    if stories:
        await session.execute(insert(Story), stories)
    return {"story_categories": len(new_categories), "success_stories": len(stories)}
