"""Release files: reading them, and the rules python.org enforces when they are written.

The rules are production's (python/pythondotorg PR #3014 and its constraints): every URL starts
with ``https://www.python.org/``; each signature or SBOM URL is the file URL plus a fixed suffix;
URLs are unique; at most one file per release and OS carries the download button. A broken rule
is a 422 naming the field, never the 500 release managers used to get.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.database import commit_or_conflict
from pydotorg.core.exceptions import FieldError, NotFoundError
from pydotorg.core.pagination import Window
from pydotorg.core.schemas import changed_fields
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


def file_read(row: ReleaseFile, base: str) -> ReleaseFileRead:
    return ReleaseFileRead(
        id=row.id,
        name=row.name,
        slug=row.slug,
        os=row.os_id,
        os_slug=row.os.slug,
        release=row.release_id,
        release_slug=row.release.slug,
        description=row.description,
        is_source=row.is_source,
        url=row.url,
        filesize=row.filesize,
        md5_sum=row.md5_sum,
        sha256_sum=row.sha256_sum,
        gpg_signature_file=row.gpg_signature_file,
        sigstore_signature_file=row.sigstore_signature_file,
        sigstore_cert_file=row.sigstore_cert_file,
        sigstore_bundle_file=row.sigstore_bundle_file,
        sbom_spdx2_file=row.sbom_spdx2_file,
        download_button=row.download_button,
        resource_uri=f"{base}/api/v1/files/{row.id}",
    )


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


class ReleaseFileService:
    """Reads and writes of release files for one request's session and caller."""

    def __init__(self, session: AsyncSession, *, staff: bool, base: str) -> None:
        self.session = session
        self.staff = staff
        self.base = base

    def _query(self, filters: FileFilters) -> Select[ReleaseFile]:
        query = select(ReleaseFile).join(Release, Release.id == ReleaseFile.release_id)
        if not self.staff:
            query = query.where(Release.is_published.is_(True))
        if filters.release is not None:
            query = query.where(ReleaseFile.release_id == filters.release)
        if filters.os is not None:
            query = query.where(ReleaseFile.os_id == filters.os)
        if filters.version is not None:
            query = query.where(Release.major == filters.version)
        if filters.series is not None:
            query = query.where(Release.series == filters.series)
        if filters.pre_release is not None:
            query = query.where(Release.pre_release.is_(filters.pre_release))
        return query

    async def list_files(
        self, filters: FileFilters, window: Window
    ) -> tuple[list[ReleaseFileRead], int]:
        query = self._query(filters)
        total = await self.session.scalar(
            select(func.count()).select_from(query.with_only_columns(ReleaseFile.id).subquery())
        )
        rows = await self.session.scalars(
            query.order_by(
                Release.release_date.desc().nulls_last(),
                ReleaseFile.os_id,
                ReleaseFile.name,
                ReleaseFile.id,
            )
            .limit(window.limit)
            .offset(window.offset)
        )
        return [file_read(row, self.base) for row in rows.unique()], total or 0

    async def release_exists(self, release_id: int) -> None:
        query = select(Release.id).where(Release.id == release_id)
        if not self.staff:
            query = query.where(Release.is_published.is_(True))
        if await self.session.scalar(query) is None:
            raise NotFoundError(f"No release with id {release_id}.")

    async def os_exists(self, os_id: int) -> None:
        if await self.session.get(OS, os_id) is None:
            raise NotFoundError(f"No OS with id {os_id}.")

    async def _file(self, file_id: int) -> ReleaseFile:
        query = self._query(FileFilters()).where(ReleaseFile.id == file_id)
        row = await self.session.scalar(query.execution_options(populate_existing=True))
        if row is None:
            raise NotFoundError(f"No release file with id {file_id}.")
        return row

    async def get_file(self, file_id: int) -> ReleaseFileRead:
        return file_read(await self._file(file_id), self.base)

    async def create_file(self, data: ReleaseFileCreate) -> ReleaseFileRead:
        values = changed_fields(data)
        os = await self.session.get(OS, data.os)
        if os is None:
            raise FieldError("os", f"no OS with id {data.os}")
        release = await self.session.get(Release, data.release)
        if release is None:
            raise FieldError("release", f"no release with id {data.release}")
        check_urls(values)
        slug = data.slug or slugify_file(release.slug, data.name)
        await self._check_unique(url=data.url, slug=slug)
        if data.download_button:
            await self._check_button(data.release, data.os)
        row = ReleaseFile(
            name=data.name,
            slug=slug,
            os_id=data.os,
            release_id=data.release,
            description=data.description,
            is_source=os.slug == SOURCE_OS_SLUG if data.is_source is None else data.is_source,
            url=data.url,
            filesize=data.filesize,
            md5_sum=data.md5_sum,
            sha256_sum=data.sha256_sum,
            download_button=data.download_button,
            **{field: values[field] for field in SIDECAR_SUFFIXES},
        )
        self.session.add(row)
        await commit_or_conflict(self.session)
        return await self.get_file(row.id)

    async def update_file(self, file_id: int, data: ReleaseFileUpdate) -> ReleaseFileRead:
        row = await self._file(file_id)
        changes = changed_fields(data)
        if "os" in changes and await self.session.get(OS, changes["os"]) is None:
            raise FieldError("os", f"no OS with id {changes['os']}")
        if "release" in changes and await self.session.get(Release, changes["release"]) is None:
            raise FieldError("release", f"no release with id {changes['release']}")
        if any(field in changes for field in URL_FIELDS):
            merged = {field: changes.get(field, getattr(row, field)) for field in URL_FIELDS}
            check_urls(merged)
        if "url" in changes and changes["url"] != row.url:
            await self._check_unique(url=changes["url"])
        if "slug" in changes and changes["slug"] != row.slug:
            await self._check_unique(slug=changes["slug"])
        release_id = changes.pop("release", row.release_id)
        os_id = changes.pop("os", row.os_id)
        button = changes.get("download_button", row.download_button)
        if button:
            await self._check_button(release_id, os_id, exclude=row.id)
        row.release_id = release_id
        row.os_id = os_id
        for key, value in changes.items():
            setattr(row, key, value)
        await commit_or_conflict(self.session)
        return await self.get_file(row.id)

    async def delete_file(self, file_id: int) -> None:
        row = await self._file(file_id)
        await self.session.delete(row)
        await commit_or_conflict(self.session)

    async def _check_unique(self, *, url: str | None = None, slug: str | None = None) -> None:
        if url is not None and await self.session.scalar(
            select(ReleaseFile.id).where(ReleaseFile.url == url)
        ):
            raise FieldError("url", "a release file with this URL already exists")
        if slug is not None and await self.session.scalar(
            select(ReleaseFile.id).where(ReleaseFile.slug == slug)
        ):
            raise FieldError("slug", f"a release file with slug {slug!r} already exists")

    async def _check_button(self, release_id: int, os_id: int, exclude: int | None = None) -> None:
        query = select(ReleaseFile.id).where(
            ReleaseFile.release_id == release_id,
            ReleaseFile.os_id == os_id,
            ReleaseFile.download_button.is_(True),
        )
        if exclude is not None:
            query = query.where(ReleaseFile.id != exclude)
        other = await self.session.scalar(query)
        if other is not None:
            raise FieldError(
                "download_button",
                f"release file {other} already has the download button for this release and OS",
            )
