"""Request and response bodies of blogs: feeds, their entries, and related blogs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from pydotorg.core.schemas import (
    Description,
    Name,
    NamedRowRead,
    OptionalUrl,
    Ref,
    Slug,
    Url,
    WriteSchema,
    free_text,
    one_line,
    patch_of,
)

Title = Annotated[str, one_line(500, min_length=1), msgspec.Meta(examples=["Python 3.14.0 is out"])]
Summary = Annotated[
    str,
    free_text(100_000, description="HTML; sanitised when written (scripts and handlers go)."),
]
Author = Annotated[str, one_line(200), msgspec.Meta(examples=["Hugo van Kemenade"])]
Tag = Annotated[str, one_line(100, min_length=1), msgspec.Meta(examples=["releases"])]
Tags = Annotated[list[Tag], msgspec.Meta(max_length=20)]
Guid = Annotated[str, one_line(500, min_length=1)]
Moment = Annotated[
    datetime, msgspec.Meta(tz=True, description="A time with its UTC offset (years 1970-2100).")
]


class BlogFeedRead(NamedRowRead):
    website_url: str
    feed_url: str
    created: datetime
    updated: datetime
    resource_uri: str


class BlogFeedCreate(WriteSchema):
    name: Annotated[str, one_line(200, min_length=1), msgspec.Meta(examples=["Python Insider"])]
    feed_url: Annotated[Url, msgspec.Meta(examples=["https://blog.python.org/rss.xml"])]
    website_url: OptionalUrl = ""
    slug: Slug | None = None


BlogFeedUpdate = patch_of(BlogFeedCreate, not_null=("slug",))


class BlogEntryRead(msgspec.Struct):
    id: int
    feed_id: int
    feed_name: str
    title: str
    summary: str
    author: str
    tags: list[str]
    url: str
    guid: str
    pub_date: datetime
    updated_date: datetime | None
    created: datetime
    updated: datetime
    resource_uri: str


class BlogEntryCreate(WriteSchema):
    feed_id: Ref
    title: Title
    url: Annotated[Url, msgspec.Meta(examples=["https://blog.python.org/2025/10/python-3140/"])]
    pub_date: Moment
    summary: Summary = ""
    author: Author = ""
    tags: Tags = msgspec.field(default_factory=list)
    guid: Guid | None = None
    updated_date: Moment | None = None


BlogEntryUpdate = patch_of(BlogEntryCreate, not_null=("guid",))


class RelatedBlogRead(msgspec.Struct):
    id: int
    blog_name: str
    blog_website: str
    feed_url: str
    description: str
    created: datetime
    updated: datetime
    resource_uri: str


class RelatedBlogCreate(WriteSchema):
    blog_name: Name
    blog_website: Url
    feed_url: OptionalUrl = ""
    description: Description = ""


RelatedBlogUpdate = patch_of(RelatedBlogCreate)
