"""Release files: reading them, and the rules python.org enforces when they are written.

The rules are production's (python/pythondotorg PR #3014 and its constraints): every URL starts
with ``https://www.python.org/``; each signature or SBOM URL is the file URL plus a fixed suffix;
URLs are unique; at most one file per release and OS carries the download button. A broken rule
is a 422 naming the field, never the 500 release managers used to get.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, select

from pydotorg.core.exceptions import FieldError
from pydotorg.core.pagination import Page, Window
from pydotorg.core.queries import where_given
from pydotorg.core.resources import CrudService
from pydotorg.core.services import by_role
from pydotorg.downloads.models import OS, Release, ReleaseFile
from pydotorg.downloads.schemas import ReleaseFileCreate, ReleaseFileRead, ReleaseFileUpdate

URL_PREFIX = "https://www.python.org/"
SIDECAR_SUFFIXES = {
    "gpg_signature_file": ".asc",
    "sigstore_signature_file": ".sig",
    "sigstore_cert_file": ".crt",
    "sigstore_bundle_file": ".sigstore",
    "sbom_spdx2_file": ".spdx.json",
}
URL_FIELDS = ("url", *SIDECAR_SUFFIXES)
SOURCE_OS_SLUG = "source"


def slugify_file(release_slug: str, name: str) -> str:
    return f"{release_slug}-" + re.sub(r"[^0-9A-Za-z]+", "-", name).strip("-")


def check_urls(values: dict[str, Any]) -> None:
    url = values["url"]
    if not url.startswith(URL_PREFIX):
        raise FieldError("url", f"Release file URLs must begin with '{URL_PREFIX}'.")
    for field, suffix in SIDECAR_SUFFIXES.items():
        sidecar = values.get(field) or ""
        if sidecar and sidecar != url + suffix:
            raise FieldError(field, f"must be the file URL followed by '{suffix}': {url}{suffix}")


@dataclass(frozen=True)
class FileFilters:
    release: int | None = None
    os: int | None = None
    version: int | None = None
    series: str | None = None
    pre_release: bool | None = None


class ReleaseFileService(CrudService[ReleaseFile, ReleaseFileRead]):
    """Release files; those of unpublished releases are for staff only."""

    model, read_schema, create_schema, update_schema = (
        ReleaseFile,
        ReleaseFileRead,
        ReleaseFileCreate,
        ReleaseFileUpdate,
    )
    detail_route = "getReleaseFile"
    unique = ("url", "slug")
    columns = {
        "os": "os_id",
        "release": "release_id",
        "os_slug": "os.slug",
        "release_slug": "release.slug",
    }

    @by_role
    def query(self) -> Select[ReleaseFile]:
        query = (
            select(ReleaseFile)
            .join(Release, Release.id == ReleaseFile.release_id)
            .order_by(
                Release.release_date.desc().nulls_last(),
                ReleaseFile.os_id,
                ReleaseFile.name,
                ReleaseFile.id,
            )
        )
        return query if self.staff else query.where(Release.is_published.is_(True))

    def filtered(self, query: Select[ReleaseFile], filters: Any) -> Select[ReleaseFile]:
        f: FileFilters = filters or FileFilters()
        return where_given(
            query,
            (ReleaseFile.release_id, f.release),
            (ReleaseFile.os_id, f.os),
            (Release.major, f.version),
            (Release.series, f.series),
            (Release.pre_release, f.pre_release),
        )

    async def of_release(
        self, release_id: int, window: Window, os: int | None
    ) -> Page[ReleaseFileRead]:
        releases = (
            select(Release) if self.staff else select(Release).where(Release.is_published.is_(True))
        )
        await self.rows(Release, releases).get(release_id)
        return await self.page(window, FileFilters(release=release_id, os=os))

    async def of_os(
        self, os_id: int, window: Window, filters: FileFilters
    ) -> Page[ReleaseFileRead]:
        await self.rows(OS).get(os_id)
        return await self.page(window, replace(filters, os=os_id))

    async def create(self, data: Any) -> ReleaseFileRead:
        values = self.values(data)
        os = await self.rows(OS).reference(values["os_id"], field="os")
        release = await self.rows(Release).reference(values["release_id"], field="release")
        check_urls(values)
        values["slug"] = values.get("slug") or slugify_file(release.slug, values["name"])
        if values.get("is_source") is None:
            values["is_source"] = os.slug == SOURCE_OS_SLUG
        await self.validate(values, None)
        row = ReleaseFile(**values)
        self.session.add(row)
        await self.commit()
        return self.read(await self.row(row.id, fresh=True))

    async def update(self, key: int, data: Any) -> ReleaseFileRead:
        row = await self.row(key)
        values = self.values(data)
        if "os_id" in values:
            await self.rows(OS).reference(values["os_id"], field="os")
        if "release_id" in values:
            await self.rows(Release).reference(values["release_id"], field="release")
        if any(field in values for field in URL_FIELDS):
            check_urls({field: values.get(field, getattr(row, field)) for field in URL_FIELDS})
        merged = {
            name: values.get(name, getattr(row, name))
            for name in ("release_id", "os_id", "download_button")
        }
        await self.validate({**values, **merged}, row)
        for name, value in values.items():
            setattr(row, name, value)
        await self.commit()
        return self.read(await self.row(row.id, fresh=True))

    async def validate(self, values: dict[str, Any], current: ReleaseFile | None) -> None:
        await super().validate(values, current)
        if not values.get("download_button"):
            return
        query = select(ReleaseFile.id).where(
            ReleaseFile.release_id == values["release_id"],
            ReleaseFile.os_id == values["os_id"],
            ReleaseFile.download_button.is_(True),
        )
        if current is not None:
            query = query.where(ReleaseFile.id != current.id)
        other = await self.session.scalar(query)
        if other is not None:
            raise FieldError(
                "download_button",
                f"release file {other} already has the download button for this release and OS",
            )
