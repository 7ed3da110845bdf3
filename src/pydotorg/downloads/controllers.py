"""HTTP endpoints of the downloads domain, at the guide's paths. Thin: services do the work."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get
from litestar.di import NamedDependency, Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, PathParameter
from litestar.response import Redirect

from pydotorg.core.endpoints import ApiController
from pydotorg.core.pagination import PAGE_BASED, Page, Window
from pydotorg.core.resources import Id, ResourceController, dependency, typed_handler
from pydotorg.core.services import services
from pydotorg.downloads import feed_controllers
from pydotorg.downloads.classify import Arch, Format, Kind, Platform, Signature
from pydotorg.downloads.file_services import (
    FileFilters,
    FileKinds,
    MatrixService,
    ReleaseFileService,
)
from pydotorg.downloads.schemas import (
    BestFileRead,
    MatrixSeries,
    ReleaseCycleRead,
    ReleaseFileRead,
    ReleaseRead,
)
from pydotorg.downloads.services import (
    OSService,
    ReleaseCycleService,
    ReleaseFilters,
    ReleaseService,
)

Version = Annotated[int | None, Parameter(ge=1, le=999, description="Major version, e.g. 3.")]
SERIES = r"^[0-9]{1,3}\.[0-9]{1,3}\Z"
Series = Annotated[str | None, Parameter(pattern=SERIES, description="Minor series, e.g. '3.12'.")]
PreRelease = Annotated[bool | None, Parameter(description="Only pre-releases, or none.")]
Published = Annotated[
    bool | None, Parameter(description="Published or not (unpublished: staff only).")
]
OSKey = Annotated[
    str | None,
    Parameter(max_length=200, description="Only releases with files for this OS (id or slug)."),
]
ReleaseId = Annotated[int | None, Parameter(ge=1, le=2**63 - 1, description="Release id.")]
OSId = Annotated[int | None, Parameter(ge=1, le=2**63 - 1, description="OS id.")]


PlatformQ = Annotated[Platform | None, Parameter(description="Only files for this platform.")]
ArchQ = Annotated[Arch | None, Parameter(description="Only files for this architecture.")]
KindQ = Annotated[Kind | None, Parameter(description="Only files of this kind.")]
FormatQ = Annotated[Format | None, Parameter(description="Only files in this format.")]
FreeThreadedQ = Annotated[
    bool | None, Parameter(description="Only free-threaded builds, or only the others.")
]
SignedWithQ = Annotated[
    Signature | None, Parameter(description="Only files with this kind of signature or SBOM.")
]
LatestVer = Annotated[
    str,
    PathParameter(
        pattern=r"^(?:[0-9]{1,3}(?:\.[0-9]{1,3})?|pre)\Z",
        description="A major version (`3`) or a minor series (`3.13`): final releases only; "
        "`pre`: every published release, pre-releases included.",
    ),
]
RedirectQ = Annotated[
    bool,
    Parameter(description="Answer 302 to the file's URL instead of describing it (curl -LO)."),
]
DOWNLOAD_RESPONSES = {
    302: ResponseSpec(data_container=None, description="With `redirect=true`: to the file."),
}
DOWNLOAD_DESCRIPTION = (
    "The single best classified file for the request: among the releases in scope, the newest "
    "that has a matching file; within it, by kind (installer, embeddable, source, "
    "web-installer, ...), then not free-threaded unless `free_threaded=true`, then arch "
    "(universal2, amd64, x86_64, arm64, aarch64, ...), then format (exe, pkg, msi, dmg, tar.xz, "
    "tgz, ...), then the download button, then the lowest id. 404 names the filters nothing "
    "matched."
)


def download_endpoint(
    path: str, operation_id: str, summary: str, key: tuple[str, Any], method: str
) -> HTTPRouteHandler:
    """A ``download`` endpoint: the best file (``ReleaseFileService.{method}(key, kinds)``) of
    the releases the path parameter ``key`` (its name and type) puts in scope."""
    name = key[0]

    async def download_best(self: Any, **kw: Any) -> Response[BestFileRead]:
        best = await getattr(kw["files"], method)(kw[name], kw["kinds"])
        return download(best, kw["redirect"])

    parameters = {
        name: key[1],
        "files": dependency(ReleaseFileService),
        "kinds": dependency(FileKinds),
        "redirect": RedirectQ,
    }
    return get(
        path,
        operation_id=operation_id,
        summary=summary,
        description=DOWNLOAD_DESCRIPTION,
        errors=(404,),
        responses=DOWNLOAD_RESPONSES,
        dependencies=services(files=ReleaseFileService),
    )(typed_handler(download_best, parameters, Response[BestFileRead], {"redirect": False}))


async def file_kinds(
    platform: PlatformQ = None,
    arch: ArchQ = None,
    kind: KindQ = None,
    format: FormatQ = None,
    free_threaded: FreeThreadedQ = None,
    signed_with: SignedWithQ = None,
) -> FileKinds:
    return FileKinds(platform, arch, kind, format, free_threaded, signed_with)


def download(best: BestFileRead, redirect: bool) -> Response[BestFileRead]:
    if redirect:
        return Redirect(best.url, status_code=302)
    return Response(best)


async def release_filters(
    version: Version = None,
    series: Series = None,
    pre_release: PreRelease = None,
    is_published: Published = None,
    os: OSKey = None,
) -> ReleaseFilters:
    return ReleaseFilters(version, series, pre_release, is_published, os)


async def file_filters(
    release: ReleaseId = None,
    os: OSId = None,
    version: Version = None,
    series: Series = None,
    pre_release: PreRelease = None,
    *,
    kinds: NamedDependency[FileKinds],
) -> FileFilters:
    return FileFilters(release, os, version, series, pre_release, kinds)


class OSController(ResourceController):
    path = "/api/v1/os"
    tags = ["Operating systems"]
    service, noun, plural = OSService, "OS", "OS"
    options = {
        "list": {"summary": "List operating systems"},
        "delete": {"summary": "Delete an OS that has no files (staff)"},
    }


class ReleaseController(ResourceController):
    path = "/api/v1/releases"
    tags = ["Releases"]
    service, noun, plural = ReleaseService, "Release", "Releases"
    filters = release_filters
    dependencies = {**PAGE_BASED, "kinds": Provide(file_kinds)}
    options = {
        "list": {
            "description": "Newest first, page-based (`currentPage`, `pageSize`). "
            "Unpublished releases are listed to staff only."
        },
        "create": {"description": "Version, series and `pre_release` are read from the name."},
        "delete": {"summary": "Delete a release and its files (staff)"},
    }

    @get(
        "/published",
        operation_id="listPublishedReleases",
        summary="List published releases",
    )
    async def list_published(
        self,
        service: NamedDependency[ReleaseService],
        window: NamedDependency[Window],
        version: Version = None,
        series: Series = None,
        pre_release: PreRelease = None,
    ) -> Page[ReleaseRead]:
        filters = ReleaseFilters(version, series, pre_release, is_published=True)
        return await service.page(window, filters)

    @get(
        "/download-page",
        operation_id="listDownloadPageReleases",
        summary="Releases shown on the downloads page",
        description="Published releases flagged `show_on_download_page`, newest first.",
    )
    async def list_download_page(
        self, service: NamedDependency[ReleaseService], window: NamedDependency[Window]
    ) -> Page[ReleaseRead]:
        filters = ReleaseFilters(is_published=True, show_on_download_page=True)
        return await service.page(window, filters)

    @get(
        "/latest",
        operation_id="getLatestRelease",
        summary="The latest Python 3 release",
        description="The newest published final (not pre-release) Python 3 release.",
        errors=(404,),
    )
    async def latest(self, service: NamedDependency[ReleaseService]) -> ReleaseRead:
        return await service.latest("3")

    @get(
        "/latest/{ver:str}",
        operation_id="getLatestReleaseFor",
        summary="The latest release of a major version or minor series",
        description="`ver` is a major version (`2`, `3`) or a minor series (`3.12`): the newest "
        "published final release in it.",
        errors=(404,),
    )
    async def latest_for(
        self,
        service: NamedDependency[ReleaseService],
        ver: Annotated[
            str,
            PathParameter(pattern=r"^[0-9]{1,3}(?:\.[0-9]{1,3})?\Z", description="'3' or '3.12'."),
        ],
    ) -> ReleaseRead:
        return await service.latest(ver)

    download_latest = download_endpoint(
        "/latest/{ver:str}/download",
        "downloadLatestRelease",
        "Which file to download from the newest release of a version",
        ("ver", LatestVer),
        "best_of_latest",
    )
    download_release = download_endpoint(
        "/{release_id:int}/download",
        "downloadRelease",
        "Which file to download from a release",
        ("release_id", Id),
        "best_of_release",
    )


class ReleaseCycleController(ApiController):
    path = "/api/v1/release-cycle"
    tags = ["Release cycle"]
    dependencies = services(cycles=ReleaseCycleService, matrix=MatrixService)

    @get(
        "/matrix",
        operation_id="getSupportMatrix",
        summary="What the newest release of each supported series ships",
        description="For each supported series (pre-release, bugfix or security, by the "
        "schedule and today's date), newest first: its newest published release that has "
        "classified files (a final release when there is one) and each platform/arch/kind "
        "combination that release ships, with its formats. `platform` keeps only that "
        "platform's combinations, and only the series that have some.",
    )
    async def matrix(
        self, matrix: NamedDependency[MatrixService], platform: PlatformQ = None
    ) -> list[MatrixSeries]:
        return await matrix.matrix(platform)

    @get("/", operation_id="listReleaseCycle", summary="Support status of every minor series")
    async def list_cycles(
        self, cycles: NamedDependency[ReleaseCycleService]
    ) -> list[ReleaseCycleRead]:
        return await cycles.list()

    @get(
        "/{series:str}",
        operation_id="getReleaseCycle",
        summary="Support status of one minor series",
    )
    async def get_cycle(
        self,
        series: Annotated[str, PathParameter(pattern=SERIES, description="'3.12'.")],
        cycles: NamedDependency[ReleaseCycleService],
    ) -> ReleaseCycleRead:
        return await cycles.get(series)


class ReleaseFileController(ResourceController):
    path = "/api/v1/files"
    tags = ["Release files"]
    service, noun, plural = ReleaseFileService, "ReleaseFile", "ReleaseFiles"
    id_parameter = "file_id"
    operations = ("list", "get", "create", "update", "delete")
    filters = file_filters
    dependencies = {"kinds": Provide(file_kinds)}
    options = {
        "create": {
            "description": "URLs must start with `https://www.python.org/`; signature and SBOM "
            "URLs must be the file URL plus `.asc`, `.sig`, `.crt`, `.sigstore` or `.spdx.json`; "
            "URLs are unique; one download button per release and OS."
        },
    }

    @get(
        "/release/{release_id:int}",
        operation_id="listFilesOfRelease",
        summary="List the files of a release",
    )
    async def files_of_release(
        self,
        release_id: Id,
        service: NamedDependency[ReleaseFileService],
        window: NamedDependency[Window],
        kinds: NamedDependency[FileKinds],
        os: OSId = None,
    ) -> Page[ReleaseFileRead]:
        return await service.of_release(release_id, window, os, kinds)

    @get("/os/{os_id:int}", operation_id="listFilesOfOS", summary="List the files for an OS")
    async def files_of_os(
        self,
        os_id: Id,
        service: NamedDependency[ReleaseFileService],
        window: NamedDependency[Window],
        kinds: NamedDependency[FileKinds],
        release: ReleaseId = None,
        version: Version = None,
        series: Series = None,
        pre_release: PreRelease = None,
    ) -> Page[ReleaseFileRead]:
        filters = FileFilters(release, None, version, series, pre_release, kinds)
        return await service.of_os(os_id, window, filters)


ROUTES = [
    OSController,
    ReleaseController,
    ReleaseCycleController,
    ReleaseFileController,
    *feed_controllers.ROUTES,
]
