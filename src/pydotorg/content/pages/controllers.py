"""HTTP endpoints of pages at the guide's base path ``/api/pages/``. Thin: the service decides."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import Parameter

from pydotorg.content.pages.schemas import MAX_PATH, PATH_DESCRIPTION, SITE_PATH, PageRead
from pydotorg.content.pages.services import PageFilters, PageService
from pydotorg.core.parameters import Key, Query
from pydotorg.core.resources import ResourceController

PathPrefix = Annotated[
    str | None,
    Parameter(
        min_length=1,
        max_length=MAX_PATH,
        pattern=SITE_PATH,
        description="Only pages at this site path or under it (`/psf/` lists `/psf/` and "
        "`/psf/sponsorship/`). " + PATH_DESCRIPTION,
    ),
]
SitePath = Annotated[
    str,
    Parameter(
        min_length=1,
        max_length=MAX_PATH,
        pattern=SITE_PATH,
        description="The page's site path. " + PATH_DESCRIPTION,
    ),
]


async def page_filters(
    path: PathPrefix = None,
    keywords: Query[
        Key, Parameter(description="Only pages whose keywords contain this text.")
    ] = None,
    q: Annotated[
        str | None,
        Parameter(
            max_length=500,
            description="Full-text search over title, keywords, description and text; best "
            "matches first. Finds published pages only.",
        ),
    ] = None,
    is_published: Annotated[
        bool | None,
        Parameter(
            description="Published pages, or unpublished ones. Only staff see unpublished "
            "pages: for anyone else `false` lists nothing."
        ),
    ] = None,
) -> PageFilters:
    return PageFilters(path, keywords, q, is_published)


class PageController(ResourceController):
    """Anyone reads published pages; staff see every page and write them."""

    path = "/api/pages"
    tags = ["Pages"]
    service, noun, plural = PageService, "Page", "Pages"
    filters = page_filters
    options = {
        "list": {
            "description": "Published pages in path order (staff: every page). With `q`, "
            "best matches first."
        },
        "get": {"description": "An unpublished page is a 404 to anyone but staff."},
        "create": {
            "description": "`content` is rendered to `content_html` (sanitised) once, here. "
            "The path is stored with a leading and a trailing slash and must be unique."
        },
        "update": {
            "description": 'Publish or unpublish with `{"is_published": true|false}`; a new '
            "`content` or `content_type` is rendered again."
        },
    }

    @get(
        "/lookup",
        operation_id="getPageByPath",
        summary="Get the page at a site path",
        description="`?path=/about/` (slashes optional): the page, or 404. An unpublished page "
        "is a 404 to anyone but staff.",
        errors=(404,),
    )
    async def lookup(self, path: SitePath, service: NamedDependency[PageService]) -> PageRead:
        return await service.by_path(path)


ROUTES = [PageController]
