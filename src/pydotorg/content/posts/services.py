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

from pydotorg.content.markup import render_off_loop
from pydotorg.content.posts.models import APPROVED, DRAFT, PENDING, REJECTED, Post
from pydotorg.content.posts.schemas import MediaItem, PostAuthor, PostCreate, PostRead, PostUpdate
from pydotorg.core.exceptions import FieldError, PermissionDeniedError
from pydotorg.core.queries import free_slug, where_given
from pydotorg.core.resources import CrudService, to_schema
from pydotorg.core.schemas import changed_fields
from pydotorg.core.search import SearchIndex
from pydotorg.core.text import slugify
from pydotorg.core.workflow import Move, Workflow

POST_INDEX = SearchIndex("post", 7)
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


class PostService(CrudService[Post, PostRead]):
    """Community posts as one caller may see and change them."""

    model, read_schema, create_schema, update_schema = Post, PostRead, PostCreate, PostUpdate
    detail_route = "getCommunityPost"
    workflow = WORKFLOW

    def owns(self, post: Post) -> bool:
        return self.caller is not None and post.creator_id == self.caller.id

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

    async def create(self, data: msgspec.Struct) -> PostRead:
        """A draft of the caller's."""
        values = await self._values(changed_fields(data), None)
        post = Post(**values, status=DRAFT, creator_id=self.user.id)
        self.session.add(post)
        return await self._saved(post)

    async def update(self, key: int, data: msgspec.Struct) -> PostRead:
        post = await self.row(key)
        if not self.staff:
            if not self.owns(post):
                raise PermissionDeniedError("Only the author or staff can change this post.")
            if post.status not in OWNER_EDITABLE:
                raise WORKFLOW.conflict(
                    "An author can edit a post only while it is a draft or rejected.",
                    post.status,
                    staff=False,
                    owner=True,
                )
        for name, value in (await self._values(changed_fields(data), post)).items():
            setattr(post, name, value)
        return await self._saved(post)

    async def delete(self, key: int) -> None:
        post = await self.row(key)
        if not (self.staff or self.owns(post)):
            raise PermissionDeniedError("Only the author or staff can delete this post.")
        await self.session.delete(post)
        await self.commit()

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
        return await self._saved(post)

    async def _values(self, changes: dict[str, Any], current: Post | None) -> dict[str, Any]:
        """The columns a body sets, checked: URLs, a free slug; the body rendered."""
        values = dict(changes)
        for index, link in enumerate(values.get("links", [])):
            check_url(link, f"links[{index}]")
        if "media" in values:
            for index, item in enumerate(values["media"]):
                check_url(item.url, f"media[{index}].url")
            values["media"] = [msgspec.structs.asdict(item) for item in values["media"]]
        wanted = values.get("slug")
        if wanted is not None and self.staff:  # staff see every post: a taken slug is a 422
            await self.rows(Post).check_unique(values, ("slug",), current=current)
        elif wanted is not None and (current is None or wanted != current.slug):
            # An author is never told the slugs of others' drafts: the next free one (-2, -3)
            values["slug"] = await free_slug(self.session, Post.slug, wanted)
        elif current is None:
            values["slug"] = await free_slug(
                self.session, Post.slug, slugify(values["title"], fallback="post", max_length=150)
            )
        if "content" in values or "content_type" in values:
            content = values.get("content", current.content if current else "")
            content_type = values.get("content_type", current.content_type if current else "")
            values["content_html"] = await render_off_loop(content, content_type)
        return values

    async def _saved(self, post: Post) -> PostRead:
        await self.commit()
        return self.read(await self.rows(Post).get(post.id, fresh=True))
