"""python.org's v1 pages API (``/api/v1/pages/page/``), over the pages service.

Tastypie's lists and filters; staff create (201, ``Location``) and delete with
``Authorization: ApiKey <username>:<key>``; an unpublished page is a 401 to anyone else.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from pydotorg.compat.lookups import tastypie_conditions
from pydotorg.compat.pages import PAGE_FILTERING
from pydotorg.compat.services import PythonOrgPages
from pydotorg.compat.v1.downloads import visible_or_401
from pydotorg.compat.v1.schemas import V1Page, V1PageList
from pydotorg.compat.v1.tastypie import TastypieController, created, meta_of, window_of
from pydotorg.compat.writes import PageWrite, page_body
from pydotorg.core.dialects import DIALECT_KEY, tastypie
from pydotorg.core.resources import Id
from pydotorg.core.services import services


class V1PageService(PythonOrgPages):
    absolute = False

    def read(self, row: Any) -> Any:
        return V1Page(
            row.title,
            row.keywords,
            row.description,
            row.path,
            row.content,
            row.is_published,
            row.template_name,
            self.uri("tastypieGetPage")(row.id),
        )


class V1PageController(TastypieController):
    path = "/api/v1/pages/page"
    opt = {DIALECT_KEY: tastypie("pages/page")}
    dependencies = services(service=V1PageService)

    @get(
        "/",
        operation_id="tastypieListPages",
        summary="python.org v1: list pages",
        reads_query=True,
        description="Tastypie's `{meta, objects}` list (`limit`, default 20, at most 1000; "
        "`offset`), by title then path. Filters: `title`, `path`, `is_published` (exact), "
        "`keywords` (exact, `icontains`). Unpublished pages are listed to staff only.",
    )
    async def list_all(
        self, request: Request[Any, Any, Any], service: NamedDependency[V1PageService]
    ) -> V1PageList:
        window = window_of(request)
        conditions = tastypie_conditions(PAGE_FILTERING, request.query_params.multi_items())
        page = await service.page(window, conditions)
        return V1PageList(meta_of(request, window, page.total), page.items)

    @get(
        "/{page_id:int}",
        operation_id="tastypieGetPage",
        summary="python.org v1: get a page",
        description="An unpublished page is a 401 to anyone but staff, as on python.org.",
    )
    async def get_one(self, page_id: Id, service: NamedDependency[V1PageService]) -> V1Page:
        item: V1Page = await visible_or_401(service, page_id)
        return item

    @post(
        "/",
        media_type=MediaType.TEXT,
        operation_id="tastypieCreatePage",
        summary="python.org v1: create a page (staff)",
    )
    async def create(
        self, data: JSONBody[PageWrite], service: NamedDependency[V1PageService]
    ) -> Response[bytes]:
        item: V1Page = await service.create(page_body(data))
        return created(item.resource_uri)

    @delete(
        "/{page_id:int}",
        operation_id="tastypieDeletePage",
        summary="python.org v1: delete a page (staff)",
    )
    async def remove(self, page_id: Id, service: NamedDependency[V1PageService]) -> None:
        await service.delete(page_id)


ROUTES = [V1PageController]
