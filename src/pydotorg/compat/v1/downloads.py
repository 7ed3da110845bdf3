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

from litestar import Request, delete
from litestar.di import NamedDependency

from pydotorg.compat.lookups import ALL_LOOKUPS, Field, Filtering, Relation, one_release
from pydotorg.compat.services import PythonOrgFiles, PythonOrgOSes, PythonOrgReleases
from pydotorg.compat.v1.schemas import (
    V1OS,
    V1OSList,
    V1Release,
    V1ReleaseFile,
    V1ReleaseFileList,
    V1ReleaseList,
)
from pydotorg.compat.v1.tastypie import TastypieController
from pydotorg.downloads.models import OS, Release, ReleaseFile

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
    stem = "tastypie"

    def read(self, row: Any) -> Any:
        return V1OS(row.name, row.slug, self.uri("tastypieGetOS")(row.id))


class V1ReleaseService(PythonOrgReleases):
    stem = "tastypie"

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
    stem = "tastypie"

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


LIST = "Tastypie's `{meta, objects}` list (`limit`, default 20, at most 1000; `offset`). "


class V1OSController(TastypieController):
    path, service, schema, listing = "/api/v1/downloads/os", V1OSService, V1OS, V1OSList
    noun, plural, called = "OS", "OS", ("an OS", "OSes")
    filtering = OS_FILTERING
    options = {
        "list": {"description": LIST + "Filters: `name`, `slug` (exact)."},
        "delete": {"summary": "python.org v1: delete an OS and its files (staff)"},
    }


class V1ReleaseController(TastypieController):
    path, service, schema = "/api/v1/downloads/release", V1ReleaseService, V1Release
    noun, plural, listing, hidden_is_401 = "Release", "Releases", V1ReleaseList, True
    filtering = RELEASE_FILTERING
    options = {
        "list": {
            "description": LIST + "Filters: `name`, `slug`, `is_published`, `pre_release` "
            "(exact), `version` (exact, `startswith`), `release_date` (`exact`, `gt`, `gte`, "
            "`lt`, `lte`, `in`, `range`, `isnull`, `year`, `month`, `day`). Unpublished "
            "releases are listed to staff only."
        },
        "get": {
            "description": "An unpublished release is a 401 to anyone but staff, as on python.org."
        },
        "delete": {"summary": "python.org v1: delete a release and its files (staff)"},
    }


class V1ReleaseFileController(TastypieController):
    path, service, schema = "/api/v1/downloads/release_file", V1ReleaseFileService, V1ReleaseFile
    noun, plural, listing = "ReleaseFile", "ReleaseFiles", V1ReleaseFileList
    filtering = FILE_FILTERING
    options = {
        "list": {
            "description": LIST + "Filters: `name`, `slug` (exact), `description__contains`, "
            "`os` and `release` (ids, or the OS's and release's own filters: "
            "`release__name=...`). Files of unpublished releases are listed too, as python.org "
            "does."
        },
        "create": {
            "description": "`os` and `release` are their URIs (`/api/v1/downloads/os/3/`). URLs "
            "must start with `https://www.python.org/`; signature and SBOM URLs are the file URL "
            "plus `.asc`, `.sig`, `.crt`, `.sigstore` or `.spdx.json`."
        },
    }

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
        release = one_release(request.query_params.multi_items(), "filter")
        await service.delete_of_release(release)


ROUTES = [V1OSController, V1ReleaseController, V1ReleaseFileController]
