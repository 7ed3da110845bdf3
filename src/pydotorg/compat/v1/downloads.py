"""python.org's v1 downloads API (``/api/v1/downloads/``), over the downloads services.

``{meta, objects}`` lists (``limit``/``offset``), relative ``resource_uri``s, no ``id``, Django
lookups as filters (``version__startswith=3``, ``release__name=...``). Staff write with
``Authorization: ApiKey <username>:<key>``: POST (201, empty, ``Location``), DELETE of one
object, and ``DELETE release_file/?release=<id>``, release tooling's way to replace a
release's files. No PUT or PATCH (405), as on python.org.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import MediaType, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from pydotorg.compat.lookups import (
    ALL_LOOKUPS,
    Field,
    Filtering,
    InvalidFilter,
    Relation,
    tastypie_conditions,
)
from pydotorg.compat.services import PythonOrgFiles, PythonOrgOSes, PythonOrgReleases
from pydotorg.compat.v1.schemas import (
    V1OS,
    V1OSList,
    V1Release,
    V1ReleaseFile,
    V1ReleaseFileList,
    V1ReleaseList,
)
from pydotorg.compat.v1.tastypie import TastypieController, created, meta_of, window_of
from pydotorg.compat.writes import (
    OSWrite,
    ReleaseFileWrite,
    ReleaseWrite,
    file_body,
    given,
    os_body,
    release_body,
)
from pydotorg.core.dialects import DIALECT_KEY, tastypie
from pydotorg.core.exceptions import NotAuthenticatedError, NotFoundError
from pydotorg.core.resources import Id
from pydotorg.core.services import services
from pydotorg.downloads.models import OS, Release, ReleaseFile
from pydotorg.downloads.schemas import OSCreate

OS_FILTERING = Filtering(
    {"name": Field(OS.name), "slug": Field(OS.slug)},
    frozenset(V1OS.__struct_fields__),
)
RELEASE_FILTERING = Filtering(
    {
        "name": Field(Release.name),
        "slug": Field(Release.slug),
        "is_published": Field(Release.is_published, "boolean"),
        "pre_release": Field(Release.pre_release, "boolean"),
        "version": Field(Release.major, "integer", frozenset({"exact", "startswith"})),
        "release_date": Field(Release.release_date, "datetime", ALL_LOOKUPS),
    },
    frozenset(V1Release.__struct_fields__),
)
FILE_FILTERING = Filtering(
    {
        "name": Field(ReleaseFile.name),
        "slug": Field(ReleaseFile.slug),
        "os": Relation(ReleaseFile.os_id, OS_FILTERING),
        "release": Relation(ReleaseFile.release_id, RELEASE_FILTERING),
        "description": Field(ReleaseFile.description, lookups=frozenset({"contains"})),
    },
    frozenset(V1ReleaseFile.__struct_fields__),
)


def naive(moment: datetime) -> str:
    """Tastypie's datetimes: ISO 8601 in UTC, without a zone."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


class V1OSService(PythonOrgOSes):
    absolute = False

    def read(self, row: Any) -> Any:
        return V1OS(row.name, row.slug, self.uri("tastypieGetOS")(row.id))


class V1ReleaseService(PythonOrgReleases):
    absolute = False

    def read(self, row: Any) -> Any:
        return V1Release(
            row.name,
            row.slug,
            row.major,
            row.is_published,
            row.is_latest,
            naive(row.release_date),
            row.pre_release,
            None,
            row.release_notes_url,
            row.show_on_download_page,
            self.uri("tastypieGetRelease")(row.id),
        )


class V1ReleaseFileService(PythonOrgFiles):
    absolute = False

    def read(self, row: Any) -> Any:
        return V1ReleaseFile(
            row.name,
            row.slug,
            self.uri("tastypieGetOS")(row.os_id),
            self.uri("tastypieGetRelease")(row.release_id),
            row.description,
            row.is_source,
            row.url,
            row.gpg_signature_file,
            row.md5_sum,
            row.sha256_sum,
            row.filesize,
            row.download_button,
            row.sigstore_signature_file,
            row.sigstore_cert_file,
            row.sigstore_bundle_file,
            row.sbom_spdx2_file,
            self.uri("tastypieGetReleaseFile")(row.id),
        )

    def body(self, data: JSONBody[ReleaseFileWrite]) -> Any:
        values = given(data, "name", "os", "release", "url")
        values["os"] = self.id_in("tastypieGetOS", values["os"], "os")
        values["release"] = self.id_in("tastypieGetRelease", values["release"], "release")
        return file_body(values, partial=False)


async def visible_or_401(service: Any, key: int) -> Any:
    """The object, or Tastypie's 401 for one the caller may not see (an unpublished release
    or page), or 404."""
    try:
        return await service.get(key)
    except NotFoundError:
        if await service.hidden(key):
            raise NotAuthenticatedError("Only staff see unpublished objects.") from None
        raise


LIST = "Tastypie's `{meta, objects}` list (`limit`, default 20, at most 1000; `offset`). "


class V1OSController(TastypieController):
    path = "/api/v1/downloads/os"
    opt = {DIALECT_KEY: tastypie("downloads/os")}
    dependencies = services(service=V1OSService)

    @get(
        "/",
        operation_id="tastypieListOS",
        summary="python.org v1: list OSes",
        reads_query=True,
        description=LIST + "Filters: `name`, `slug` (exact).",
    )
    async def list_all(
        self, request: Request[Any, Any, Any], service: NamedDependency[V1OSService]
    ) -> V1OSList:
        window = window_of(request)
        page = await service.page(
            window, tastypie_conditions(OS_FILTERING, request.query_params.multi_items())
        )
        return V1OSList(meta_of(request, window, page.total), page.items)

    @get("/{os_id:int}", operation_id="tastypieGetOS", summary="python.org v1: get an OS")
    async def get_one(self, os_id: Id, service: NamedDependency[V1OSService]) -> V1OS:
        item: V1OS = await service.get(os_id)
        return item

    @post(
        "/",
        media_type=MediaType.TEXT,
        operation_id="tastypieCreateOS",
        summary="python.org v1: create an OS (staff)",
    )
    async def create(
        self, data: JSONBody[OSWrite], service: NamedDependency[V1OSService]
    ) -> Response[bytes]:
        item: V1OS = await service.create(OSCreate(**os_body(data, partial=False)))
        return created(item.resource_uri)

    @delete(
        "/{os_id:int}",
        operation_id="tastypieDeleteOS",
        summary="python.org v1: delete an OS (staff)",
        errors=(409,),
    )
    async def remove(self, os_id: Id, service: NamedDependency[V1OSService]) -> None:
        await service.delete(os_id)


class V1ReleaseController(TastypieController):
    path = "/api/v1/downloads/release"
    opt = {DIALECT_KEY: tastypie("downloads/release")}
    dependencies = services(service=V1ReleaseService)

    @get(
        "/",
        operation_id="tastypieListReleases",
        summary="python.org v1: list releases",
        reads_query=True,
        description=LIST + "Filters: `name`, `slug`, `is_published`, `pre_release` (exact), "
        "`version` (exact, `startswith`), `release_date` (`exact`, `gt`, `gte`, `lt`, `lte`, "
        "`in`, `range`, `isnull`, `year`, `month`, `day`). Unpublished releases are listed "
        "to staff only.",
    )
    async def list_all(
        self, request: Request[Any, Any, Any], service: NamedDependency[V1ReleaseService]
    ) -> V1ReleaseList:
        window = window_of(request)
        conditions = tastypie_conditions(RELEASE_FILTERING, request.query_params.multi_items())
        page = await service.page(window, conditions)
        return V1ReleaseList(meta_of(request, window, page.total), page.items)

    @get(
        "/{release_id:int}",
        operation_id="tastypieGetRelease",
        summary="python.org v1: get a release",
        description="An unpublished release is a 401 to anyone but staff, as on python.org.",
    )
    async def get_one(
        self, release_id: Id, service: NamedDependency[V1ReleaseService]
    ) -> V1Release:
        item: V1Release = await visible_or_401(service, release_id)
        return item

    @post(
        "/",
        media_type=MediaType.TEXT,
        operation_id="tastypieCreateRelease",
        summary="python.org v1: create a release (staff)",
    )
    async def create(
        self, data: JSONBody[ReleaseWrite], service: NamedDependency[V1ReleaseService]
    ) -> Response[bytes]:
        item: V1Release = await service.create(release_body(data, partial=False))
        return created(item.resource_uri)

    @delete(
        "/{release_id:int}",
        operation_id="tastypieDeleteRelease",
        summary="python.org v1: delete a release and its files (staff)",
    )
    async def remove(self, release_id: Id, service: NamedDependency[V1ReleaseService]) -> None:
        await service.delete(release_id)


class V1ReleaseFileController(TastypieController):
    path = "/api/v1/downloads/release_file"
    opt = {DIALECT_KEY: tastypie("downloads/release_file")}
    dependencies = services(service=V1ReleaseFileService)

    @get(
        "/",
        operation_id="tastypieListReleaseFiles",
        summary="python.org v1: list release files",
        reads_query=True,
        description=LIST + "Filters: `name`, `slug` (exact), `description__contains`, `os` and "
        "`release` (ids, or the OS's and release's own filters: `release__name=...`). Files "
        "of unpublished releases are listed too, as python.org does.",
    )
    async def list_all(
        self, request: Request[Any, Any, Any], service: NamedDependency[V1ReleaseFileService]
    ) -> V1ReleaseFileList:
        window = window_of(request)
        conditions = tastypie_conditions(FILE_FILTERING, request.query_params.multi_items())
        page = await service.page(window, conditions)
        return V1ReleaseFileList(meta_of(request, window, page.total), page.items)

    @delete(
        "/",
        operation_id="tastypieDeleteReleaseFilesOfRelease",
        summary="python.org v1: delete every file of a release (staff)",
        reads_query=True,
        description="Only as `?release=<id>`, exactly that one parameter once: anything "
        "else is a 400.",
    )
    async def delete_of_release(
        self, request: Request[Any, Any, Any], service: NamedDependency[V1ReleaseFileService]
    ) -> None:
        pairs = list(request.query_params.multi_items())
        raw = pairs[0][1] if len(pairs) == 1 and pairs[0][0] == "release" else ""
        if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
            raise InvalidFilter(
                [("release", "Deleting release files requires exactly one 'release' filter.")]
            )
        await service.delete_of_release(int(raw))

    @get(
        "/{release_file_id:int}",
        operation_id="tastypieGetReleaseFile",
        summary="python.org v1: get a release file",
    )
    async def get_one(
        self, release_file_id: Id, service: NamedDependency[V1ReleaseFileService]
    ) -> V1ReleaseFile:
        item: V1ReleaseFile = await service.get(release_file_id)
        return item

    @post(
        "/",
        media_type=MediaType.TEXT,
        operation_id="tastypieCreateReleaseFile",
        summary="python.org v1: create a release file (staff)",
        description="`os` and `release` are their URIs (`/api/v1/downloads/os/3/`). URLs must "
        "start with `https://www.python.org/`; signature and SBOM URLs are the file URL plus "
        "`.asc`, `.sig`, `.crt`, `.sigstore` or `.spdx.json`.",
    )
    async def create(
        self, data: JSONBody[ReleaseFileWrite], service: NamedDependency[V1ReleaseFileService]
    ) -> Response[bytes]:
        item: V1ReleaseFile = await service.create(service.body(data))
        return created(item.resource_uri)

    @delete(
        "/{release_file_id:int}",
        operation_id="tastypieDeleteReleaseFile",
        summary="python.org v1: delete a release file (staff)",
    )
    async def remove(
        self, release_file_id: Id, service: NamedDependency[V1ReleaseFileService]
    ) -> None:
        await service.delete(release_file_id)


ROUTES = [V1OSController, V1ReleaseController, V1ReleaseFileController]
