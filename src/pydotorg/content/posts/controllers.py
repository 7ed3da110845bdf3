"""HTTP endpoints of community posts, at ``/api/v1/community/posts``."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar.params import Parameter

from pydotorg.content.posts.services import PostFilters, PostService
from pydotorg.core.auth import Access
from pydotorg.core.endpoints import SUBMISSION
from pydotorg.core.parameters import Key, Query, Ref
from pydotorg.core.ratelimit import Tier
from pydotorg.core.resources import ResourceController


async def post_filters(
    author: Query[Ref, Parameter(description="The author's user id.")] = None,
    status: Annotated[
        Literal["draft", "pending", "approved", "rejected"] | None,
        Parameter(description="Review status (others than approved: staff and authors)."),
    ] = None,
    q: Query[
        Key,
        Parameter(
            description="Full-text search over title, content and media captions, best "
            "matches first; only approved posts are found."
        ),
    ] = None,
) -> PostFilters:
    return PostFilters(author=author, status=status, q=q)


class CommunityPostController(ResourceController):
    """Anyone reads approved posts; signed-in users write and submit theirs; staff review."""

    path = "/api/v1/community/posts"
    tags = ["Community"]
    service, noun, plural = PostService, "CommunityPost", "CommunityPosts"
    id_parameter = "post_id"
    write_access = Access.SIGNED_IN
    filters = post_filters
    options = {
        "list": {
            "description": "Approved posts, newest first (with `q`, best matches first); "
            "authors also see their own drafts, pending and rejected posts, staff see all.",
        },
        "create": {
            "summary": "Write a community post (as a draft)",
            "description": "Submit it for review with `POST /api/v1/community/posts/{id}/submit`. "
            "`content` is rendered to `content_html` from `content_type` and sanitised; every "
            "link and media URL must be an absolute http(s) URL (else 422 naming it).",
            "tier": Tier.MEDIUM,
        },
        "update": {
            "summary": "Edit a community post",
            "description": "Authors edit their drafts and rejected posts; staff edit any.",
            "tier": Tier.MEDIUM,
        },
        "delete": {
            "description": "Authors delete their own posts; staff delete any.",
            "tier": Tier.MEDIUM,
        },
        "submit": SUBMISSION,
    }


ROUTES = [CommunityPostController]
