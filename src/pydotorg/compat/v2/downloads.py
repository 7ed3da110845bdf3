"""python.org's v2 downloads API (``/api/v2/downloads/``), over the downloads services.

Bare, unpaginated arrays in python.org's order with its serializers' fields; ``os`` and
``release`` of a file are the absolute ``resource_uri`` of the OS and release. Staff write
with ``Authorization: Token <key>``: POST (201 and ``Location``), PUT, PATCH, DELETE, and
``DELETE release_file/delete_by_release/?release=<id>``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from pydotorg.compat.lookups import Field, Filtering, InvalidFilter, Relation
from pydotorg.compat.services import (
    Conditions,
    PythonOrgFiles,
    PythonOrgOSes,
    PythonOrgReleases,
)
from pydotorg.compat.v2.drf import DRFController, created, filters_of
from pydotorg.compat.v2.schemas import V2OS, V2Release, V2ReleaseFile
from pydotorg.compat.writes import (
    OSWrite,
    ReleaseFileWrite,
    ReleaseWrite,
    file_body,
    given,
    os_body,
    release_body,
)
from pydotorg.core.resources import Id
from pydotorg.core.services import services
from pydotorg.downloads.models import OS, Release, ReleaseFile
from pydotorg.downloads.schemas import OSCreate

BOOLEAN = "boolean"
OS_FILTERS = Filtering({"name": Field(OS.name), "slug": Field(OS.slug)})
RELEASE_FILTERS = Filtering(
    {
        "name": Field(Release.name),
        "slug": Field(Release.slug),
        "is_published": Field(Release.is_published, BOOLEAN),
        "pre_release": Field(Release.pre_release, BOOLEAN),
        "version": Field(Release.major, "integer"),
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
        return V2OS(row.name, row.slug, self.uri("drfGetOS")(row.id))


class V2ReleaseService(PythonOrgReleases):
    def read(self, row: Any) -> Any:
        return V2Release(
            row.name,
            row.slug,
            row.major,
            row.is_published,
            row.is_latest,
            row.release_date,
            row.pre_release,
            None,
            row.release_notes_url,
            row.show_on_download_page,
            self.uri("drfGetRelease")(row.id),
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


class V2ReleaseFileService(PythonOrgFiles):
    def read(self, row: Any) -> Any:
        return V2ReleaseFile(
            row.name,
            row.slug,
            self.uri("drfGetOS")(row.os_id),
            self.uri("drfGetRelease")(row.release_id),
            row.description,
            row.is_source,
            row.url,
            row.gpg_signature_file,
            row.md5_sum,
            row.sha256_sum,
            row.filesize,
            row.download_button,
            self.uri("drfGetReleaseFile")(row.id),
            row.sigstore_signature_file,
            row.sigstore_cert_file,
            row.sigstore_bundle_file,
            row.sbom_spdx2_file,
        )

    async def every(self, conditions: Conditions) -> list[Any]:
        """The whole list, read as plain rows: python.org's clients (cibuildwheel,
        ducktools) fetch all of it, thousands of files, and building ORM objects with their
        joined OS and release cost most of the answer's time (``bench/README.md``)."""
        query = self.query().with_only_columns(*FILE_COLUMNS)
        if conditions:
            query = query.where(*conditions)
        rows = await self.session.execute(query)
        os_uri = self.uri("drfGetOS")
        release_uri = self.uri("drfGetRelease")
        file_uri = self.uri("drfGetReleaseFile")
        return [
            V2ReleaseFile(
                row.name,
                row.slug,
                os_uri(row.os_id),
                release_uri(row.release_id),
                row.description,
                row.is_source,
                row.url,
                row.gpg_signature_file,
                row.md5_sum,
                row.sha256_sum,
                row.filesize,
                row.download_button,
                file_uri(row.id),
                row.sigstore_signature_file,
                row.sigstore_cert_file,
                row.sigstore_bundle_file,
                row.sbom_spdx2_file,
            )
            for row in rows
        ]

    def body(self, data: JSONBody[ReleaseFileWrite], *, partial: bool) -> Any:
        values = given(data, *(() if partial else ("name", "os", "release", "url")))
        if "os" in values:
            values["os"] = self.id_in("drfGetOS", values["os"], "os")
        if "release" in values:
            values["release"] = self.id_in("drfGetRelease", values["release"], "release")
        return file_body(values, partial=partial)


OS_ID = "os_id"
RELEASE_ID = "release_id"
FILE_ID = "release_file_id"
LIST = "Unpaginated, in python.org's order. Filters (exact match): "
BY_RELEASE = Annotated[
    str | None,
    Parameter(max_length=40, description="The release whose files to delete (its id)."),
]


class V2OSController(DRFController):
    path = "/api/v2/downloads/os"
    dependencies = services(service=V2OSService)

    @get(
        "/",
        operation_id="drfListOS",
        summary="python.org v2: list OSes",
        reads_query=True,
        description=LIST + "`name`, `slug`; other parameters are ignored.",
    )
    async def list_all(
        self, request: Request[Any, Any, Any], service: NamedDependency[V2OSService]
    ) -> list[V2OS]:
        return await service.every(filters_of(request, OS_FILTERS, strict=False))

    @get("/{os_id:int}", operation_id="drfGetOS", summary="python.org v2: get an OS")
    async def get_one(self, os_id: Id, service: NamedDependency[V2OSService]) -> V2OS:
        item: V2OS = await service.get(os_id)
        return item

    @post("/", operation_id="drfCreateOS", summary="python.org v2: create an OS (staff)")
    async def create(
        self, data: JSONBody[OSWrite], service: NamedDependency[V2OSService]
    ) -> Response[V2OS]:
        item: V2OS = await service.create(OSCreate(**os_body(data, partial=False)))
        return created(item, item.resource_uri)

    @put(
        "/{os_id:int}", operation_id="drfReplaceOS", summary="python.org v2: replace an OS (staff)"
    )
    async def replace(
        self, os_id: Id, data: JSONBody[OSWrite], service: NamedDependency[V2OSService]
    ) -> V2OS:
        item: V2OS = await service.update(
            os_id, service.update_schema(**os_body(data, partial=False))
        )
        return item

    @patch(
        "/{os_id:int}", operation_id="drfUpdateOS", summary="python.org v2: update an OS (staff)"
    )
    async def update(
        self, os_id: Id, data: JSONBody[OSWrite], service: NamedDependency[V2OSService]
    ) -> V2OS:
        item: V2OS = await service.update(
            os_id, service.update_schema(**os_body(data, partial=True))
        )
        return item

    @delete(
        "/{os_id:int}",
        operation_id="drfDeleteOS",
        summary="python.org v2: delete an OS (staff)",
        errors=(409,),
    )
    async def remove(self, os_id: Id, service: NamedDependency[V2OSService]) -> None:
        await service.delete(os_id)


class V2ReleaseController(DRFController):
    path = "/api/v2/downloads/release"
    dependencies = services(service=V2ReleaseService)

    @get(
        "/",
        operation_id="drfListReleases",
        summary="python.org v2: list releases",
        reads_query=True,
        description=LIST + "`name`, `slug`, `is_published`, `pre_release` (true/false/1/0), "
        "`version` (major), `release_date`; other parameters are ignored. Unpublished "
        "releases are listed to staff only.",
    )
    async def list_all(
        self, request: Request[Any, Any, Any], service: NamedDependency[V2ReleaseService]
    ) -> list[V2Release]:
        return await service.every(filters_of(request, RELEASE_FILTERS, strict=False))

    @get(
        "/{release_id:int}",
        operation_id="drfGetRelease",
        summary="python.org v2: get a release",
        description="An unpublished release is a 404 to anyone but staff.",
    )
    async def get_one(
        self, release_id: Id, service: NamedDependency[V2ReleaseService]
    ) -> V2Release:
        item: V2Release = await service.get(release_id)
        return item

    @post("/", operation_id="drfCreateRelease", summary="python.org v2: create a release (staff)")
    async def create(
        self, data: JSONBody[ReleaseWrite], service: NamedDependency[V2ReleaseService]
    ) -> Response[V2Release]:
        item: V2Release = await service.create(release_body(data, partial=False))
        return created(item, item.resource_uri)

    @put(
        "/{release_id:int}",
        operation_id="drfReplaceRelease",
        summary="python.org v2: replace a release (staff)",
    )
    async def replace(
        self,
        release_id: Id,
        data: JSONBody[ReleaseWrite],
        service: NamedDependency[V2ReleaseService],
    ) -> V2Release:
        given(data, "name")
        item: V2Release = await service.update(release_id, release_body(data, partial=True))
        return item

    @patch(
        "/{release_id:int}",
        operation_id="drfUpdateRelease",
        summary="python.org v2: update a release (staff)",
    )
    async def update(
        self,
        release_id: Id,
        data: JSONBody[ReleaseWrite],
        service: NamedDependency[V2ReleaseService],
    ) -> V2Release:
        item: V2Release = await service.update(release_id, release_body(data, partial=True))
        return item

    @delete(
        "/{release_id:int}",
        operation_id="drfDeleteRelease",
        summary="python.org v2: delete a release and its files (staff)",
    )
    async def remove(self, release_id: Id, service: NamedDependency[V2ReleaseService]) -> None:
        await service.delete(release_id)


class V2ReleaseFileController(DRFController):
    path = "/api/v2/downloads/release_file"
    dependencies = services(service=V2ReleaseFileService)

    @get(
        "/",
        operation_id="drfListReleaseFiles",
        summary="python.org v2: list release files",
        reads_query=True,
        description=LIST + "`name`, `slug`, `description__contains`, `os` and `release` (ids). "
        "Any other parameter is a 400 naming it, as on python.org. Files of unpublished "
        "releases are listed too, as python.org does.",
    )
    async def list_all(
        self, request: Request[Any, Any, Any], service: NamedDependency[V2ReleaseFileService]
    ) -> list[V2ReleaseFile]:
        return await service.every(filters_of(request, FILE_FILTERS, strict=True))

    @delete(
        "/delete_by_release",
        operation_id="drfDeleteReleaseFilesOfRelease",
        summary="python.org v2: delete every file of a release (staff)",
        description="`?release=<id>` is required (a missing, blank or non-integer one is a "
        "400); other parameters are ignored.",
    )
    async def delete_by_release(
        self, service: NamedDependency[V2ReleaseFileService], release: BY_RELEASE = None
    ) -> None:
        if not release or not release.isascii() or not release.isdigit() or len(release) > 18:
            raise InvalidFilter([("release", "A release id is required.")])
        await service.delete_of_release(int(release))

    @get(
        "/{release_file_id:int}",
        operation_id="drfGetReleaseFile",
        summary="python.org v2: get a release file",
    )
    async def get_one(
        self, release_file_id: Id, service: NamedDependency[V2ReleaseFileService]
    ) -> V2ReleaseFile:
        item: V2ReleaseFile = await service.get(release_file_id)
        return item

    @post(
        "/",
        operation_id="drfCreateReleaseFile",
        summary="python.org v2: create a release file (staff)",
        description="URLs must start with `https://www.python.org/`; signature and SBOM URLs "
        "are the file URL plus `.asc`, `.sig`, `.crt`, `.sigstore` or `.spdx.json`.",
    )
    async def create(
        self, data: JSONBody[ReleaseFileWrite], service: NamedDependency[V2ReleaseFileService]
    ) -> Response[V2ReleaseFile]:
        item: V2ReleaseFile = await service.create(service.body(data, partial=False))
        return created(item, item.resource_uri)

    @put(
        "/{release_file_id:int}",
        operation_id="drfReplaceReleaseFile",
        summary="python.org v2: replace a release file (staff)",
        description="The URL rules are checked again.",
    )
    async def replace(
        self,
        release_file_id: Id,
        data: JSONBody[ReleaseFileWrite],
        service: NamedDependency[V2ReleaseFileService],
    ) -> V2ReleaseFile:
        given(data, "name", "os", "release", "url")
        item: V2ReleaseFile = await service.update(
            release_file_id, service.body(data, partial=True)
        )
        return item

    @patch(
        "/{release_file_id:int}",
        operation_id="drfUpdateReleaseFile",
        summary="python.org v2: update a release file (staff)",
    )
    async def update(
        self,
        release_file_id: Id,
        data: JSONBody[ReleaseFileWrite],
        service: NamedDependency[V2ReleaseFileService],
    ) -> V2ReleaseFile:
        item: V2ReleaseFile = await service.update(
            release_file_id, service.body(data, partial=True)
        )
        return item

    @delete(
        "/{release_file_id:int}",
        operation_id="drfDeleteReleaseFile",
        summary="python.org v2: delete a release file (staff)",
    )
    async def remove(
        self, release_file_id: Id, service: NamedDependency[V2ReleaseFileService]
    ) -> None:
        await service.delete(release_file_id)


ROUTES = [V2OSController, V2ReleaseController, V2ReleaseFileController]
