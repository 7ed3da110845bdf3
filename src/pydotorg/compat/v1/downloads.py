"""python.org's v1 downloads API (``/api/v1/downloads/``), over the downloads services.

``{meta, objects}`` lists (``limit``/``offset``), relative ``resource_uri``s, no ``id``, Django
lookups as filters (``version__startswith=3``, ``release__in=1014,1015``,
``release__name=...``). Staff write with ``Authorization: ApiKey <username>:<key>``: POST
(201, empty, ``Location``), DELETE of one object, and ``DELETE release_file/?release=<id>``,
release tooling's way to replace a release's files. No PUT or PATCH (405), as on python.org.
Each resource's fields and filters are python.org's (``apps/downloads/api.py``), its schema's
facts those of python.org's models (``apps/downloads/models.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, delete
from litestar.di import NamedDependency

from pydotorg.compat.lookups import Field, Filtering, Relation
from pydotorg.compat.services import (
    RELEASE_COLUMNS,
    PythonOrgFiles,
    PythonOrgOSes,
    PythonOrgReleases,
)
from pydotorg.compat.v1 import filters
from pydotorg.compat.v1.discovery import RESOURCE_URI, Described, optional
from pydotorg.compat.v1.filters import ALL_SERVED
from pydotorg.compat.v1.schemas import (
    V1OS,
    V1OSList,
    V1OSSet,
    V1Release,
    V1ReleaseFile,
    V1ReleaseFileList,
    V1ReleaseFileSet,
    V1ReleaseList,
    V1ReleaseSet,
)
from pydotorg.compat.v1.tastypie import (
    TastypieController,
    TastypieService,
    bad_request,
    query_of,
)
from pydotorg.core.auth import Access, require_declared
from pydotorg.core.resources import to_schema
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
        "release_date": Field(Release.release_date, "datetime", ALL_SERVED),
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

SLUG = Described("string", unique=True)
OS_FIELDS = {"name": Described("string"), "slug": SLUG, "resource_uri": RESOURCE_URI}
RELEASE_FIELDS = {
    "name": Described("string"),
    "slug": SLUG,
    "version": Described("integer", default=3),
    "is_published": Described(
        "boolean",
        default=False,
        help_text="Whether or not this should be considered a released/published version",
        verbose_name="Is Published?",
    ),
    "is_latest": Described(
        "boolean",
        default=False,
        help_text="Set this if this should be considered the latest release for the major "
        "version. Previous 'latest' versions will automatically have this flag turned off.",
        verbose_name="Is this the latest release?",
    ),
    "release_date": Described("datetime", default="the current time"),
    "pre_release": Described(
        "boolean",
        default=False,
        help_text="Boolean to denote pre-release/beta/RC versions",
        verbose_name="Pre-release",
    ),
    "release_page": Described("related", nullable=True, blank=True, related="/api/v1/pages/page"),
    "release_notes_url": optional(verbose_name="Release Notes URL"),
    "show_on_download_page": Described(
        "boolean",
        default=True,
        help_text="Whether or not to show this release on the main /downloads/ page",
    ),
    "resource_uri": RESOURCE_URI,
}


def url_field(name: str) -> Described:
    return optional(help_text=name, verbose_name=name)


FILE_FIELDS = {
    "name": Described("string"),
    "slug": SLUG,
    "os": Described("related", related="/api/v1/downloads/os"),
    "release": Described("related", related="/api/v1/downloads/release"),
    "description": optional(),
    "is_source": Described("boolean", default=False, verbose_name="Is Source Distribution"),
    "url": Described("string", unique=True, help_text="Download URL", verbose_name="URL"),
    "gpg_signature_file": optional(help_text="GPG Signature URL", verbose_name="GPG SIG URL"),
    "md5_sum": optional(verbose_name="MD5 Sum"),
    "sha256_sum": optional(verbose_name="SHA256 Sum"),
    "filesize": Described("integer", default=0),
    "download_button": Described(
        "boolean", default=False, help_text="Use for the supernav download button for this OS"
    ),
    "sigstore_signature_file": url_field("Sigstore Signature URL"),
    "sigstore_cert_file": url_field("Sigstore Cert URL"),
    "sigstore_bundle_file": url_field("Sigstore Bundle URL"),
    "sbom_spdx2_file": url_field("SPDX-2 SBOM URL"),
    "resource_uri": RESOURCE_URI,
}


def naive(moment: datetime) -> str:
    """Tastypie's datetimes: ISO 8601 in UTC, without a zone."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


class V1OSService(TastypieService, PythonOrgOSes):
    stem = "tastypie"

    def read(self, row: Any) -> Any:
        return to_schema(V1OS, row, resource_uri=self.uri("tastypieGetOS")(row.id))


class V1ReleaseService(TastypieService, PythonOrgReleases):
    stem = "tastypie"

    def read(self, row: Any) -> Any:
        return to_schema(
            V1Release,
            row,
            RELEASE_COLUMNS,
            release_date=naive(row.release_date),
            release_page=None,
            resource_uri=self.uri("tastypieGetRelease")(row.id),
        )


class V1ReleaseFileService(TastypieService, PythonOrgFiles):
    stem = "tastypie"
    relations = {"os": ("downloads/os", OS), "release": ("downloads/release", Release)}

    def read(self, row: Any) -> Any:
        return to_schema(
            V1ReleaseFile,
            row,
            os=self.uri("tastypieGetOS")(row.os_id),
            release=self.uri("tastypieGetRelease")(row.release_id),
            resource_uri=self.uri("tastypieGetReleaseFile")(row.id),
        )


LIST = "Tastypie's `{meta, objects}` list (`limit`, default 20, at most 1000; `offset`). "
SET = "Tastypie's `set/`: the objects named by the ids (`1;3`), in that order, and under "
"`not_found` each id that names none the caller may see. The list's filters apply."
SCHEMA = "Tastypie's description of the resource: each field's type, default and facts, the "
"methods it takes, and its filters."


class V1OSController(TastypieController):
    path, service, schema, listing = "/api/v1/downloads/os", V1OSService, V1OS, V1OSList
    noun, plural, called, sets = "OS", "OS", ("an OS", "OSes"), V1OSSet
    filtering, described = OS_FILTERING, OS_FIELDS
    options = {
        "list": {"description": LIST + "Filters: `name`, `slug` (exact)."},
        "delete": {"summary": "python.org v1: delete an OS and its files (staff)"},
        "get_multiple": {"description": SET},
        "get_schema": {"description": SCHEMA},
    }


class V1ReleaseController(TastypieController):
    path, service, schema = "/api/v1/downloads/release", V1ReleaseService, V1Release
    noun, plural, listing, sets = "Release", "Releases", V1ReleaseList, V1ReleaseSet
    filtering, described = RELEASE_FILTERING, RELEASE_FIELDS
    hidden_is_401 = True
    options = {
        "list": {
            "description": LIST + "Filters: `name`, `slug`, `is_published`, `pre_release` "
            "(exact), `version` (exact, `startswith`), `release_date` (`exact`, `gt`, `gte`, "
            "`lt`, `lte`, `in`, `range`, `isnull`, `year`, `month`, `day`, `hour`, `minute`, "
            "`second`). Unpublished releases are listed to staff only."
        },
        "get": {
            "description": "An unpublished release is a 401 to anyone but staff, as on python.org."
        },
        "delete": {"summary": "python.org v1: delete a release and its files (staff)"},
        "get_multiple": {"description": SET},
        "get_schema": {
            "description": SCHEMA + " For staff only, as on python.org (Tastypie asks whether "
            "the reader may see a new release, and a new release is unpublished).",
            "access": Access.STAFF,
        },
    }


class V1ReleaseFileController(TastypieController):
    path, service, schema = "/api/v1/downloads/release_file", V1ReleaseFileService, V1ReleaseFile
    noun, plural, listing, sets = "ReleaseFile", "ReleaseFiles", V1ReleaseFileList, V1ReleaseFileSet
    filtering, described = FILE_FILTERING, FILE_FIELDS
    list_methods = ("get", "post", "delete")
    options = {
        "list": {
            "description": LIST + "Filters: `name`, `slug` (exact), `description__contains`, "
            "`os` and `release` with any lookup on their ids (`release__in=1014,1015`, "
            "`os__gte=2`) or the OS's and release's own filters (`release__name=...`, "
            "`release__version__startswith=3`). Files of unpublished releases are listed "
            "too, as python.org does."
        },
        "create": {
            "description": "`os` and `release` are their URIs (`/api/v1/downloads/os/3/`). URLs "
            "must start with `https://www.python.org/`; signature and SBOM URLs are the file URL "
            "plus `.asc`, `.sig`, `.crt`, `.sigstore` or `.spdx.json`. A URI naming no object "
            "is a 400 (`Could not find the provided downloads/os object via resource URI "
            "'...'.`), one that is no link to the resource Tastypie's 404.",
            "errors": (404,),
        },
        "get_multiple": {"description": SET},
        "get_schema": {"description": SCHEMA},
    }

    @delete(
        "/",
        operation_id="tastypieDeleteReleaseFilesOfRelease",
        summary="python.org v1: delete every file of a release (staff)",
        reads_query=True,
        description="Only as `?release=<id>`, exactly that one parameter once: anything "
        "else is a 400, even before credentials are checked, as on python.org.",
        access_after_lookup=True,
    )
    async def delete_of_release(
        self, request: Request[Any, Any, Any], service: NamedDependency[V1ReleaseFileService]
    ) -> None:
        release = release_to_empty(query_of(request))
        require_declared(request)
        await service.delete_of_release(release)


def release_to_empty(pairs: list[tuple[str, str]]) -> int:
    """The release whose files ``DELETE release_file/`` removes: the query string is exactly
    one ``release`` and nothing else (python.org's own rule: a filter it would ignore could
    make it delete more than its caller meant), read as Tastypie reads the filter."""
    if len(pairs) != 1 or pairs[0][0] != "release":
        message = "Deleting release files requires exactly one 'release' filter."
        raise bad_request("release", message)
    filters.conditions(FILE_FILTERING, pairs)
    key = filters.python_value(pairs[0][1])
    return int(key)


ROUTES = [V1OSController, V1ReleaseController, V1ReleaseFileController]
