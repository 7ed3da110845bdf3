"""HTTP endpoints of success stories (``/api/v1/success-stories``) and their categories
(``/api/v1/story-categories``)."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar.params import Parameter

from pydotorg.content.stories.services import StoryCategoryService, StoryFilters, StoryService
from pydotorg.core.auth import Access
from pydotorg.core.endpoints import SUBMISSION
from pydotorg.core.parameters import Key, Query
from pydotorg.core.resources import ResourceController


async def story_filters(
    category: Query[Key, Parameter(description="Story category id or slug.")] = None,
    featured: Annotated[bool | None, Parameter(description="Featured stories, or others.")] = None,
    status: Annotated[
        Literal["pending", "approved", "rejected"] | None,
        Parameter(description="Review status (others than approved: staff and submitters)."),
    ] = None,
    q: Query[
        Key,
        Parameter(
            description="Full-text search over name, company, summary and content, best "
            "matches first; only approved stories are found."
        ),
    ] = None,
) -> StoryFilters:
    return StoryFilters(category=category, featured=featured, status=status, q=q)


class SuccessStoryController(ResourceController):
    """Anyone reads approved stories; signed-in users submit; staff write and review."""

    path = "/api/v1/success-stories"
    tags = ["Success stories"]
    service, noun, plural = StoryService, "SuccessStory", "SuccessStories"
    id_parameter = "story_id"
    write_access = Access.SIGNED_IN
    filters = story_filters
    options = {
        "list": {
            "description": "Approved stories, newest first (with `q`, best matches first); "
            "submitters also see their own pending and rejected ones, staff see all.",
        },
        "create": {
            "summary": "Create a success story (staff)",
            "description": "Public at once. The slug is made from the name when left out; "
            "`content` is rendered to `content_html` from `content_type` (markdown, "
            "restructuredtext or html) and sanitised.",
            "access": Access.STAFF,
        },
        "update": {
            "summary": "Edit a success story",
            "description": "Submitters edit their pending and rejected stories (not `featured`); "
            "staff edit any.",
        },
        "delete": {
            "description": "Submitters delete their own stories; staff delete any.",
        },
        "submit": {
            "description": "The story is `pending`, visible to you and staff only, until staff "
            "approve it; a rejection's reason is in `review_note`."
        },
        "resubmit": SUBMISSION,
    }


class StoryCategoryController(ResourceController):
    path = "/api/v1/story-categories"
    tags = ["Success stories"]
    service, noun, plural = StoryCategoryService, "StoryCategory", "StoryCategories"
    id_parameter = "category_id"
    options = {"delete": {"summary": "Delete a story category no story uses (staff)"}}


ROUTES = [SuccessStoryController, StoryCategoryController]
