"""Community posts: a signed-in user's draft, submitted for review, public once staff approve.

The author edits a draft or a rejected post and submits it; staff approve it, or reject it (an
approved one too) with a reason the author reads in ``review_note``. Links and media URLs must
be absolute http(s) URLs (``javascript:``, ``data:`` and the like are 422 naming the field).
Approved posts, and only they, are in the search index, written in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import msgspec
from sqlalchemy import Select, select

from pydotorg.content.indexes import POST_INDEX
from pydotorg.content.posts.models import APPROVED, DRAFT, PENDING, REJECTED, Post
from pydotorg.content.posts.schemas import MediaItem, PostAuthor, PostCreate, PostRead, PostUpdate
from pydotorg.content.services import ReviewedContentService
from pydotorg.core.exceptions import FieldError
from pydotorg.core.queries import where_given
from pydotorg.core.resources import to_schema
from pydotorg.core.workflow import Move, Workflow

OWNER_EDITABLE = frozenset({DRAFT, REJECTED})
WORKFLOW = Workflow(
    "community post",
    {
        "submit": Move.of(
            {DRAFT, REJECTED},
            PENDING,
            "owner",
            "Submit a draft or rejected post for review (author)",
            description="The post is `pending` until staff approve or reject it.",
        ),
        "approve": Move.of(
            {PENDING},
            APPROVED,
            "staff",
            "Approve a post under review (staff)",
            description="The post becomes public and findable with `q`.",
        ),
        "reject": Move.of(
            {PENDING, APPROVED},
            REJECTED,
            "staff",
            "Reject a post, with a reason for the author (staff)",
            description="The post is visible to its author and staff only, as `rejected`, with "
            "the reason in `review_note`; the author may edit it and submit it again.",
            reason=True,
        ),
    },
)


def check_url(url: str, field: str) -> None:
    """422 naming ``field`` unless ``url`` is an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in url:
        raise FieldError(field, "must be an absolute http or https URL")


@dataclass(frozen=True)
class PostFilters:
    author: int | None = None
    status: str | None = None
    q: str | None = None


class PostService(ReviewedContentService[Post, PostRead]):
    """Community posts as one caller may see and change them."""

    model, read_schema, create_schema, update_schema = Post, PostRead, PostCreate, PostUpdate
    detail_route = "getCommunityPost"
    workflow, owner_editable, editable_while = WORKFLOW, OWNER_EDITABLE, "a draft or rejected"
    writer, called, slug_source = "author", "post", "title"
    reread = ("create", "update", "move")

    # Reading ------------------------------------------------------------------------------

    def query(self) -> Select[Post]:
        """Newest published first; approved ones for anyone, an author's own, all for staff."""
        query = self.visible(select(Post), public=Post.status == APPROVED, owner=Post.creator_id)
        return query.order_by(Post.published.desc().nulls_last(), Post.id.desc())

    def filtered(self, query: Select[Post], filters: Any) -> Select[Post]:
        f: PostFilters = filters or PostFilters()
        query = where_given(query, (Post.creator_id, f.author), (Post.status, f.status))
        if f.q is None:
            return query
        return POST_INDEX.narrow(self.search_engine, query, f.q, Post.id, Post.id.desc())

    def read(self, post: Post) -> PostRead:
        privileged = self.staff or self.owns(post)
        author = post.author
        return to_schema(
            PostRead,
            post,
            media=[MediaItem(**item) for item in post.media],
            author=PostAuthor(author.id, author.username) if author is not None else None,
            resource_uri=self.links.url("getCommunityPost", post.id),
            review_note=post.review_note if privileged else None,
            submitted=post.submitted if privileged else None,
        )

    # Writing ------------------------------------------------------------------------------

    async def move(self, key: int, name: str, reason: str | None = None) -> PostRead:
        post = await self.row(key)
        move = WORKFLOW.check(name, post.status, staff=self.staff, owner=self.owns(post))
        post.status = move.target
        if move.target == PENDING:
            post.submitted = self.now
        elif move.target == APPROVED:
            post.published = self.now
            post.review_note = ""
        if reason:
            post.review_note = reason
        return await self.saved(post, "move")

    async def validate(self, values: dict[str, Any], current: Post | None) -> None:
        """An author changes their own post while it is a draft or rejected; the URLs, a free
        slug; the body rendered; a new post is the caller's draft."""
        self.check_editable(values, current)
        for index, link in enumerate(values.get("links", [])):
            check_url(link, f"links[{index}]")
        if "media" in values:
            for index, item in enumerate(values["media"]):
                check_url(item.url, f"media[{index}].url")
            values["media"] = [msgspec.structs.asdict(item) for item in values["media"]]
        await self.settle(values, current)
        if current is None:
            values["status"] = DRAFT
