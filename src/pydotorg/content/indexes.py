"""Pages, blog entries, success stories and community posts in the site-wide search.

Published pages and approved stories and posts are indexed (so only they can be found, by
anyone, staff too); every blog entry is public."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from pydotorg.content.blogs.models import BlogEntry, BlogEntryTag
from pydotorg.content.markup import text_of
from pydotorg.content.pages.models import Page
from pydotorg.content.posts.models import APPROVED as POST_APPROVED
from pydotorg.content.posts.models import Post
from pydotorg.content.stories.models import APPROVED as STORY_APPROVED
from pydotorg.content.stories.models import Story
from pydotorg.core.search import IndexSpec, SearchIndex, everyone, staff_or

PAGE_INDEX = SearchIndex("page", 4)
ENTRY_INDEX = SearchIndex("blog_entry", 5)
STORY_INDEX = SearchIndex("story", 6)
POST_INDEX = SearchIndex("post", 7)


def entry_document(entry: BlogEntry) -> tuple[str, str]:
    return entry.title, f"{text_of(entry.summary)}\n{' '.join(entry.tags)}"


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


def _published() -> ColumnElement[bool]:
    return Page.is_published.is_(True)


def _approved_story() -> ColumnElement[bool]:
    return Story.status == STORY_APPROVED


def _approved_post() -> ColumnElement[bool]:
    return Post.status == POST_APPROVED


INDEXES = [
    IndexSpec(
        name="pages",
        index=PAGE_INDEX,
        model=Page,
        title=Page.title,
        date=Page.updated,
        route="getPage",
        visible=staff_or(_published),
        document=page_document,
        indexed=_published,
    ),
    IndexSpec(
        name="blogs",
        index=ENTRY_INDEX,
        model=BlogEntry,
        title=BlogEntry.title,
        date=BlogEntry.pub_date,
        route="getBlogEntry",
        visible=everyone,
        document=entry_document,
        follows={BlogEntryTag: lambda tag: tag.entry_id},
    ),
    IndexSpec(
        name="success_stories",
        index=STORY_INDEX,
        model=Story,
        title=Story.name,
        date=Story.date,
        route="getSuccessStory",
        visible=staff_or(_approved_story),
        document=story_document,
        indexed=_approved_story,
    ),
    IndexSpec(
        name="community",
        index=POST_INDEX,
        model=Post,
        title=Post.title,
        date=Post.published,
        route="getCommunityPost",
        visible=staff_or(_approved_post),
        document=post_document,
        indexed=_approved_post,
    ),
]
