"""python.org's ``/api/v1/``: Tastypie's top level, each resource python.org registers
(``urls_api.py``) by name with its list and schema paths, or with ``fullschema`` its schema."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get
from litestar.params import Parameter

from pydotorg.compat.dialects import tastypie
from pydotorg.compat.v1.discovery import full_schema_asked
from pydotorg.compat.v1.downloads import (
    V1OSController,
    V1ReleaseController,
    V1ReleaseFileController,
)
from pydotorg.compat.v1.pages import V1PageController
from pydotorg.compat.v1.schemas import IndexEntry
from pydotorg.compat.v1.tastypie import ROOT, TAG
from pydotorg.core.dialects import DIALECT_KEY
from pydotorg.core.endpoints import SLASHED_KEY, ApiController

FullSchema = Annotated[
    str | None,
    Parameter(
        max_length=100,
        description="Any value but `false`, `none` or an empty one puts each resource's whole "
        "schema in place of its path, as Tastypie reads it.",
    ),
]
RESOURCES = (V1PageController, V1OSController, V1ReleaseController, V1ReleaseFileController)


def index(full: bool) -> dict[str, IndexEntry]:
    """The top level, its keys in Tastypie's (sorted) order."""
    entries = {}
    for resource in sorted(RESOURCES, key=lambda resource: resource.resource_name()):
        schema: Any = resource.resource_schema() if full else f"{resource.path}/schema/"
        entries[resource.resource_name()] = IndexEntry(f"{resource.path}/", schema)
    return entries


class ApiRootV1Controller(ApiController):
    path = ROOT
    tags = [TAG]
    opt = {DIALECT_KEY: tastypie("v1"), SLASHED_KEY: True}

    @get(
        "/",
        operation_id="tastypieGetTopLevel",
        summary="The v1 API's resources (python.org v1)",
        description="What Tastypie answers at python.org's `/api/v1/`: each resource by name "
        "(`downloads/os`, ..., `pages/page`) with its `list_endpoint` and `schema` paths; with "
        "`fullschema=true` each resource's whole schema in place of its path.",
    )
    async def root(self, fullschema: FullSchema = None) -> dict[str, IndexEntry]:
        return index(full_schema_asked(fullschema))


ROUTES = [ApiRootV1Controller]
