"""What the blogs API can do: feeds, their entries (newest first, searchable), related blogs.

An entry's summary is stored as safe HTML: sanitised once, when it is written (by staff or by
``pydotorg import feed``), never per read. Every entry write indexes the entry (title, summary
text and tags) for full-text search in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import msgspec
from sqlalchemy import Select, func, select

from pydotorg.content.blogs.models import BlogEntry, BlogEntryTag, BlogFeed, RelatedBlog
from pydotorg.content.blogs.schemas import (
    BlogEntryCreate,
    BlogEntryRead,
    BlogEntryUpdate,
    BlogFeedCreate,
    BlogFeedRead,
    BlogFeedUpdate,
    RelatedBlogCreate,
    RelatedBlogRead,
    RelatedBlogUpdate,
)
from pydotorg.content.indexes import ENTRY_INDEX
from pydotorg.core.days import FIRST_YEAR, LAST_YEAR, DateRange
from pydotorg.core.exceptions import FieldError
from pydotorg.core.feeds import FeedAbout, FeedItem, feed_document
from pydotorg.core.queries import id_or_slug
from pydotorg.core.resources import CrudService
from pydotorg.core.services import by_role
from pydotorg.core.text import sanitize, slugify

FEED_SIZE = 50
FEED_TITLE = "Python blogs"


def unique_tags(tags: Iterable[str]) -> list[str]:
    """Tags without repeats (those differing only in case are one), in their order."""
    seen: dict[str, str] = {}
    for tag in tags:
        seen.setdefault(tag.casefold(), tag)
    return list(seen.values())


def set_tags(entry: BlogEntry, tags: Iterable[str]) -> None:
    """Give ``entry`` these tags, keeping the rows of those it has already."""
    wanted = unique_tags(tags)
    kept = [row for row in entry.tag_rows if row.name in wanted]
    have = {row.name for row in kept}
    entry.tag_rows = kept + [BlogEntryTag(name=name) for name in wanted if name not in have]


def check_moment(field: str, value: datetime | None) -> None:
    """422 unless ``value`` lies in the years entries may have (in UTC)."""
    if value is None:
        return
    try:
        year = value.astimezone(UTC).year
    except OverflowError:  # the first or last instant datetime holds, moved past its range
        year = value.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise FieldError(field, f"must lie in the years {FIRST_YEAR} to {LAST_YEAR}")


@dataclass(frozen=True)
class EntryFilters:
    """The list's filters: a feed (id or slug), a tag, words, and days (UTC, both included)."""

    feed: str | None = None
    tag: str | None = None
    q: str | None = None
    date_from: date | None = None
    date_to: date | None = None


class BlogFeedService(CrudService[BlogFeed, BlogFeedRead]):
    """The feeds python.org aggregates."""

    model, read_schema, create_schema = BlogFeed, BlogFeedRead, BlogFeedCreate
    update_schema, detail_route = BlogFeedUpdate, "getBlogFeed"
    unique = ("slug", "feed_url")

    @by_role
    def query(self) -> Select[BlogFeed]:
        return select(BlogFeed).order_by(BlogFeed.name, BlogFeed.id)

    def values(self, data: msgspec.Struct) -> dict[str, Any]:
        values = super().values(data)
        if values.get("slug", "") is None:
            values["slug"] = slugify(values["name"], fallback="feed")
        return values

    async def before_delete(self, row: BlogFeed) -> None:
        """A feed goes with its entries, one by one: each takes its search document along."""
        for entry in await self.session.scalars(
            select(BlogEntry).where(BlogEntry.feed_id == row.id)
        ):
            await self.session.delete(entry)


class BlogEntryService(CrudService[BlogEntry, BlogEntryRead]):
    """Blog entries, newest first, as anyone may read them and staff change them."""

    model, read_schema, create_schema = BlogEntry, BlogEntryRead, BlogEntryCreate
    update_schema, detail_route = BlogEntryUpdate, "getBlogEntry"
    unique = ()
    columns = {"feed_name": "feed.name"}
    reread = ("create", "update")

    @by_role
    def query(self) -> Select[BlogEntry]:
        return select(BlogEntry).order_by(BlogEntry.pub_date.desc(), BlogEntry.id.desc())

    def filtered(self, query: Select[BlogEntry], filters: Any) -> Select[BlogEntry]:
        f: EntryFilters = filters or EntryFilters()
        if f.feed is not None:
            feeds = select(BlogFeed.id).where(id_or_slug(BlogFeed, f.feed))
            query = query.where(BlogEntry.feed_id.in_(feeds))
        if f.tag is not None:
            query = query.where(
                select(BlogEntryTag.entry_id)
                .where(
                    BlogEntryTag.entry_id == BlogEntry.id,
                    func.lower(BlogEntryTag.name) == f.tag.lower(),
                )
                .exists()
            )
        dates = DateRange.of(f.date_from, f.date_to)
        if dates is not None:
            query = query.where(*dates.where(BlogEntry.pub_date))
        if f.q is not None and f.q.strip():
            query = ENTRY_INDEX.narrow(self.search_engine, query, f.q, BlogEntry.id, ranked=False)
        return query

    async def validate(self, values: dict[str, Any], current: BlogEntry | None) -> None:
        """The feed exists and has no other entry of the guid (the URL, when none is given);
        the dates are in range; the summary sanitised."""
        if current is None and values.get("guid") is None:
            values["guid"] = values["url"]
        feed_id = values.get("feed_id", current.feed_id if current else None)
        if "feed_id" in values:
            await self.rows(BlogFeed).reference(values["feed_id"], field="feed_id")
        check_moment("pub_date", values.get("pub_date"))
        check_moment("updated_date", values.get("updated_date"))
        guid = values.get("guid", current.guid if current else None)
        moved = current is None or guid != current.guid or feed_id != current.feed_id
        if moved:
            taken = await self.session.scalar(
                select(BlogEntry.id).where(BlogEntry.feed_id == feed_id, BlogEntry.guid == guid)
            )
            if taken is not None:
                raise FieldError("guid", f"the feed already has an entry with guid {guid!r}")
        if "summary" in values:
            values["summary"] = sanitize(values["summary"])

    def new(self, values: dict[str, Any]) -> BlogEntry:
        tags = values.pop("tags")
        entry = BlogEntry(**values)
        set_tags(entry, tags)
        return entry

    def change(self, row: BlogEntry, values: dict[str, Any]) -> None:
        if "tags" in values:
            set_tags(row, values.pop("tags"))
        super().change(row, values)

    async def feed(self, kind: str) -> bytes:
        """The ``FEED_SIZE`` newest entries as an ``"rss"`` or ``"atom"`` document."""
        rows = await self.session.scalars(self.query().limit(FEED_SIZE))
        items = [
            FeedItem(
                title=entry.title,
                link=entry.url,
                guid=entry.guid,
                published=entry.pub_date,
                updated=entry.updated_date,
                summary=entry.summary,
                author=entry.author,
                categories=entry.tags,
                summary_is_html=True,
            )
            for entry in rows.unique()
        ]
        about = FeedAbout(
            title=FEED_TITLE,
            link=self.links.url("listBlogEntries"),
            description="The newest entries of the blogs python.org follows.",
            rss_url=self.links.url("blogsFeedRss"),
            atom_url=self.links.url("blogsFeedAtom"),
        )
        return feed_document(kind, about, items)


class RelatedBlogService(CrudService[RelatedBlog, RelatedBlogRead]):
    """Blogs python.org points its readers to."""

    model, read_schema, create_schema = RelatedBlog, RelatedBlogRead, RelatedBlogCreate
    update_schema, detail_route = RelatedBlogUpdate, "getRelatedBlog"
    unique = ()

    @by_role
    def query(self) -> Select[RelatedBlog]:
        return select(RelatedBlog).order_by(RelatedBlog.blog_name, RelatedBlog.id)
