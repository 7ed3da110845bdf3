"""Pages as one caller may see and change them: staff write, everyone reads published ones.

A page's HTML is rendered when it is written (``content.markup``), and a published page is in the
search index (kind ``"page"``) from the same transaction; an unpublished one is taken out of it,
so no search of anyone's finds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import Select, select

from pydotorg.content.indexes import PAGE_INDEX
from pydotorg.content.markup import render_off_loop
from pydotorg.content.pages.models import Page
from pydotorg.content.pages.schemas import PageCreate, PageRead, PageUpdate, normalise_path
from pydotorg.core.exceptions import NotFoundError
from pydotorg.core.queries import contains, where_given
from pydotorg.core.resources import CrudService
from pydotorg.core.services import by_role


async def render_page(page: Page) -> None:
    page.content_html = await render_off_loop(page.content, page.content_type)


@dataclass(frozen=True)
class PageFilters:
    path: str | None = None
    keywords: str | None = None
    q: str | None = None
    is_published: bool | None = None


class PageService(CrudService[Page, PageRead]):
    model, read_schema, create_schema, update_schema = Page, PageRead, PageCreate, PageUpdate
    detail_route = "getPage"
    unique = ("path",)
    reread = ("update",)

    @by_role
    def query(self) -> Select[Page]:
        query = select(Page).order_by(Page.path, Page.id)
        return query if self.staff else query.where(Page.is_published.is_(True))

    def filtered(self, query: Select[Page], filters: Any) -> Select[Page]:
        f: PageFilters = filters or PageFilters()
        if f.path is not None:
            query = query.where(Page.path.startswith(normalise_path(f.path), autoescape=True))
        if f.keywords is not None:
            query = query.where(contains(Page.keywords, f.keywords))
        query = where_given(query, (Page.is_published, f.is_published))
        if f.q is not None:
            query = PAGE_INDEX.narrow(self.search_engine, query, f.q, Page.id, Page.path, Page.id)
        return query

    async def by_path(self, path: str) -> PageRead:
        """The page at a site path (given with or without its slashes), or 404."""
        site_path = normalise_path(path)
        page = await self.rows(Page).first(self.query().where(Page.path == site_path))
        if page is None:
            raise NotFoundError(f"No page at path {site_path!r}.")
        return self.read(page)

    def values(self, data: msgspec.Struct) -> dict[str, Any]:
        values = super().values(data)
        if "path" in values:
            values["path"] = normalise_path(values["path"])
        return values

    async def validate(self, values: dict[str, Any], current: Page | None) -> None:
        """A free path; a new page's creator; the content rendered when it changes."""
        await super().validate(values, current)
        if current is None:
            values["creator_id"] = self.user.id
        if "content" in values or "content_type" in values:
            content = values.get("content", current.content if current else "")
            content_type = values.get("content_type", current.content_type if current else "")
            values["content_html"] = await render_off_loop(content, content_type)
