"""python.org's v1 pages API (``/api/v1/pages/page/``), over the pages service.

Tastypie's lists and filters; staff create (201, ``Location``) and delete with
``Authorization: ApiKey <username>:<key>``; an unpublished page is a 401 to anyone else.
"""

from __future__ import annotations

from typing import Any

from pydotorg.compat.pages import PAGE_FILTERING
from pydotorg.compat.services import PythonOrgPages
from pydotorg.compat.v1.schemas import V1Page, V1PageList
from pydotorg.compat.v1.tastypie import TastypieController


class V1PageService(PythonOrgPages):
    stem = "tastypie"

    def read(self, row: Any) -> Any:
        return V1Page(
            row.title,
            row.keywords,
            row.description,
            row.path,
            row.content_html,
            row.is_published,
            row.template_name,
            self.uri("tastypieGetPage")(row.id),
        )


class V1PageController(TastypieController):
    path, service, schema, listing = "/api/v1/pages/page", V1PageService, V1Page, V1PageList
    noun, plural, filtering, hidden_is_401 = "Page", "Pages", PAGE_FILTERING, True
    options = {
        "list": {
            "description": "Tastypie's `{meta, objects}` list (`limit`, default 20, at most "
            "1000; `offset`), by title then path. Filters: `title`, `path`, `is_published` "
            "(exact), `keywords` (exact, `icontains`). Unpublished pages are listed to staff only."
        },
        "get": {
            "description": "An unpublished page is a 401 to anyone but staff, as on python.org."
        },
    }


ROUTES = [V1PageController]
