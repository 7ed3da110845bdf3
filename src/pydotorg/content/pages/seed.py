"""The one page the project ships: its own description of this API, written for it.

No third-party page text is shipped; an operator brings python.org's pages with
``pydotorg import pages DIR``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.content.markup import Markup
from pydotorg.content.pages.models import Page
from pydotorg.content.pages.services import render_page

ABOUT_PATH = "/about/api/"
ABOUT_CONTENT = """\
# About this API

This is an open implementation of the Python.org API: Python releases and their download
files, the job board, events and their calendars, and the site's content, served as JSON
with pagination, caching headers and rate limits. Its documentation is served by the API
itself at [/api/](/api/), and every endpoint answers with the same error body.

Pages such as this one are written in Markdown, reStructuredText or HTML and rendered to
sanitised HTML when they are saved. Staff write them through `/api/pages/` or import a
directory of files with `pydotorg import pages DIR`; everyone else reads the published ones.
"""


async def seed(session: AsyncSession) -> dict[str, int]:
    """Add the project's own page unless a page already holds its path."""
    if await session.scalar(select(Page.id).where(Page.path == ABOUT_PATH)) is not None:
        return {"pages": 0}
    page = Page(
        path=ABOUT_PATH,
        title="About this API",
        keywords="api, python.org, documentation",
        description="What this API serves and how its pages are written.",
        content=ABOUT_CONTENT,
        content_type=Markup.MARKDOWN.value,
        is_published=True,
    )
    await render_page(page)
    session.add(page)
    await session.flush()
    return {"pages": 1}
