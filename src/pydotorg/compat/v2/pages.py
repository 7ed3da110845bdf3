"""python.org's v2 pages API (``/api/v2/pages/page/``): read-only, over the pages service.

Published pages to anyone, every page to staff, in python.org's order (title, then path); an
unpublished page is a 404 to anyone else. ``content`` is the page rendered (sanitised HTML), as
python.org's markup field reads. POST, PUT, PATCH and DELETE are refused as on python.org:
401 to anonymous callers, 403 to accounts that are not staff, 405 to staff.
"""

from __future__ import annotations

from typing import Any

from pydotorg.compat.pages import PAGE_FILTERING
from pydotorg.compat.services import PAGE_COLUMNS, PythonOrgPages
from pydotorg.compat.v2.drf import DRFController
from pydotorg.compat.v2.schemas import V2Page
from pydotorg.core.resources import to_schema


class V2PageService(PythonOrgPages):
    def read(self, row: Any) -> Any:
        return to_schema(V2Page, row, PAGE_COLUMNS, resource_uri=self.uri("drfGetPage")(row.id))


class V2PageController(DRFController):
    path, service, schema, filtering = "/api/v2/pages/page", V2PageService, V2Page, PAGE_FILTERING
    noun, plural, strict, operations = "Page", "Pages", True, ("list", "get")
    options = {
        "list": {
            "description": "Unpaginated, by title then path. Filters: `title`, `path`, "
            "`keywords` (exact), `keywords__icontains`, `is_published` (true/false/1/0); any "
            "other parameter is a 400 naming it, as on python.org. Unpublished pages are "
            "listed to staff only."
        },
        "get": {"description": "An unpublished page is a 404 to anyone but staff."},
    }


ROUTES = [V2PageController]
