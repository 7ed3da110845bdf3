"""Pages, blog entries, success stories and community posts in the site-wide search.

Published pages and approved stories and posts are indexed (so only they can be found, by
anyone, staff too); every blog entry is public."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from pydotorg.content.blogs.models import BlogEntry
from pydotorg.content.blogs.services import ENTRY_INDEX, search_text
from pydotorg.content.pages.models import Page
from pydotorg.content.pages.services import PAGE_INDEX
from pydotorg.content.posts.models import APPROVED as POST_APPROVED
from pydotorg.content.posts.models import Post
from pydotorg.content.posts.services import POST_INDEX
from pydotorg.content.stories.models import APPROVED as STORY_APPROVED
from pydotorg.content.stories.models import Story
from pydotorg.content.stories.services import STORY_INDEX
from pydotorg.core.markup import text_of
from pydotorg.core.search import IndexSpec, Role


def page_document(page: Page) -> tuple[str, str]:
    return f"{page.title} {page.keywords}", f"{page.description}\n{text_of(page.content_html)}"


def story_document(story: Story) -> tuple[str, str]:
    return (
        f"{story.name} {story.company_name}",
        f"{story.summary}\n{story.content}\n{story.pull_quote}\n{story.author}",
    )


def post_document(post: Post) -> tuple[str, str]:
    captions = " ".join(item.get("caption", "") for item in post.media)
    return post.title, f"{post.content}\n{captions}"


def _page_visible(role: Role, user_id: int | None) -> ColumnElement[bool]:
    return true() if role == "staff" else Page.is_published.is_(True)


def _story_visible(role: Role, user_id: int | None) -> ColumnElement[bool]:
    return true() if role == "staff" else Story.status == STORY_APPROVED


def _post_visible(role: Role, user_id: int | None) -> ColumnElement[bool]:
    return true() if role == "staff" else Post.status == POST_APPROVED


def _public(role: Role, user_id: int | None) -> ColumnElement[bool]:
    return true()


INDEXES = [
    IndexSpec(
        name="pages",
        kind=PAGE_INDEX.kind,
        model=Page,
        title=Page.title,
        date=Page.updated,
        route="getPage",
        visible=_page_visible,
        document=page_document,
        indexed=lambda: Page.is_published.is_(True),
    ),
    IndexSpec(
        name="blogs",
        kind=ENTRY_INDEX.kind,
        model=BlogEntry,
        title=BlogEntry.title,
        date=BlogEntry.pub_date,
        route="getBlogEntry",
        visible=_public,
        document=search_text,
    ),
    IndexSpec(
        name="success_stories",
        kind=STORY_INDEX.kind,
        model=Story,
        title=Story.name,
        date=Story.date,
        route="getSuccessStory",
        visible=_story_visible,
        document=story_document,
        indexed=lambda: Story.status == STORY_APPROVED,
    ),
    IndexSpec(
        name="community",
        kind=POST_INDEX.kind,
        model=Post,
        title=Post.title,
        date=Post.published,
        route="getCommunityPost",
        visible=_post_visible,
        document=post_document,
        indexed=lambda: Post.status == POST_APPROVED,
    ),
]
