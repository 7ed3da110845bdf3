"""Request and response bodies of community posts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from pydotorg.content.markup import Markup
from pydotorg.core.schemas import Slug, WriteSchema, free_text, one_line, patch_of

Link = Annotated[
    str,
    one_line(500, min_length=1, description="An absolute http(s) URL; others are 422."),
    msgspec.Meta(examples=["https://us.pycon.org/"]),
]


class MediaItem(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    kind: Literal["image", "video", "link"]
    url: Link
    caption: Annotated[str, one_line(500)] = ""


class PostAuthor(msgspec.Struct):
    id: int
    username: str


class PostRead(msgspec.Struct):
    id: int
    slug: str
    title: str
    content: str
    content_type: str
    content_html: str
    links: list[str]
    media: list[MediaItem]
    author: PostAuthor | None
    status: str
    published: datetime | None
    created: datetime
    updated: datetime
    resource_uri: str
    review_note: str | None = None
    """Only for staff and the author: why staff rejected the post."""
    submitted: datetime | None = None


class PostCreate(WriteSchema):
    title: Annotated[
        str, one_line(200, min_length=1), msgspec.Meta(examples=["Our first PyLadies meetup"])
    ]
    content: Annotated[
        str,
        free_text(100_000),
        msgspec.Meta(examples=["Twelve of us met to write our *first* Python package."]),
    ] = ""
    content_type: Markup = Markup.MARKDOWN
    links: Annotated[list[Link], msgspec.Meta(max_length=20)] = msgspec.field(default_factory=list)
    media: Annotated[list[MediaItem], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )
    slug: Slug | None = None
    """Made from the title when left out."""


PostUpdate = patch_of(PostCreate, not_null=("slug",))
