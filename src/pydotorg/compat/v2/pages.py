"""python.org's v2 pages API (``/api/v2/pages/page/``): read-only, over the pages service.

Published pages to anyone, every page to staff, in python.org's order (title, then path); an
unpublished page is a 404 to anyone else. POST, PUT, PATCH and DELETE are 405, as on python.org.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency

from pydotorg.compat.pages import PAGE_FILTERING
from pydotorg.compat.services import PythonOrgPages
from pydotorg.compat.v2.drf import DRFController, filters_of
from pydotorg.compat.v2.schemas import V2Page
from pydotorg.core.resources import Id
from pydotorg.core.services import services


class V2PageService(PythonOrgPages):
    def read(self, row: Any) -> Any:
        return V2Page(
            row.title,
            row.path,
            row.keywords,
            row.description,
            row.content,
            row.is_published,
            row.template_name,
            self.uri("drfGetPage")(row.id),
        )


class V2PageController(DRFController):
    path = "/api/v2/pages/page"
    dependencies = services(service=V2PageService)

    @get(
        "/",
        operation_id="drfListPages",
        summary="python.org v2: list pages",
        reads_query=True,
        description="Unpaginated, by title then path. Filters: `title`, `path`, `keywords` "
        "(exact), `keywords__icontains`, `is_published` (true/false/1/0); any other parameter "
        "is a 400 naming it, as on python.org. Unpublished pages are listed to staff only.",
    )
    async def list_all(
        self, request: Request[Any, Any, Any], service: NamedDependency[V2PageService]
    ) -> list[V2Page]:
        return await service.every(filters_of(request, PAGE_FILTERING, strict=True))

    @get(
        "/{page_id:int}",
        operation_id="drfGetPage",
        summary="python.org v2: get a page",
        description="An unpublished page is a 404 to anyone but staff.",
    )
    async def get_one(self, page_id: Id, service: NamedDependency[V2PageService]) -> V2Page:
        item: V2Page = await service.get(page_id)
        return item


ROUTES = [V2PageController]
