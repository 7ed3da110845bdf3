"""python.org's v1 pages API (``/api/v1/pages/page/``), over the pages service.

Tastypie's lists and filters; staff create (201, ``Location``) and delete with
``Authorization: ApiKey <username>:<key>``; an unpublished page is a 401 to anyone else. The
schema's facts are those of python.org's ``Page`` model (``apps/pages/models.py``).
"""

from __future__ import annotations

from typing import Any

from pydotorg.compat.pages import PAGE_FILTERING
from pydotorg.compat.services import PAGE_COLUMNS, PythonOrgPages
from pydotorg.compat.v1.discovery import RESOURCE_URI, Described, optional
from pydotorg.compat.v1.schemas import V1Page, V1PageList, V1PageSet
from pydotorg.compat.v1.tastypie import TastypieController, TastypieService
from pydotorg.core.resources import to_schema

PAGE_FIELDS = {
    "title": Described("string"),
    "keywords": optional(help_text="HTTP meta-keywords"),
    "description": optional(help_text="HTTP meta-description"),
    "path": Described("string", unique=True),
    "content": Described("string", default=""),
    "is_published": Described("boolean", default=True),
    "template_name": optional(
        help_text="Example: 'pages/about.html'. If this isn't provided, the system will use "
        "'pages/default.html'."
    ),
    "resource_uri": RESOURCE_URI,
}


class V1PageService(TastypieService, PythonOrgPages):
    stem = "tastypie"

    def read(self, row: Any) -> Any:
        return to_schema(
            V1Page, row, PAGE_COLUMNS, resource_uri=self.uri("tastypieGetPage")(row.id)
        )


class V1PageController(TastypieController):
    path, service, schema, listing = "/api/v1/pages/page", V1PageService, V1Page, V1PageList
    noun, plural, filtering, hidden_is_401 = "Page", "Pages", PAGE_FILTERING, True
    sets, described = V1PageSet, PAGE_FIELDS
    options = {
        "list": {
            "description": "Tastypie's `{meta, objects}` list (`limit`, default 20, at most "
            "1000; `offset`), by title then path. Filters: `title`, `path`, `is_published` "
            "(exact), `keywords` (exact, `icontains`). Unpublished pages are listed to staff only."
        },
        "get": {
            "description": "An unpublished page is a 401 to anyone but staff, as on python.org."
        },
        "get_multiple": {
            "description": "Tastypie's `set/`: the pages named by the ids (`1;3`), in that "
            "order, and under `not_found` each id that names none the caller may see."
        },
        "get_schema": {"description": "Tastypie's description of the resource."},
    }


ROUTES = [V1PageController]
