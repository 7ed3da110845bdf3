"""Release files: reading them, and the rules python.org enforces when they are written.

The rules are production's (python/pythondotorg PR #3014 and its constraints): every URL starts
with ``https://www.python.org/``; each signature or SBOM URL is the file URL plus a fixed suffix;
URLs are unique; at most one file per release and OS carries the download button. A broken rule
is a 422 naming the field, never the 500 release managers used to get.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.exceptions import FieldError, FieldErrors, NotFoundError
from pydotorg.core.pagination import Page, Window
from pydotorg.core.queries import SelectT, in_byte_order, page_in_groups, where_given
from pydotorg.core.resources import CrudService, to_schema
from pydotorg.core.services import Service, by_role
from pydotorg.downloads.classify import FIELDS, classify, signatures
from pydotorg.downloads.models import OS, Release, ReleaseCycle, ReleaseFile
from pydotorg.downloads.schemas import (
    BestFileRead,
    MatrixEntry,
    MatrixSeries,
    ReleaseFileCreate,
    ReleaseFileRead,
    ReleaseFileUpdate,
)
from pydotorg.downloads.services import (
    LIST_ORDER,
    NEWEST_FIRST,
    python_version,
    support_status,
    version_scope,
)

URL_PREFIX = "https://www.python.org/"
SIDECAR_SUFFIXES = {
    "gpg_signature_file": ".asc",
    "sigstore_signature_file": ".sig",
    "sigstore_cert_file": ".crt",
    "sigstore_bundle_file": ".sigstore",
    "sbom_spdx2_file": ".spdx.json",
}
URL_FIELDS = ("url", *SIDECAR_SUFFIXES)
HTTPS_ONLY = f"Release file URLs must begin with '{URL_PREFIX}'."
SOURCE_OS_SLUG = "source"


PYTHON_ORG_FILE_ORDER = (
    Release.is_published.desc(),
    in_byte_order(Release.name),
    in_byte_order(OS.name),
    in_byte_order(ReleaseFile.name),
    ReleaseFile.id,
)
"""python.org's order of release files (its model's ``Meta.ordering``): files of published
releases first, then by release name, OS name and file name; the id breaks ties."""


def python_org_files() -> Select[ReleaseFile]:
    """Every release file as python.org lists it, to anyone: in its order, and with the files
    of unpublished releases too. python.org has always shown those (its API tests say so), and
    the python.org-compatible endpoints keep it; the guide's own endpoints do not."""
    return (
        select(ReleaseFile)
        .join(Release, Release.id == ReleaseFile.release_id)
        .join(OS, OS.id == ReleaseFile.os_id)
        .order_by(*PYTHON_ORG_FILE_ORDER)
    )


def slugify_file(release_slug: str, name: str) -> str:
    return f"{release_slug}-" + re.sub(r"[^0-9A-Za-z]+", "-", name).strip("-")


def url_errors(
    values: dict[str, Any], previous: dict[str, Any] | None = None
) -> list[tuple[str, str]]:
    """python.org's rules for a release file's URLs, in its words and order
    (``validate_release_file_urls``): each URL given must start with ``URL_PREFIX``, unless it
    is the one already stored (``previous``; older files have ``http://`` URLs), then each
    signature or SBOM URL given must be the file's URL plus its suffix."""
    errors = []
    for field in URL_FIELDS:
        value = values.get(field) or ""
        kept = previous is not None and value == (previous.get(field) or "")
        if value and not value.startswith(URL_PREFIX) and not kept:
            errors.append((field, HTTPS_ONLY))
    url = values.get("url") or ""
    for field, suffix in SIDECAR_SUFFIXES.items() if url else ():
        sidecar = values.get(field) or ""
        if sidecar and sidecar != url + suffix:
            errors.append((field, f"Sidecar URL must match the artifact URL plus '{suffix}'."))
    return errors


def check_urls(values: dict[str, Any], previous: dict[str, Any] | None = None) -> None:
    """A 422 naming every URL that breaks :func:`url_errors`' rules."""
    errors = url_errors(values, previous)
    if errors:
        raise FieldErrors(errors)


@dataclass(frozen=True)
class FileKinds:
    """The structured-field filters every file list takes (see ``downloads.classify``)."""

    platform: str | None = None
    arch: str | None = None
    kind: str | None = None
    format: str | None = None
    free_threaded: bool | None = None
    signed_with: str | None = None

    def given(self) -> str:
        """The filters given, as ``platform=windows, arch=arm64`` for messages."""
        names = ("platform", "arch", "kind", "format", "free_threaded", "signed_with")
        pairs = [(name, getattr(self, name)) for name in names]
        return ", ".join(
            f"{name}={str(value).lower()}" for name, value in pairs if value is not None
        )


SIGNED_WITH: dict[str, ColumnElement[bool]] = {
    "gpg": ReleaseFile.gpg_signature_file != "",
    "sigstore": or_(
        ReleaseFile.sigstore_bundle_file != "", ReleaseFile.sigstore_signature_file != ""
    ),
    "sbom": ReleaseFile.sbom_spdx2_file != "",
}


def of_kinds(query: SelectT, kinds: FileKinds) -> SelectT:
    query = where_given(
        query,
        (ReleaseFile.platform, kinds.platform),
        (ReleaseFile.arch, kinds.arch),
        (ReleaseFile.kind, kinds.kind),
        (ReleaseFile.format, kinds.format),
        (ReleaseFile.free_threaded, kinds.free_threaded),
    )
    if kinds.signed_with is not None:
        query = query.where(SIGNED_WITH[kinds.signed_with])
    return query


@dataclass(frozen=True)
class FileFilters:
    release: int | None = None
    os: int | None = None
    version: int | None = None
    series: str | None = None
    pre_release: bool | None = None
    kinds: FileKinds = dataclasses.field(default_factory=FileKinds)


def classified(values: dict[str, Any], url: str, *, derive_all: bool) -> None:
    """Fill the structured fields of ``values`` from ``url`` where they are null (or, with
    ``derive_all``, also where they were left out); values staff gave are kept."""
    derived = classify(url).columns()
    for name in FIELDS:
        if values.get(name) is None and (derive_all or name in values):
            values[name] = derived[name]


# "Best file" preferences, most preferred first (see README, "Which file do I download").
KIND_ORDER = (
    "installer", "embeddable", "source", "web-installer", "nuget", "manifest", "docs",
    "debug-symbols", "debug-binaries",
)  # fmt: skip
ARCH_ORDER = (
    "universal2",
    "amd64",
    "x86_64",
    "arm64",
    "aarch64",
    "intel",
    "universal",
    "x86",
    "none",
)
FORMAT_ORDER = (
    "exe", "pkg", "msi", "dmg", "tar.xz", "tgz", "tar.gz", "tar.bz2", "zip", "nupkg", "json",
    "chm",
)  # fmt: skip


def _rank(order: tuple[str, ...], value: str | None) -> int:
    return order.index(value) if value in order else len(order)


def preference(row: ReleaseFile) -> tuple[Any, ...]:
    """How a file ranks among its release's matches: lower is better."""
    return (
        _rank(KIND_ORDER, row.kind),
        bool(row.free_threaded),
        _rank(ARCH_ORDER, row.arch),
        _rank(FORMAT_ORDER, row.format),
        not row.download_button,
        row.id,
    )


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
    in_release_order = True  # the list keeps each release's files together (see ``page``)
    reread = ("create", "update")
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
            .order_by(*LIST_ORDER, ReleaseFile.os_id, ReleaseFile.name, ReleaseFile.id)
        )
        return query if self.staff else query.where(Release.is_published.is_(True))

    async def page(self, window: Window, filters: Any = None) -> Page[ReleaseFileRead]:
        """The list is in release order, each release's files together, so a page reads only
        the releases it spans (``core.queries.page_in_groups``), by each release's number of
        files: kept in ``file_count`` by the database, or counted for the os and kind filters.
        A subclass listing files in another order (python.org's) sets ``in_release_order``
        false and pages the usual way."""
        if not self.in_release_order:
            return await super().page(window, filters)
        f: FileFilters = filters or FileFilters()
        query = self.filtered(self.query(), f)
        rows, total = await page_in_groups(
            self.database,
            query,
            window,
            ReleaseFile.release_id,
            await self._counts(f),
            within=(ReleaseFile.os_id, ReleaseFile.name, ReleaseFile.id),
        )
        return Page([self.read(row) for row in rows], total, window)

    async def _counts(self, f: FileFilters) -> list[tuple[int, int]]:
        """The visible releases the filters keep, in list order, with their numbers of files
        that the filters keep."""
        releases = where_given(
            select(Release.id, Release.file_count).order_by(*LIST_ORDER),
            (Release.id, f.release),
            (Release.major, f.version),
            (Release.series, f.series),
            (Release.pre_release, f.pre_release),
        )
        if not self.staff:
            releases = releases.where(Release.is_published.is_(True))
        if f.os is None and f.kinds == FileKinds():
            return [(key, count) for key, count in await self.session.execute(releases)]
        files = where_given(
            select(ReleaseFile.release_id, func.count()).group_by(ReleaseFile.release_id),
            (ReleaseFile.release_id, f.release),
            (ReleaseFile.os_id, f.os),
        )
        counts = {
            key: int(count) for key, count in await self.session.execute(of_kinds(files, f.kinds))
        }
        return [(key, counts.get(key, 0)) for key, _ in await self.session.execute(releases)]

    def filtered(self, query: Select[ReleaseFile], filters: Any) -> Select[ReleaseFile]:
        f: FileFilters = filters or FileFilters()
        query = where_given(
            query,
            (ReleaseFile.release_id, f.release),
            (ReleaseFile.os_id, f.os),
            (Release.major, f.version),
            (Release.series, f.series),
            (Release.pre_release, f.pre_release),
        )
        return of_kinds(query, f.kinds)

    def read(self, row: ReleaseFile) -> ReleaseFileRead:
        return to_schema(
            ReleaseFileRead,
            row,
            self.columns,
            signatures=signatures(
                row.gpg_signature_file,
                row.sigstore_bundle_file,
                row.sigstore_signature_file,
                row.sbom_spdx2_file,
            ),
            resource_uri=self.links.url(self.detail_route, row.id),
        )

    async def visible_release(self, release_id: int) -> Release:
        releases = (
            select(Release) if self.staff else select(Release).where(Release.is_published.is_(True))
        )
        return await self.rows(Release, releases).get(release_id)

    async def of_release(
        self, release_id: int, window: Window, os: int | None, kinds: FileKinds | None = None
    ) -> Page[ReleaseFileRead]:
        await self.visible_release(release_id)
        filters = FileFilters(release=release_id, os=os, kinds=kinds or FileKinds())
        return await self.page(window, filters)

    async def best(
        self, scope: list[ColumnElement[bool]], wanted: FileKinds, described: str
    ) -> BestFileRead:
        """The best classified file, among the releases ``scope`` keeps, for ``wanted``: the
        newest release that has a matching file, then by ``preference``."""
        query = of_kinds(self.query(), wanted).where(ReleaseFile.kind.is_not(None), *scope)
        newest = await self.session.scalar(
            query.with_only_columns(Release.id).order_by(None).order_by(*NEWEST_FIRST).limit(1)
        )
        if newest is None:
            asked = wanted.given() or "any classified file"
            raise NotFoundError(f"No file of {described} matches {asked}.")
        rows = list(await self.session.scalars(query.where(Release.id == newest)))
        row = min(rows, key=preference)
        return to_schema(
            BestFileRead,
            row,
            python_version=python_version(row.release),
            release=row.release_id,
            release_name=row.release.name,
            signatures=signatures(
                row.gpg_signature_file,
                row.sigstore_bundle_file,
                row.sigstore_signature_file,
                row.sbom_spdx2_file,
            ),
            gpg_signature_url=row.gpg_signature_file or None,
            sigstore_bundle_url=row.sigstore_bundle_file or None,
            sigstore_signature_url=row.sigstore_signature_file or None,
            sigstore_cert_url=row.sigstore_cert_file or None,
            sbom_url=row.sbom_spdx2_file or None,
            file=self.read(row),
        )

    async def best_of_release(self, release_id: int, wanted: FileKinds) -> BestFileRead:
        release = await self.visible_release(release_id)
        return await self.best([Release.id == release_id], wanted, release.name)

    async def best_of_latest(self, version: str, wanted: FileKinds) -> BestFileRead:
        """``version``: a major (``3``), a series (``3.13``): final releases only; ``pre``:
        every published release, pre-releases included."""
        if version == "pre":
            return await self.best([], wanted, "any published release")
        column, value = version_scope(version)
        scope = [getattr(Release, column) == value, Release.pre_release.is_(False)]
        return await self.best(scope, wanted, f"a final Python {version} release")

    async def of_os(
        self, os_id: int, window: Window, filters: FileFilters
    ) -> Page[ReleaseFileRead]:
        await self.rows(OS).get(os_id)
        return await self.page(window, replace(filters, os=os_id))

    async def delete_of_release(self, release_id: int) -> int:
        """Delete every file of a release, as release tooling does before it uploads a
        release's files again; how many there were (none, for an unknown release)."""
        result = await self.session.execute(
            delete(ReleaseFile).where(ReleaseFile.release_id == release_id)
        )
        await self.commit()
        return int(getattr(result, "rowcount", 0) or 0)

    async def validate(self, values: dict[str, Any], current: ReleaseFile | None) -> None:
        """The OS and release exist, the URLs are python.org's, the kind follows from the URL
        (and a slug from the release and name); one download button per release and OS."""
        if current is None:
            os = await self.rows(OS).reference(values["os_id"], field="os")
            release = await self.rows(Release).reference(values["release_id"], field="release")
            check_urls(values)
            values["slug"] = values.get("slug") or slugify_file(release.slug, values["name"])
            classified(values, values["url"], derive_all=True)
            if values.get("is_source") is None:
                values["is_source"] = os.slug == SOURCE_OS_SLUG
            checked = values
        else:
            if "os_id" in values:
                await self.rows(OS).reference(values["os_id"], field="os")
            if "release_id" in values:
                await self.rows(Release).reference(values["release_id"], field="release")
            if any(field in values for field in URL_FIELDS):
                stored = {field: getattr(current, field) for field in URL_FIELDS}
                check_urls({**stored, **{f: values[f] for f in URL_FIELDS if f in values}}, stored)
            classified(values, values.get("url", current.url), derive_all="url" in values)
            merged = {
                name: values.get(name, getattr(current, name))
                for name in ("release_id", "os_id", "download_button")
            }
            checked = {**values, **merged}
        await super().validate(checked, current)
        if not checked.get("download_button"):
            return
        query = select(ReleaseFile.id).where(
            ReleaseFile.release_id == checked["release_id"],
            ReleaseFile.os_id == checked["os_id"],
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


SUPPORTED = ("prerelease", "bugfix", "security")


class MatrixService(Service):
    """What the newest release of each supported series ships, for CI test matrices: the newest
    published release with classified files (a final one when there is one)."""

    async def matrix(self, platform: str | None = None) -> list[MatrixSeries]:
        today = self.now.date()
        cycles = [
            (cycle, status)
            for cycle in await self.session.scalars(select(ReleaseCycle))
            if (status := support_status(cycle, today)) in SUPPORTED
        ]
        cycles.sort(key=lambda c: tuple(int(p) for p in c[0].series.split(".")), reverse=True)
        result = []
        for cycle, status in cycles:
            ships_files = (
                select(ReleaseFile.id)
                .where(ReleaseFile.release_id == Release.id, ReleaseFile.kind.is_not(None))
                .exists()
            )
            release = await self.session.scalar(
                select(Release)
                .where(Release.series == cycle.series, Release.is_published.is_(True), ships_files)
                .order_by(Release.pre_release, *NEWEST_FIRST)
                .limit(1)
            )
            if release is None:
                continue
            ships = await self.ships(release.id, platform)
            if platform is not None and not ships:
                continue
            result.append(
                MatrixSeries(
                    series=cycle.series,
                    status=status,
                    end_of_life=cycle.end_of_life,
                    python_version=python_version(release),
                    release=release.id,
                    release_name=release.name,
                    ships=ships,
                )
            )
        return result

    async def ships(self, release_id: int, platform: str | None) -> list[MatrixEntry]:
        query = select(
            ReleaseFile.platform,
            ReleaseFile.arch,
            ReleaseFile.kind,
            ReleaseFile.free_threaded,
            ReleaseFile.format,
        ).where(ReleaseFile.release_id == release_id, ReleaseFile.kind.is_not(None))
        query = where_given(query, (ReleaseFile.platform, platform))
        formats: dict[tuple[Any, ...], set[Any]] = {}
        for plat, arch, kind, free, fmt in (await self.session.execute(query)).all():
            formats.setdefault((plat, arch, kind, bool(free)), set()).add(fmt)
        return [
            MatrixEntry(
                platform=plat,
                arch=arch,
                kind=kind,
                free_threaded=free,
                formats=sorted(found, key=lambda f: _rank(FORMAT_ORDER, f)),
            )
            for (plat, arch, kind, free), found in sorted(formats.items())
        ]


async def unclassified_report(session: AsyncSession) -> list[str]:
    """Lines for ``pydotorg check files``: counts, then each file no rule classified."""
    total = await session.scalar(select(func.count(ReleaseFile.id))) or 0
    by_platform = (
        await session.execute(
            select(ReleaseFile.platform, func.count(ReleaseFile.id))
            .where(ReleaseFile.platform.is_not(None))
            .group_by(ReleaseFile.platform)
            .order_by(ReleaseFile.platform)
        )
    ).all()
    missing = (
        await session.execute(
            select(ReleaseFile.id, ReleaseFile.url, Release.major)
            .join(Release, Release.id == ReleaseFile.release_id)
            .where(or_(*(getattr(ReleaseFile, name).is_(None) for name in FIELDS)))
            .order_by(ReleaseFile.id)
        )
    ).all()
    lines = [f"release files: {total}"]
    lines += [f"  {platform}: {count}" for platform, count in by_platform]
    lines.append(f"unclassified: {len(missing)}")
    lines.append(f"unclassified of 3.x releases: {sum(1 for *_, major in missing if major == 3)}")
    lines += [f"  file {key}: {url}" for key, url, _ in missing]
    return lines
