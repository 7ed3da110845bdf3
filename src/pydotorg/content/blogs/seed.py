"""The Python Insider blog: its feed and the facts of its posts (see ``tools/data/blog_entries``).

Summaries are left empty (the posts' prose is not shipped); ``pydotorg import feed
https://blog.python.org/rss.xml`` fills them, matching the seeded entries by guid. Entries
keep the ids of the shipped file's order (oldest first); one already there is left alone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.content.blogs.models import BlogEntry, BlogEntryTag, BlogFeed
from pydotorg.data import load

PYTHON_INSIDER = {
    "id": 1,
    "name": "Python Insider",
    "slug": "python-insider",
    "website_url": "https://blog.python.org/",
    "feed_url": "https://blog.python.org/rss.xml",
}


def _day(text: str) -> datetime:
    return datetime.combine(date.fromisoformat(text), time(), UTC)


def _entry(number: int, feed_id: int, record: dict[str, Any]) -> dict[str, Any]:
    published = _day(record["pub_date"])
    return {
        "id": number,
        "feed_id": feed_id,
        "title": record["title"],
        "summary": "",
        "author": record["author"],
        "url": record["url"],
        "guid": record["guid"],
        "pub_date": published,
        "updated_date": _day(record["updated"]) if record["updated"] else None,
        "created": published,
        "updated": published,
    }


async def _feed_id(session: AsyncSession) -> tuple[int, int]:
    """The Python Insider feed's id, and 1 if it was added now."""
    found = await session.scalar(
        select(BlogFeed.id).where(BlogFeed.feed_url == PYTHON_INSIDER["feed_url"])
    )
    if found is not None:
        return found, 0
    now = datetime.now(UTC)
    values: dict[str, Any] = {**PYTHON_INSIDER, "created": now, "updated": now}
    if await session.get(BlogFeed, 1) is not None:
        del values["id"]
    feed_id = await session.scalar(insert(BlogFeed).values(values).returning(BlogFeed.id))
    assert feed_id is not None
    return feed_id, 1


async def seed(session: AsyncSession) -> dict[str, int]:
    feed_id, feeds = await _feed_id(session)
    taken_ids = set(await session.scalars(select(BlogEntry.id)))
    guids = set(await session.scalars(select(BlogEntry.guid).where(BlogEntry.feed_id == feed_id)))
    records = [
        (number, record)
        for number, record in enumerate(load("blog_entries"), start=1)
        if number not in taken_ids and record["guid"] not in guids
    ]
    entries = [_entry(number, feed_id, record) for number, record in records]
    if entries:
        await session.execute(insert(BlogEntry), entries)
        tags = [
            {"entry_id": number, "name": tag}
            for number, record in records
            for tag in record["tags"]
        ]
        if tags:
            await session.execute(insert(BlogEntryTag), tags)
    return {"blog_feeds": feeds, "blog_entries": len(entries)}
