"""HTTP endpoints of blogs, at the guide's ``/api/blogs/``: entries, feeds, related blogs, and
RSS and Atom feeds of the newest entries."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar.params import Parameter

from pydotorg.content.blogs.services import (
    FEED_SIZE,
    BlogEntryService,
    BlogFeedService,
    EntryFilters,
    RelatedBlogService,
)
from pydotorg.core.days import DateRange, supported_day
from pydotorg.core.parameters import Key, Query
from pydotorg.core.resources import ResourceController, feed_endpoints


async def entry_filters(
    feed: Query[Key, Parameter(description="The feed's id or slug.")] = None,
    tag: Query[Key, Parameter(description="Entries with this tag (any case).")] = None,
    q: Query[
        Key, Parameter(description="Words in the title, summary or tags (full-text search).")
    ] = None,
    date_from: Annotated[
        date | None, Parameter(description="Published on or after this day (UTC).")
    ] = None,
    date_to: Annotated[
        date | None, Parameter(description="Published on or before this day (UTC).")
    ] = None,
) -> EntryFilters:
    first, last = supported_day(date_from, "date_from"), supported_day(date_to, "date_to")
    DateRange.of(first, last)  # a range that ends before it starts: 422 naming date_to
    return EntryFilters(feed=feed, tag=tag, q=q, date_from=first, date_to=last)


class BlogController(ResourceController):
    """The guide's ``GET /api/blogs/``, and the feeds of the newest entries."""

    path = "/api/blogs"
    tags = ["Blogs"]
    service, noun, plural = BlogEntryService, "BlogEntry", "BlogEntries"
    operations = ("list",)
    filters = entry_filters
    options = {
        "list": {
            "summary": "List blog entries, newest first",
            "description": "Entries of every feed python.org follows, by publication time, "
            "newest first. `q` searches titles, summaries and tags (all words must match).",
            "errors": (422,),
        }
    }
    rss, atom = feed_endpoints(
        "/feed", "blogsFeed", f"the {FEED_SIZE} newest blog entries", service=BlogEntryService
    )


class BlogEntryController(ResourceController):
    path = "/api/blogs/entries"
    tags = ["Blogs"]
    service, noun, plural, id_parameter = BlogEntryService, "BlogEntry", "BlogEntries", "entry_id"
    operations = ("get", "create", "update", "delete")
    options = {
        "create": {
            "description": "The summary is HTML, sanitised when written; `guid` defaults to "
            "`url` and is unique within the feed."
        },
        "update": {"description": "`tags`, when given, replace the entry's tags."},
    }


class BlogFeedController(ResourceController):
    path = "/api/blogs/feeds"
    tags = ["Blogs"]
    service, noun, plural, id_parameter = BlogFeedService, "BlogFeed", "BlogFeeds", "feed_id"
    options = {
        "create": {"description": "`slug` is made from the name when not given."},
        "delete": {"description": "The feed's entries are deleted with it."},
    }


class RelatedBlogController(ResourceController):
    path = "/api/blogs/related"
    tags = ["Blogs"]
    service, noun, plural = RelatedBlogService, "RelatedBlog", "RelatedBlogs"
    id_parameter = "related_id"


ROUTES = [BlogController, BlogEntryController, BlogFeedController, RelatedBlogController]
