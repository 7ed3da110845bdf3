"""python.org's filters on pages, the same in v1 and v2."""

from __future__ import annotations

from pydotorg.compat.lookups import Field, Filtering
from pydotorg.content.pages.models import Page

PAGE_FILTERS = {
    "title": Field(Page.title),
    "keywords": Field(Page.keywords, lookups=frozenset({"exact", "icontains"})),
    "path": Field(Page.path),
    "is_published": Field(Page.is_published, "boolean"),
}
PAGE_FIELDS = frozenset(
    {"title", "keywords", "description", "path", "content", "is_published", "template_name"}
) | {"resource_uri"}
PAGE_FILTERING = Filtering(PAGE_FILTERS, PAGE_FIELDS)
