"""Request and response bodies of success stories and their categories."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from pydotorg.accounts.schemas import Email
from pydotorg.content.markup import Markup
from pydotorg.core.schemas import (
    NamedRowRead,
    OptionalUrl,
    Ref,
    Slug,
    WriteSchema,
    free_text,
    one_line,
    patch_of,
)

StoryName = Annotated[
    str,
    one_line(500, min_length=1, description="The story's title."),
    msgspec.Meta(examples=["Industrial Light & Magic Runs on Python"]),
]
ShortText = Annotated[str, one_line(255)]
Content = Annotated[
    str,
    free_text(100_000, description="The story, in `content_type`."),
    msgspec.Meta(examples=["Python runs *every* step of our pipeline."]),
]
Summary = Annotated[str, free_text(2000)]
Day = Annotated[
    date,
    msgspec.Meta(description="The story's date (years 1900 to 2100)."),
]


class StoryCategoryRead(NamedRowRead):
    resource_uri: str


class StoryCategoryCreate(WriteSchema):
    name: Annotated[str, one_line(200, min_length=1)]
    slug: Slug | None = None
    """Made from the name when left out."""


StoryCategoryUpdate = patch_of(StoryCategoryCreate, not_null=("slug",))


class CategoryRef(NamedRowRead):
    pass


class StoryRead(msgspec.Struct):
    id: int
    slug: str
    name: str
    company_name: str
    company_url: str
    category: CategoryRef
    author: str
    date: Day | None
    summary: str
    content: str
    content_type: str
    content_html: str
    pull_quote: str
    source_url: str
    featured: bool
    status: str
    is_published: bool
    created: datetime
    updated: datetime
    resource_uri: str
    author_email: str | None = None
    """Only for staff and the story's submitter."""
    creator_id: int | None = None
    review_note: str | None = None


class StorySubmit(WriteSchema):
    """A signed-in user's story, pending until staff review it."""

    name: StoryName
    category_id: Ref
    company_name: ShortText = ""
    company_url: OptionalUrl = ""
    author: ShortText = ""
    author_email: Email | None = None
    date: Day | None = None
    summary: Summary = ""
    content: Content = ""
    content_type: Markup = Markup.MARKDOWN
    pull_quote: Summary = ""
    source_url: OptionalUrl = ""


class StoryCreate(StorySubmit):
    """A staff-made story, public at once."""

    slug: Slug | None = None
    featured: bool = False


StoryUpdate = patch_of(StoryCreate, not_null=("slug",))
