"""What the downloads API can do: reading and changing OSes and releases.

Services own the rules and the transaction; controllers only translate HTTP. Release files have
their own module (``files.py``) because their URL rules are long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC
from typing import Any, TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.database import commit_or_conflict
from pydotorg.core.exceptions import ConflictError, FieldError, NotFoundError
from pydotorg.core.pagination import Window
from pydotorg.core.schemas import changed_fields
from pydotorg.downloads.models import OS, Release, ReleaseCycle, ReleaseFile
from pydotorg.downloads.schemas import (
    OSCreate,
    OSRead,
    OSUpdate,
    ReleaseCreate,
    ReleaseCycleRead,
    ReleaseRead,
    ReleaseUpdate,
)

_NAME = re.compile(r"^Python (\d+)\.(\d+)(?:\.(\d+))?(?:(a|b|rc)(\d+))?$")
_STAGE_RANK = {"a": 0, "b": 1, "rc": 2, None: 3}
_STATUS = {"feature": "prerelease"}
AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])
_SERIES = re.compile(r"^\d{1,3}\.\d{1,3}$")
_MAJOR = re.compile(r"^\d{1,3}$")


@dataclass(frozen=True)
class ReleaseVersion:
    """The parts of a release name that order releases: 3.14.0rc2 < 3.14.0 < 3.14.1."""

    major: int
    minor: int
    micro: int
    stage_rank: int
    stage_number: int

    @property
    def pre_release(self) -> bool:
        return self.stage_rank < 3

    @property
    def series(self) -> str:
        return f"{self.major}.{self.minor}"


def parse_release_name(name: str) -> ReleaseVersion:
    match = _NAME.match(name)
    if match is None:
        raise FieldError("name", "must look like 'Python 3.13.1' or 'Python 3.14.0rc2'")
    major, minor, micro, stage, number = match.groups()
    return ReleaseVersion(
        major=int(major),
        minor=int(minor),
        micro=int(micro or 0),
        stage_rank=_STAGE_RANK[stage],
        stage_number=int(number or 0),
    )


def python_version(release: Release) -> str:
    stage = {0: "a", 1: "b", 2: "rc"}.get(release.stage_rank, "")
    suffix = f"{stage}{release.stage_number}" if stage else ""
    return f"{release.major}.{release.minor}.{release.micro}{suffix}"


def slugify_release_name(name: str) -> str:
    return "python-" + re.sub(r"[^0-9a-z]", "", name.lower().removeprefix("python "))


NEWEST_FIRST = (
    Release.major.desc(),
    Release.minor.desc(),
    Release.micro.desc(),
    Release.stage_rank.desc(),
    Release.stage_number.desc(),
)


# Reading -----------------------------------------------------------------------------------


def os_read(os: OS, base: str) -> OSRead:
    return OSRead(id=os.id, name=os.name, slug=os.slug, resource_uri=f"{base}/api/v1/os/{os.id}")


def release_read(release: Release, cycle: ReleaseCycle | None, base: str) -> ReleaseRead:
    return ReleaseRead(
        id=release.id,
        name=release.name,
        slug=release.slug,
        version=release.major,
        series=release.series,
        python_version=python_version(release),
        release_date=release.release_date.astimezone(UTC) if release.release_date else None,
        pre_release=release.pre_release,
        is_published=release.is_published,
        is_latest=release.is_latest,
        show_on_download_page=release.show_on_download_page,
        release_notes_url=release.release_notes_url,
        release_page=release.release_page_url,
        support_status=_STATUS.get(cycle.status, cycle.status) if cycle else None,  # type: ignore[arg-type]
        end_of_life=cycle.end_of_life if cycle else None,
        resource_uri=f"{base}/api/v1/releases/{release.id}",
    )


def cycle_read(cycle: ReleaseCycle) -> ReleaseCycleRead:
    return ReleaseCycleRead(
        series=cycle.series,
        major=cycle.major,
        status=_STATUS.get(cycle.status, cycle.status),  # type: ignore[arg-type]
        pep=cycle.pep,
        branch=cycle.branch,
        release_manager=cycle.release_manager,
        first_release=cycle.first_release,
        end_of_bugfix=cycle.end_of_bugfix,
        end_of_life=cycle.end_of_life,
    )


@dataclass(frozen=True)
class ReleaseFilters:
    """The list filters the guide names: version, series, pre_release, is_published, os."""

    version: int | None = None
    series: str | None = None
    pre_release: bool | None = None
    is_published: bool | None = None
    os: str | None = None
    show_on_download_page: bool | None = None

    def validate(self) -> ReleaseFilters:
        if self.series is not None and not _SERIES.match(self.series):
            raise FieldError("series", "must be a minor series such as '3.12'", source="query")
        return self


class DownloadsService:
    """Reads and writes of OSes and releases, for one request's session and caller."""

    def __init__(self, session: AsyncSession, *, staff: bool, base: str) -> None:
        self.session = session
        self.staff = staff
        self.base = base

    # OS ------------------------------------------------------------------------------------

    async def list_os(self, window: Window) -> tuple[list[OSRead], int]:
        total = await self.session.scalar(select(func.count()).select_from(OS)) or 0
        rows = await self.session.scalars(
            select(OS).order_by(OS.id).limit(window.limit).offset(window.offset)
        )
        return [os_read(row, self.base) for row in rows], total

    async def get_os(self, os_id: int) -> OS:
        os = await self.session.get(OS, os_id)
        if os is None:
            raise NotFoundError(f"No OS with id {os_id}.")
        return os

    async def get_os_by_slug(self, slug: str) -> OS:
        os = await self.session.scalar(select(OS).where(OS.slug == slug))
        if os is None:
            raise NotFoundError(f"No OS with slug {slug!r}.")
        return os

    async def create_os(self, data: OSCreate) -> OS:
        await self._check_os_slug(data.slug)
        os = OS(name=data.name, slug=data.slug)
        self.session.add(os)
        await self._commit()
        return os

    async def update_os(self, os_id: int, data: OSUpdate) -> OS:
        os = await self.get_os(os_id)
        changes = changed_fields(data)
        if "slug" in changes and changes["slug"] != os.slug:
            await self._check_os_slug(changes["slug"])
        for key, value in changes.items():
            setattr(os, key, value)
        await self._commit()
        return os

    async def delete_os(self, os_id: int) -> None:
        os = await self.get_os(os_id)
        used = await self.session.scalar(
            select(func.count()).select_from(ReleaseFile).where(ReleaseFile.os_id == os_id)
        )
        if used:
            raise ConflictError(
                f"OS {os_id} still has {used} release files; delete or move them first.",
                extra={"release_files": used},
            )
        await self.session.delete(os)
        await self._commit()

    async def _check_os_slug(self, slug: str) -> None:
        if await self.session.scalar(select(OS.id).where(OS.slug == slug)) is not None:
            raise FieldError("slug", f"an OS with slug {slug!r} already exists")

    # Releases ------------------------------------------------------------------------------

    def _visible(self, query: AnySelect) -> AnySelect:
        return query if self.staff else query.where(Release.is_published.is_(True))

    def _with_cycle(self) -> Select[Release, ReleaseCycle]:
        query = select(Release, ReleaseCycle).outerjoin(
            ReleaseCycle, ReleaseCycle.series == Release.series
        )
        return self._visible(query)

    def _filtered(self, query: AnySelect, filters: ReleaseFilters) -> AnySelect:
        if filters.version is not None:
            query = query.where(Release.major == filters.version)
        if filters.series is not None:
            query = query.where(Release.series == filters.series)
        if filters.pre_release is not None:
            query = query.where(Release.pre_release.is_(filters.pre_release))
        if filters.is_published is not None:
            query = query.where(Release.is_published.is_(filters.is_published))
        if filters.show_on_download_page is not None:
            query = query.where(Release.show_on_download_page.is_(filters.show_on_download_page))
        if filters.os is not None:
            os_match = OS.id == int(filters.os) if filters.os.isdigit() else OS.slug == filters.os
            has_files = (
                select(ReleaseFile.id)
                .join(OS, OS.id == ReleaseFile.os_id)
                .where(ReleaseFile.release_id == Release.id, os_match)
                .exists()
            )
            query = query.where(has_files)
        return query

    async def list_releases(
        self, filters: ReleaseFilters, window: Window
    ) -> tuple[list[ReleaseRead], int]:
        filtered = self._filtered(self._with_cycle(), filters.validate())
        total = await self.session.scalar(
            select(func.count()).select_from(filtered.with_only_columns(Release.id).subquery())
        )
        rows = await self.session.execute(
            filtered.order_by(Release.release_date.desc().nulls_last(), *NEWEST_FIRST)
            .limit(window.limit)
            .offset(window.offset)
        )
        return [release_read(r, c, self.base) for r, c in rows], total or 0

    async def _one(self, query: Select[Release, ReleaseCycle], missing: str) -> ReleaseRead:
        row = (await self.session.execute(query.limit(1))).first()
        if row is None:
            raise NotFoundError(missing)
        return release_read(row[0], row[1], self.base)

    async def get_release(self, release_id: int) -> ReleaseRead:
        query = self._with_cycle().where(Release.id == release_id)
        return await self._one(query, f"No release with id {release_id}.")

    async def get_release_by_slug(self, slug: str) -> ReleaseRead:
        query = self._with_cycle().where(Release.slug == slug)
        return await self._one(query, f"No release with slug {slug!r}.")

    async def latest(self, version: str = "3") -> ReleaseRead:
        """The newest published final release of a major version (``3``) or series (``3.12``)."""
        query = self._with_cycle().where(
            Release.is_published.is_(True), Release.pre_release.is_(False)
        )
        if _MAJOR.match(version):
            query = query.where(Release.major == int(version))
        elif _SERIES.match(version):
            query = query.where(Release.series == version)
        else:
            raise FieldError(
                "ver", "must be a major version ('3') or a minor series ('3.12')", source="path"
            )
        return await self._one(
            query.order_by(*NEWEST_FIRST), f"No published final release of Python {version}."
        )

    async def list_cycles(self) -> list[ReleaseCycleRead]:
        cycles = [cycle_read(row) for row in await self.session.scalars(select(ReleaseCycle))]
        return sorted(
            cycles, key=lambda c: tuple(int(p) for p in c.series.split(".")), reverse=True
        )

    async def get_cycle(self, series: str) -> ReleaseCycleRead:
        cycle = await self.session.get(ReleaseCycle, series)
        if cycle is None:
            raise NotFoundError(f"No release cycle for series {series!r}.")
        return cycle_read(cycle)

    async def _release(self, release_id: int) -> Release:
        release = await self.session.get(Release, release_id)
        if release is None:
            raise NotFoundError(f"No release with id {release_id}.")
        return release

    async def create_release(self, data: ReleaseCreate) -> ReleaseRead:
        version = parse_release_name(data.name)
        slug = data.slug or slugify_release_name(data.name)
        await self._check_release_unique(name=data.name, slug=slug)
        release = Release(
            name=data.name,
            slug=slug,
            release_date=data.release_date,
            is_published=data.is_published,
            show_on_download_page=data.show_on_download_page,
            release_notes_url=data.release_notes_url,
            release_page_url=data.release_page,
        )
        _apply_version(release, version)
        self.session.add(release)
        await self.session.flush()
        await refresh_latest(self.session, {release.major})
        await self._commit()
        return await self.get_release(release.id)

    async def update_release(self, release_id: int, data: ReleaseUpdate) -> ReleaseRead:
        release = await self._release(release_id)
        changes = changed_fields(data)
        majors = {release.major}
        if "name" in changes and changes["name"] != release.name:
            await self._check_release_unique(name=changes["name"])
            _apply_version(release, parse_release_name(changes["name"]))
            majors.add(release.major)
        if "slug" in changes and changes["slug"] != release.slug:
            await self._check_release_unique(slug=changes["slug"])
        if "release_page" in changes:
            changes["release_page_url"] = changes.pop("release_page")
        for key, value in changes.items():
            setattr(release, key, value)
        await self.session.flush()
        await refresh_latest(self.session, majors)
        await self._commit()
        return await self.get_release(release.id)

    async def delete_release(self, release_id: int) -> None:
        release = await self._release(release_id)
        major = release.major
        await self.session.delete(release)
        await self.session.flush()
        await refresh_latest(self.session, {major})
        await self._commit()

    async def _check_release_unique(
        self, *, name: str | None = None, slug: str | None = None
    ) -> None:
        if name is not None and await self.session.scalar(
            select(Release.id).where(Release.name == name)
        ):
            raise FieldError("name", f"a release named {name!r} already exists")
        if slug is not None and await self.session.scalar(
            select(Release.id).where(Release.slug == slug)
        ):
            raise FieldError("slug", f"a release with slug {slug!r} already exists")

    async def _commit(self) -> None:
        await commit_or_conflict(self.session)


def _apply_version(release: Release, version: ReleaseVersion) -> None:
    release.major = version.major
    release.minor = version.minor
    release.micro = version.micro
    release.stage_rank = version.stage_rank
    release.stage_number = version.stage_number
    release.series = version.series
    release.pre_release = version.pre_release


async def refresh_latest(session: AsyncSession, majors: set[int]) -> None:
    """Mark the newest published final release of each major as ``is_latest``, and only it."""
    for major in majors:
        await session.execute(
            update(Release)
            .where(Release.major == major, Release.is_latest.is_(True))
            .values(is_latest=False)
        )
        newest = await session.scalar(
            select(Release.id)
            .where(
                Release.major == major,
                Release.is_published.is_(True),
                Release.pre_release.is_(False),
            )
            .order_by(*NEWEST_FIRST)
            .limit(1)
        )
        if newest is not None:
            await session.execute(
                update(Release).where(Release.id == newest).values(is_latest=True)
            )
