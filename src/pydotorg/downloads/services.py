"""What the downloads API can do with OSes, releases and the release cycle.

Release files have their own module (``files.py``) because their URL rules are long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.exceptions import ConflictError, FieldError, NotFoundError
from pydotorg.core.queries import id_or_slug, in_byte_order, where_given
from pydotorg.core.resources import CrudService, to_schema
from pydotorg.core.services import Service, by_role
from pydotorg.downloads.models import OS, Release, ReleaseCycle, ReleaseFile
from pydotorg.downloads.schemas import (
    OSCreate,
    OSRead,
    ReleaseCreate,
    ReleaseCycleRead,
    ReleaseRead,
    ReleaseUpdate,
)

_NAME = re.compile(r"^Python ([0-9]+)\.([0-9]+)(?:\.([0-9]+))?(?:(a|b|rc)([0-9]+))?\Z")
_STAGE_RANK = {"a": 0, "b": 1, "rc": 2, None: 3}
_STATUS = {"feature": "prerelease"}
_SERIES = re.compile(r"^[0-9]{1,3}\.[0-9]{1,3}\Z")
_MAJOR = re.compile(r"^[0-9]{1,3}\Z")


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

    def columns(self) -> dict[str, Any]:
        """The release's version columns."""
        return {
            "major": self.major,
            "minor": self.minor,
            "micro": self.micro,
            "stage_rank": self.stage_rank,
            "stage_number": self.stage_number,
            "series": self.series,
            "pre_release": self.pre_release,
        }


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


_STAGE_TAG = {0: "a", 1: "b", 2: "rc"}


def python_version(release: Release) -> str:
    stage = _STAGE_TAG.get(release.stage_rank, "")
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
LIST_ORDER = (Release.release_date.desc().nulls_last(), *NEWEST_FIRST, Release.id)
"""The order of the release list, and of the releases' files in the file list: newest release
date first (undated last), then newest version; the id settles the rest."""


PYTHON_ORG_ORDER = (in_byte_order(Release.name), Release.id)
"""python.org's order of releases (its model's ``Meta.ordering``): by name, as strings, so
"Python 2.7.10" < "Python 2.7.10rc1" < "Python 2.7.11", by code point on every engine."""


def support_status(cycle: ReleaseCycle, today: date) -> Any:
    """Where a series stands on ``today`` by its schedule (PEP 602): before its first final
    release ``prerelease``, then ``bugfix``, ``security`` after the end of bug fixes, and
    ``end-of-life``. A series without dates keeps the status it was shipped with."""
    if cycle.end_of_life is not None and today >= cycle.end_of_life:
        return "end-of-life"
    if cycle.end_of_bugfix is not None and today >= cycle.end_of_bugfix:
        return "security"
    if cycle.first_release is not None:
        return "bugfix" if today >= cycle.first_release else "prerelease"
    return _STATUS.get(cycle.status, cycle.status)


def version_scope(version: str) -> tuple[str, int | str]:
    """The release column and value a ``ver`` path segment names: ``("major", 3)`` for ``3``,
    ``("series", "3.12")`` for ``3.12``; anything else is a 422 naming ``ver``."""
    if _MAJOR.match(version):
        return "major", int(version)
    if _SERIES.match(version):
        return "series", version
    raise FieldError(
        "ver", "must be a major version ('3') or a minor series ('3.12')", source="path"
    )


class OSService(CrudService[OS, OSRead]):
    """Operating systems downloads are published for."""

    model, read_schema, create_schema, detail_route = OS, OSRead, OSCreate, "getOS"

    async def before_delete(self, os: OS) -> None:
        used = await self.rows(ReleaseFile).count(ReleaseFile.os_id == os.id)
        if used:
            raise ConflictError(
                f"OS {os.id} still has {used} release files; delete or move them first.",
                extra={"release_files": used},
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


class ReleaseService(CrudService[Release, ReleaseRead]):
    """Releases, newest first; unpublished ones are for staff only. ``is_latest`` is kept on
    the newest published final release of each major version."""

    model, read_schema, create_schema, update_schema = (
        Release,
        ReleaseRead,
        ReleaseCreate,
        ReleaseUpdate,
    )
    detail_route = "getRelease"
    unique = ("name", "slug")
    columns = {"release_page": "release_page_url"}
    reread = ("create", "update")

    @by_role
    def query(self) -> Select[Release]:
        query = select(Release).order_by(*LIST_ORDER)
        return query if self.staff else query.where(Release.is_published.is_(True))

    @by_role
    def newest_final(self, column: str) -> Select[Release]:
        """The newest published final release whose ``column`` (``major`` or ``series``) is
        the parameter ``value``."""
        return (
            self.query()
            .where(
                Release.is_published.is_(True),
                Release.pre_release.is_(False),
                getattr(Release, column) == bindparam("value"),
            )
            .order_by(None)
            .order_by(*NEWEST_FIRST)
            .limit(1)
        )

    def filtered(self, query: Select[Release], filters: Any) -> Select[Release]:
        f: ReleaseFilters = filters or ReleaseFilters()
        query = where_given(
            query,
            (Release.major, f.version),
            (Release.series, f.series),
            (Release.pre_release, f.pre_release),
            (Release.is_published, f.is_published),
            (Release.show_on_download_page, f.show_on_download_page),
        )
        if f.os is not None:
            has_files = (
                select(ReleaseFile.id)
                .join(OS, OS.id == ReleaseFile.os_id)
                .where(ReleaseFile.release_id == Release.id, id_or_slug(OS, f.os))
                .exists()
            )
            query = query.where(has_files)
        return query

    def read(self, release: Release) -> ReleaseRead:
        cycle = release.cycle
        return to_schema(
            ReleaseRead,
            release,
            {"version": "major", "release_page": "release_page_url"},
            python_version=python_version(release),
            support_status=support_status(cycle, self.now.date()) if cycle else None,
            end_of_life=cycle.end_of_life if cycle else None,
            resource_uri=self.links.url("getRelease", release.id),
        )

    async def latest(self, version: str = "3") -> ReleaseRead:
        """The newest published final release of a major version (``3``) or series (``3.12``)."""
        column, value = version_scope(version)
        release = await self.rows(Release).first(self.newest_final(column), {"value": value})
        if release is None:
            raise NotFoundError(f"No published final release of Python {version}.")
        return self.read(release)

    async def validate(self, values: dict[str, Any], current: Release | None) -> None:
        """A name's slug when none is given; unique names and slugs; the version a name says."""
        if current is None:
            values["slug"] = values.get("slug") or slugify_release_name(values["name"])
        await super().validate(values, current)
        if "name" in values:
            values.update(parse_release_name(values["name"]).columns())

    async def after_write(self, row: Release, action: str) -> None:
        """Keep ``is_latest`` on the newest release of the major it was and the one it is."""
        majors = {row.major, *inspect(row).attrs.major.history.deleted}
        await self.session.flush()
        await refresh_latest(self.session, majors)


class ReleaseCycleService(Service):
    """The support schedule of each minor series, newest series first."""

    async def list(self) -> list[ReleaseCycleRead]:
        rows = await self.session.scalars(select(ReleaseCycle))
        cycles = [cycle_read(row, self.now.date()) for row in rows]
        return sorted(
            cycles, key=lambda c: tuple(int(p) for p in c.series.split(".")), reverse=True
        )

    async def get(self, series: str) -> ReleaseCycleRead:
        cycle = await self.session.get(ReleaseCycle, series)
        if cycle is None:
            raise NotFoundError(f"No release cycle for series {series!r}.")
        return cycle_read(cycle, self.now.date())


def cycle_read(cycle: ReleaseCycle, today: date) -> ReleaseCycleRead:
    return to_schema(ReleaseCycleRead, cycle, status=support_status(cycle, today))


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
