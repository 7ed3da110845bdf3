"""HTTP endpoints of the downloads domain, at the guide's paths. Thin: services do the work."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, Parameter, PathParameter
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.auth import BEARER_SECURITY, is_staff, requires_staff
from pydotorg.core.openapi import error_responses
from pydotorg.core.pagination import LIMIT_OFFSET, PAGE_BASED, PAGE_HEADERS, Window, page_response
from pydotorg.core.ratelimit import Tier, rate_tier
from pydotorg.core.response_cache import public_read
from pydotorg.core.responses import created
from pydotorg.core.urls import base_url
from pydotorg.downloads.files import FileFilters, ReleaseFileService
from pydotorg.downloads.schemas import (
    OSCreate,
    OSRead,
    OSUpdate,
    ReleaseCreate,
    ReleaseCycleRead,
    ReleaseFileCreate,
    ReleaseFileRead,
    ReleaseFileUpdate,
    ReleaseRead,
    ReleaseUpdate,
)
from pydotorg.downloads.services import DownloadsService, ReleaseFilters, os_read

STAFF_WRITE: dict[str, Any] = {
    "guards": [requires_staff],
    "security": BEARER_SECURITY,
    "opt": rate_tier(Tier.HIGH),
}
VersionFilter = Annotated[int | None, Parameter(ge=1, le=999, description="Major version, e.g. 3.")]
SeriesFilter = Annotated[str | None, Parameter(description="Minor series, e.g. '3.12'.")]
PreReleaseFilter = Annotated[bool | None, Parameter(description="Only pre-releases, or none.")]
PublishedFilter = Annotated[
    bool | None, Parameter(description="Published or not (unpublished: staff only).")
]
OSFilter = Annotated[
    str | None, Parameter(description="Only releases with files for this OS (id or slug).")
]


async def provide_downloads(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> DownloadsService:
    return DownloadsService(db_session, staff=is_staff(request), base=base_url(request))


async def provide_files(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> ReleaseFileService:
    return ReleaseFileService(db_session, staff=is_staff(request), base=base_url(request))


class OSController(Controller):
    path = "/api/v1/os"
    tags = ["Operating systems"]
    dependencies = {"downloads": Provide(provide_downloads), **LIMIT_OFFSET}

    @get(
        "/",
        summary="List operating systems",
        operation_id="listOS",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400),
    )
    async def list_os(
        self,
        request: Request[Any, Any, Any],
        downloads: NamedDependency[DownloadsService],
        window: NamedDependency[Window],
    ) -> Response[list[OSRead]]:
        items, total = await downloads.list_os(window)
        return page_response(request, items, total, window)

    @get(
        "/{os_id:int}",
        summary="Get an OS by id",
        operation_id="getOS",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_os(
        self, os_id: FromPath[int], downloads: NamedDependency[DownloadsService]
    ) -> OSRead:
        return os_read(await downloads.get_os(os_id), downloads.base)

    @get(
        "/slug/{slug:str}",
        summary="Get an OS by slug",
        operation_id="getOSBySlug",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_os_by_slug(
        self, slug: FromPath[str], downloads: NamedDependency[DownloadsService]
    ) -> OSRead:
        return os_read(await downloads.get_os_by_slug(slug), downloads.base)

    @post(
        "/",
        summary="Create an OS (staff)",
        operation_id="createOS",
        responses=error_responses(400, 401, 403, 409, 422),
        **STAFF_WRITE,
    )
    async def create_os(
        self, data: JSONBody[OSCreate], downloads: NamedDependency[DownloadsService]
    ) -> Response[OSRead]:
        item = os_read(await downloads.create_os(data), downloads.base)
        return created(item, item.resource_uri)

    @patch(
        "/{os_id:int}",
        summary="Update an OS (staff)",
        operation_id="updateOS",
        responses=error_responses(400, 401, 403, 404, 409, 422),
        **STAFF_WRITE,
    )
    async def update_os(
        self,
        os_id: FromPath[int],
        data: JSONBody[OSUpdate],
        downloads: NamedDependency[DownloadsService],
    ) -> OSRead:
        return os_read(await downloads.update_os(os_id, data), downloads.base)

    @delete(
        "/{os_id:int}",
        summary="Delete an OS that has no files (staff)",
        operation_id="deleteOS",
        responses=error_responses(401, 403, 404, 409),
        **STAFF_WRITE,
    )
    async def delete_os(
        self, os_id: FromPath[int], downloads: NamedDependency[DownloadsService]
    ) -> None:
        await downloads.delete_os(os_id)


class ReleaseController(Controller):
    path = "/api/v1/releases"
    tags = ["Releases"]
    dependencies = {"downloads": Provide(provide_downloads), **PAGE_BASED}

    @get(
        "/",
        summary="List releases",
        description="Newest first, page-based (`currentPage`, `pageSize`). "
        "Unpublished releases are listed to staff only.",
        operation_id="listReleases",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400, 422),
    )
    async def list_releases(
        self,
        request: Request[Any, Any, Any],
        downloads: NamedDependency[DownloadsService],
        window: NamedDependency[Window],
        version: VersionFilter = None,
        series: SeriesFilter = None,
        pre_release: PreReleaseFilter = None,
        is_published: PublishedFilter = None,
        os: OSFilter = None,
    ) -> Response[list[ReleaseRead]]:
        filters = ReleaseFilters(
            version=version,
            series=series,
            pre_release=pre_release,
            is_published=is_published,
            os=os,
        )
        items, total = await downloads.list_releases(filters, window)
        return page_response(request, items, total, window)

    @get(
        "/published",
        summary="List published releases",
        operation_id="listPublishedReleases",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400, 422),
    )
    async def list_published(
        self,
        request: Request[Any, Any, Any],
        downloads: NamedDependency[DownloadsService],
        window: NamedDependency[Window],
        version: VersionFilter = None,
        series: SeriesFilter = None,
        pre_release: PreReleaseFilter = None,
    ) -> Response[list[ReleaseRead]]:
        filters = ReleaseFilters(
            version=version, series=series, pre_release=pre_release, is_published=True
        )
        items, total = await downloads.list_releases(filters, window)
        return page_response(request, items, total, window)

    @get(
        "/download-page",
        summary="Releases shown on the downloads page",
        description="Published releases flagged `show_on_download_page`, newest first.",
        operation_id="listDownloadPageReleases",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400),
    )
    async def list_download_page(
        self,
        request: Request[Any, Any, Any],
        downloads: NamedDependency[DownloadsService],
        window: NamedDependency[Window],
    ) -> Response[list[ReleaseRead]]:
        filters = ReleaseFilters(is_published=True, show_on_download_page=True)
        items, total = await downloads.list_releases(filters, window)
        return page_response(request, items, total, window)

    @get(
        "/latest",
        summary="The latest Python 3 release",
        description="The newest published final (not pre-release) Python 3 release.",
        operation_id="getLatestRelease",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def latest(self, downloads: NamedDependency[DownloadsService]) -> ReleaseRead:
        return await downloads.latest("3")

    @get(
        "/latest/{ver:str}",
        summary="The latest release of a major version or minor series",
        description="`ver` is a major version (`2`, `3`) or a minor series (`3.12`): the newest "
        "published final release in it.",
        operation_id="getLatestReleaseFor",
        opt=public_read(),
        responses=error_responses(404, 422),
    )
    async def latest_for(
        self,
        downloads: NamedDependency[DownloadsService],
        ver: Annotated[str, PathParameter(description="'3' or '3.12'.")],
    ) -> ReleaseRead:
        return await downloads.latest(ver)

    @get(
        "/{release_id:int}",
        summary="Get a release by id",
        operation_id="getRelease",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_release(
        self, release_id: FromPath[int], downloads: NamedDependency[DownloadsService]
    ) -> ReleaseRead:
        return await downloads.get_release(release_id)

    @get(
        "/slug/{slug:str}",
        summary="Get a release by slug",
        operation_id="getReleaseBySlug",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_release_by_slug(
        self, slug: FromPath[str], downloads: NamedDependency[DownloadsService]
    ) -> ReleaseRead:
        return await downloads.get_release_by_slug(slug)

    @post(
        "/",
        summary="Create a release (staff)",
        description="Version, series and `pre_release` are read from the name.",
        operation_id="createRelease",
        responses=error_responses(400, 401, 403, 409, 422),
        **STAFF_WRITE,
    )
    async def create_release(
        self, data: JSONBody[ReleaseCreate], downloads: NamedDependency[DownloadsService]
    ) -> Response[ReleaseRead]:
        item = await downloads.create_release(data)
        return created(item, item.resource_uri)

    @patch(
        "/{release_id:int}",
        summary="Update a release (staff)",
        operation_id="updateRelease",
        responses=error_responses(400, 401, 403, 404, 409, 422),
        **STAFF_WRITE,
    )
    async def update_release(
        self,
        release_id: FromPath[int],
        data: JSONBody[ReleaseUpdate],
        downloads: NamedDependency[DownloadsService],
    ) -> ReleaseRead:
        return await downloads.update_release(release_id, data)

    @delete(
        "/{release_id:int}",
        summary="Delete a release and its files (staff)",
        operation_id="deleteRelease",
        responses=error_responses(401, 403, 404),
        **STAFF_WRITE,
    )
    async def delete_release(
        self, release_id: FromPath[int], downloads: NamedDependency[DownloadsService]
    ) -> None:
        await downloads.delete_release(release_id)


class ReleaseCycleController(Controller):
    path = "/api/v1/release-cycle"
    tags = ["Release cycle"]
    dependencies = {"downloads": Provide(provide_downloads)}

    @get(
        "/",
        summary="Support status of every minor series",
        operation_id="listReleaseCycle",
        opt=public_read(),
    )
    async def list_cycles(
        self, downloads: NamedDependency[DownloadsService]
    ) -> list[ReleaseCycleRead]:
        return await downloads.list_cycles()

    @get(
        "/{series:str}",
        summary="Support status of one minor series",
        operation_id="getReleaseCycle",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_cycle(
        self, series: FromPath[str], downloads: NamedDependency[DownloadsService]
    ) -> ReleaseCycleRead:
        return await downloads.get_cycle(series)


class ReleaseFileController(Controller):
    path = "/api/v1/files"
    tags = ["Release files"]
    dependencies = {"files": Provide(provide_files), **LIMIT_OFFSET}

    @get(
        "/",
        summary="List release files",
        operation_id="listReleaseFiles",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400),
    )
    async def list_files(
        self,
        request: Request[Any, Any, Any],
        files: NamedDependency[ReleaseFileService],
        window: NamedDependency[Window],
        release: Annotated[int | None, Parameter(description="Release id.")] = None,
        os: Annotated[int | None, Parameter(description="OS id.")] = None,
        version: VersionFilter = None,
        series: SeriesFilter = None,
        pre_release: PreReleaseFilter = None,
    ) -> Response[list[ReleaseFileRead]]:
        filters = FileFilters(
            release=release, os=os, version=version, series=series, pre_release=pre_release
        )
        items, total = await files.list_files(filters, window)
        return page_response(request, items, total, window)

    @get(
        "/{file_id:int}",
        summary="Get a release file by id",
        operation_id="getReleaseFile",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_file(
        self, file_id: FromPath[int], files: NamedDependency[ReleaseFileService]
    ) -> ReleaseFileRead:
        return await files.get_file(file_id)

    @get(
        "/release/{release_id:int}",
        summary="List the files of a release",
        operation_id="listFilesOfRelease",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400, 404),
    )
    async def files_of_release(
        self,
        request: Request[Any, Any, Any],
        release_id: FromPath[int],
        files: NamedDependency[ReleaseFileService],
        window: NamedDependency[Window],
        os: Annotated[int | None, Parameter(description="OS id.")] = None,
    ) -> Response[list[ReleaseFileRead]]:
        await files.release_exists(release_id)
        items, total = await files.list_files(FileFilters(release=release_id, os=os), window)
        return page_response(request, items, total, window)

    @get(
        "/os/{os_id:int}",
        summary="List the files for an OS",
        operation_id="listFilesOfOS",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400, 404),
    )
    async def files_of_os(
        self,
        request: Request[Any, Any, Any],
        os_id: FromPath[int],
        files: NamedDependency[ReleaseFileService],
        window: NamedDependency[Window],
        release: Annotated[int | None, Parameter(description="Release id.")] = None,
        version: VersionFilter = None,
        series: SeriesFilter = None,
        pre_release: PreReleaseFilter = None,
    ) -> Response[list[ReleaseFileRead]]:
        await files.os_exists(os_id)
        filters = FileFilters(
            os=os_id, release=release, version=version, series=series, pre_release=pre_release
        )
        items, total = await files.list_files(filters, window)
        return page_response(request, items, total, window)

    @post(
        "/",
        summary="Create a release file (staff)",
        description="URLs must start with `https://www.python.org/`; signature and SBOM URLs "
        "must be the file URL plus `.asc`, `.sig`, `.crt`, `.sigstore` or `.spdx.json`; "
        "URLs are unique; one download button per release and OS.",
        operation_id="createReleaseFile",
        responses=error_responses(400, 401, 403, 409, 422),
        **STAFF_WRITE,
    )
    async def create_file(
        self, data: JSONBody[ReleaseFileCreate], files: NamedDependency[ReleaseFileService]
    ) -> Response[ReleaseFileRead]:
        item = await files.create_file(data)
        return created(item, item.resource_uri)

    @patch(
        "/{file_id:int}",
        summary="Update a release file (staff)",
        operation_id="updateReleaseFile",
        responses=error_responses(400, 401, 403, 404, 409, 422),
        **STAFF_WRITE,
    )
    async def update_file(
        self,
        file_id: FromPath[int],
        data: JSONBody[ReleaseFileUpdate],
        files: NamedDependency[ReleaseFileService],
    ) -> ReleaseFileRead:
        return await files.update_file(file_id, data)

    @delete(
        "/{file_id:int}",
        summary="Delete a release file (staff)",
        operation_id="deleteReleaseFile",
        responses=error_responses(401, 403, 404),
        **STAFF_WRITE,
    )
    async def delete_file(
        self, file_id: FromPath[int], files: NamedDependency[ReleaseFileService]
    ) -> None:
        await files.delete_file(file_id)


ROUTES = [OSController, ReleaseController, ReleaseCycleController, ReleaseFileController]
