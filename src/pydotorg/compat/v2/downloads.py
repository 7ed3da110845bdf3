"""python.org's v2 downloads API (``/api/v2/downloads/``), over the downloads services.

Bare, unpaginated arrays in python.org's order with its serializers' fields; ``os`` and
``release`` of a file are the absolute ``resource_uri`` of the OS and release. Staff write
with ``Authorization: Token <key>``: POST (201 and ``Location``), PUT, PATCH, DELETE, and
``DELETE release_file/delete_by_release/?release=<id>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from litestar import Request, delete
from litestar.di import NamedDependency
from litestar.params import Parameter

from pydotorg.compat.lookups import Field, Filtering, Relation, one_release
from pydotorg.compat.services import (
    RELEASE_COLUMNS,
    Conditions,
    PythonOrgFiles,
    PythonOrgOSes,
    PythonOrgReleases,
)
from pydotorg.compat.v2.drf import DRFController
from pydotorg.compat.v2.schemas import V2OS, V2Release, V2ReleaseFile
from pydotorg.core.resources import reader, to_schema
from pydotorg.downloads.models import OS, Release, ReleaseFile

BOOLEAN = "boolean"
VERSION_CHOICES = ("3", "2", "1", "100")
"""python.org's ``Release.PYTHON_VERSION_CHOICES``: Python 3, 2, 1 and the install manager."""
OS_FILTERS = Filtering({"name": Field(OS.name), "slug": Field(OS.slug)})
RELEASE_FILTERS = Filtering(
    {
        "name": Field(Release.name),
        "slug": Field(Release.slug),
        "is_published": Field(Release.is_published, BOOLEAN),
        "pre_release": Field(Release.pre_release, BOOLEAN),
        "version": Field(Release.major, "integer", choices=VERSION_CHOICES),
        "release_date": Field(Release.release_date, "datetime"),
    }
)
FILE_FILTERS = Filtering(
    {
        "name": Field(ReleaseFile.name),
        "slug": Field(ReleaseFile.slug),
        "description": Field(ReleaseFile.description, lookups=frozenset({"contains"})),
        "os": Relation(ReleaseFile.os_id),
        "release": Relation(ReleaseFile.release_id),
    }
)


class V2OSService(PythonOrgOSes):
    def read(self, row: Any) -> Any:
        return to_schema(V2OS, row, resource_uri=self.uri("drfGetOS")(row.id))


class V2ReleaseService(PythonOrgReleases):
    required: ClassVar[tuple[str, ...]] = ("name", "slug")  # DRF's: the model's slug has no default

    def read(self, row: Any) -> Any:
        return to_schema(
            V2Release,
            row,
            RELEASE_COLUMNS,
            release_page=None,
            resource_uri=self.uri("drfGetRelease")(row.id),
        )


FILE_COLUMNS = tuple(
    getattr(ReleaseFile, name)
    for name in (
        "id",
        "os_id",
        "release_id",
        *(field for field in V2ReleaseFile.__struct_fields__ if field not in {"os", "release"}),
    )
    if name != "resource_uri"
)


FILE_READER = reader(V2ReleaseFile, None, "os", "release", "resource_uri")


class V2ReleaseFileService(PythonOrgFiles):
    required: ClassVar[tuple[str, ...]] = (
        "name",
        "slug",
        "os",
        "release",
        "url",
    )  # DRF's, in its serializer's order

    def read(self, row: Any) -> Any:
        return self.reader()(row)

    def reader(self) -> Callable[[Any], V2ReleaseFile]:
        """How a row (an ORM object or a plain row) reads, its URIs made once."""
        os_uri, release_uri = self.uri("drfGetOS"), self.uri("drfGetRelease")
        file_uri = self.uri("drfGetReleaseFile")

        def read(row: Any) -> V2ReleaseFile:
            uris = os_uri(row.os_id), release_uri(row.release_id), file_uri(row.id)
            return FILE_READER(row, *uris)

        return read

    async def every(self, conditions: Conditions) -> list[Any]:
        """The whole list, read as plain rows: python.org's clients (cibuildwheel,
        ducktools) fetch all of it, thousands of files, and building ORM objects with their
        joined OS and release cost most of the answer's time (``bench/README.md``)."""
        query = self.query().with_only_columns(*FILE_COLUMNS)
        if conditions:
            query = query.where(*conditions)
        read = self.reader()
        return [read(row) for row in await self.session.execute(query)]


LIST = "Unpaginated, in python.org's order. Filters (exact match): "
BY_RELEASE = Annotated[
    str | None,
    Parameter(max_length=40, description="The release whose files to delete (its id)."),
]


class V2OSController(DRFController):
    path, service, schema, filtering = "/api/v2/downloads/os", V2OSService, V2OS, OS_FILTERS
    noun, plural, called = "OS", "OS", ("an OS", "OSes")
    options = {
        "list": {"description": LIST + "`name`, `slug`; other parameters are ignored."},
        "delete": {"summary": "python.org v2: delete an OS and its files (staff)"},
    }


class V2ReleaseController(DRFController):
    path, service, schema = "/api/v2/downloads/release", V2ReleaseService, V2Release
    noun, plural, filtering = "Release", "Releases", RELEASE_FILTERS
    options = {
        "list": {
            "description": LIST + "`name`, `slug`, `is_published`, `pre_release` "
            "(true/false/1/0), `version` (the major version, one of python.org's choices 1, "
            "2, 3 and 100, else a 400 naming it), `release_date`; other parameters are "
            "ignored. Unpublished releases are listed to staff only."
        },
        "get": {"description": "An unpublished release is a 404 to anyone but staff."},
        "delete": {"summary": "python.org v2: delete a release and its files (staff)"},
    }


class V2ReleaseFileController(DRFController):
    path, service, schema = "/api/v2/downloads/release_file", V2ReleaseFileService, V2ReleaseFile
    noun, plural, filtering, strict = "ReleaseFile", "ReleaseFiles", FILE_FILTERS, True
    options = {
        "list": {
            "description": LIST + "`name`, `slug`, `description__contains`, `os` and `release` "
            "(ids). Any other parameter is a 400 naming it, as on python.org. Files of "
            "unpublished releases are listed too, as python.org does."
        },
        "create": {
            "description": "URLs must start with `https://www.python.org/`; signature and SBOM "
            "URLs are the file URL plus `.asc`, `.sig`, `.crt`, `.sigstore` or `.spdx.json`."
        },
        "replace": {"description": "The URL rules are checked again."},
    }

    @delete(
        "/delete_by_release",
        operation_id="drfDeleteReleaseFilesOfRelease",
        summary="python.org v2: delete every file of a release (staff)",
        reads_query=True,
        description="Only as `?release=<id>`, exactly that one parameter once: anything else "
        "(no `release`, a blank or non-integer one, two of them, another parameter) is a 400 "
        "and deletes nothing.",
    )
    async def delete_by_release(
        self,
        request: Request[Any, Any, Any],
        service: NamedDependency[V2ReleaseFileService],
        release: BY_RELEASE = None,
    ) -> None:
        await service.delete_of_release(
            one_release(request.query_params.multi_items(), "parameter")
        )


ROUTES = [V2OSController, V2ReleaseController, V2ReleaseFileController]
