"""Success stories: who sees one, who may change it, and its review.

Staff's stories are public at once. A signed-in user's submission is ``pending``, visible to
them and staff only, until staff approve it; staff may reject it (or take an approved story
down) with a reason the submitter reads in ``review_note``, and the submitter may edit a
rejected story and ``resubmit`` it. Approved stories, and only they, are in the search index,
written in the same transaction as the story. Bodies are rendered to ``content_html`` on write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec
from sqlalchemy import Select, select

from pydotorg.content.indexes import STORY_INDEX
from pydotorg.content.services import ReviewedContentService
from pydotorg.content.stories.models import APPROVED, PENDING, REJECTED, Story, StoryCategory
from pydotorg.content.stories.schemas import (
    CategoryRef,
    StoryCategoryCreate,
    StoryCategoryRead,
    StoryCategoryUpdate,
    StoryCreate,
    StoryRead,
    StorySubmit,
    StoryUpdate,
)
from pydotorg.core.exceptions import ConflictError, FieldError
from pydotorg.core.queries import id_or_slug, where_given
from pydotorg.core.resources import CrudService, to_schema
from pydotorg.core.services import by_role
from pydotorg.core.text import slugify
from pydotorg.core.workflow import Move, Workflow

FIRST_YEAR, LAST_YEAR = 1900, 2100
OWNER_EDITABLE = frozenset({PENDING, REJECTED})
WORKFLOW = Workflow(
    "success story",
    {
        "resubmit": Move.of(
            {REJECTED},
            PENDING,
            "owner",
            "Submit a rejected story again (submitter)",
            description="Edit the story first (`PATCH`); it is `pending` again until staff "
            "review it.",
        ),
        "approve": Move.of(
            {PENDING, REJECTED},
            APPROVED,
            "staff",
            "Approve a submitted story (staff)",
            description="The story becomes public and findable with `q`.",
        ),
        "reject": Move.of(
            {PENDING, APPROVED},
            REJECTED,
            "staff",
            "Reject a story, with a reason for the submitter (staff)",
            description="The story is visible to its submitter and staff only, as `rejected`, "
            "with the reason in `review_note`.",
            reason=True,
        ),
    },
)


@dataclass(frozen=True)
class StoryFilters:
    category: str | None = None
    featured: bool | None = None
    status: str | None = None
    q: str | None = None


class StoryService(ReviewedContentService[Story, StoryRead]):
    """Success stories as one caller may see and change them."""

    model, read_schema, create_schema, update_schema = Story, StoryRead, StoryCreate, StoryUpdate
    detail_route = "getSuccessStory"
    submit_schema = StorySubmit
    workflow, owner_editable, editable_while = WORKFLOW, OWNER_EDITABLE, "pending or rejected"
    writer, called, slug_source = "submitter", "story", "name"
    staff_only = {"featured": "Only staff can feature a story."}
    reread = ("create", "update", "move")

    # Reading ------------------------------------------------------------------------------

    def query(self) -> Select[Story]:
        """Newest first; approved ones for anyone, a submitter's own, everything for staff."""
        query = self.visible(select(Story), public=Story.status == APPROVED, owner=Story.creator_id)
        return query.order_by(Story.date.desc().nulls_last(), Story.id.desc())

    def filtered(self, query: Select[Story], filters: Any) -> Select[Story]:
        f: StoryFilters = filters or StoryFilters()
        if f.category is not None:
            categories = select(StoryCategory.id).where(id_or_slug(StoryCategory, f.category))
            query = query.where(Story.category_id.in_(categories))
        query = where_given(query, (Story.featured, f.featured), (Story.status, f.status))
        if f.q is None:
            return query
        return STORY_INDEX.narrow(self.search_engine, query, f.q, Story.id, Story.id.desc())

    def read(self, story: Story) -> StoryRead:
        privileged = self.staff or self.owns(story)
        return to_schema(
            StoryRead,
            story,
            category=to_schema(CategoryRef, story.category),
            is_published=story.status == APPROVED,
            resource_uri=self.links.url("getSuccessStory", story.id),
            author_email=story.author_email if privileged else None,
            creator_id=story.creator_id if privileged else None,
            review_note=story.review_note if privileged else None,
        )

    # Writing ------------------------------------------------------------------------------

    async def create(self, data: msgspec.Struct) -> StoryRead:
        """A staff-made story: public at once."""
        return await self.insert(self.values(data), status=APPROVED, submitted=None)

    async def submit(self, data: StorySubmit) -> StoryRead:
        """A signed-in user's story: pending until staff review it."""
        return await self.insert(self.values(data), status=PENDING, submitted=self.now)

    async def move(self, key: int, name: str, reason: str | None = None) -> StoryRead:
        story = await self.row(key)
        move = WORKFLOW.check(name, story.status, staff=self.staff, owner=self.owns(story))
        story.status = move.target
        if move.target == PENDING:
            story.submitted = self.now
        if reason:
            story.review_note = reason
        elif move.target == APPROVED:
            story.review_note = ""
        return await self.saved(story, "move")

    async def validate(self, values: dict[str, Any], current: Story | None) -> None:
        """A submitter changes their own story while it is pending or rejected, and never
        features it; the category exists, the slug is free, the date in range; the body
        rendered; a new story is the caller's."""
        self.check_editable(values, current)
        if "author_email" in values:
            values["author_email"] = values["author_email"] or ""
        if values.get("category_id") is not None:
            await self.rows(StoryCategory).reference(values["category_id"], field="category_id")
        day: date | None = values.get("date")
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise FieldError("date", f"must be a day of the years {FIRST_YEAR} to {LAST_YEAR}")
        await self.settle(values, current)


class StoryCategoryService(CrudService[StoryCategory, StoryCategoryRead]):
    """Fields stories are filed under; staff-managed, and kept while stories use them."""

    model, read_schema = StoryCategory, StoryCategoryRead
    create_schema, update_schema = StoryCategoryCreate, StoryCategoryUpdate
    detail_route = "getStoryCategory"

    @by_role
    def query(self) -> Select[StoryCategory]:
        return select(StoryCategory).order_by(StoryCategory.name, StoryCategory.id)

    async def validate(self, values: dict[str, Any], current: StoryCategory | None) -> None:
        if current is None and values.get("slug") is None:
            values["slug"] = slugify(values["name"], fallback="category", max_length=150)
            taken = await self.rows(StoryCategory).count(StoryCategory.slug == values["slug"])
            if taken:
                raise FieldError("name", f"a story category named like {values['name']!r} exists")
        await super().validate(values, current)

    async def before_delete(self, category: StoryCategory) -> None:
        used = await self.rows(Story).count(Story.category_id == category.id)
        if used:
            raise ConflictError(
                f"Story category {category.id} still has {used} stories.", extra={"stories": used}
            )
