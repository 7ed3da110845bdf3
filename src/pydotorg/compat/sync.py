"""``pydotorg sync``: make this service's OSes, releases and files those of a python.org.

The source's records keep the source's ids (the last segment of their ``resource_uri``), so a
mirror answers ``/downloads/release/146/`` as python.org does. Each source record is matched to
a local row by its id, else by a natural key (an OS's slug, a release's slug then name, a
file's URL); a matched row with another id is renumbered to the source's, moving its files
along, and a local-only row that sits on an id the source uses moves to a fresh id above every
other. Nothing is deleted. Names, slugs and links are checked with the downloads domain's own
field types, release versions are derived by its name parser and file kinds by its URL rules;
``is_latest`` is recomputed per major version as every release write does.

Records this service cannot hold are skipped and counted, never guessed at: releases whose name
is not a CPython version (python.org's "Python install manager ..." entries), a second release
of the same name, and files of a skipped release or of a release the source does not list
(python.org lists the files of unpublished releases to anonymous clients, but not the
releases). A file whose OS the source does not list is a malformed answer.

Everything happens in one transaction: a failure leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import msgspec
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg import __version__
from pydotorg.compat.upstream import (
    TIMEOUT,
    Downloads,
    RemoteFile,
    RemoteOS,
    RemoteRelease,
    Upstream,
    UpstreamError,
    link_id,
)
from pydotorg.core.exceptions import FieldError
from pydotorg.core.schemas import Description, Name, OptionalUrl, Slug, Url
from pydotorg.db.seed import reset_sequences
from pydotorg.downloads.file_services import classified
from pydotorg.downloads.models import OS, Release, ReleaseFile
from pydotorg.downloads.schemas import AwareDatetime, FileSize, Md5, Sha256
from pydotorg.downloads.services import parse_release_name, refresh_latest
from pydotorg.search.indexing import index_rows

LISTED = 8
"""How many records of each group the summary names."""


class SyncError(Exception):
    """Why the sync stopped, in one line; nothing was written."""


class _OSFields(msgspec.Struct):
    name: Name
    slug: Slug


class _ReleaseFields(msgspec.Struct):
    slug: Slug
    release_date: AwareDatetime | None
    release_notes_url: OptionalUrl
    release_page: Url | None


class _FileFields(msgspec.Struct):
    """python.org's file slugs may repeat a separator ('3101-Windows-installer-32--bit'), which
    the API's slug rule refuses on writes; a mirror keeps them as python.org serves them."""

    name: Name
    slug: Name
    description: Description
    url: Url
    md5_sum: Md5
    sha256_sum: Sha256 | None
    filesize: FileSize
    gpg_signature_file: OptionalUrl
    sigstore_signature_file: OptionalUrl
    sigstore_cert_file: OptionalUrl
    sigstore_bundle_file: OptionalUrl
    sbom_spdx2_file: OptionalUrl


def _checked(record: msgspec.Struct, fields: type[msgspec.Struct], where: str) -> dict[str, Any]:
    try:
        checked = msgspec.convert(msgspec.structs.asdict(record), fields)
    except msgspec.ValidationError as exc:
        raise SyncError(f"{where}: {exc}") from exc
    return msgspec.structs.asdict(checked)


@dataclass(frozen=True)
class Table:
    """How one kind of record is matched, compared and renumbered."""

    label: str
    model: Any
    keys: tuple[str, ...]
    uniques: tuple[str, ...]
    parked_as: tuple[tuple[str, Any], ...] = ()
    children: tuple[Any, ...] = ()


OS_TABLE = Table("OSes", OS, ("slug",), ("slug",), children=(ReleaseFile.os_id,))
RELEASE_TABLE = Table(
    "releases",
    Release,
    ("slug", "name"),
    ("name", "slug"),
    children=(ReleaseFile.release_id,),
)
FILE_TABLE = Table(
    "release files", ReleaseFile, ("url",), ("slug", "url"), (("download_button", False),)
)


@dataclass
class Plan:
    """What syncing one table does: rows to add, rows to change (by their final id), rows to
    renumber (local id to final id) and how many stay as they are."""

    table: Table
    added: list[dict[str, Any]] = field(default_factory=list)
    updated: dict[int, dict[str, Any]] = field(default_factory=dict)
    moved: dict[int, int] = field(default_factory=dict)
    parked: dict[int, int] = field(default_factory=dict)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)
    spare: int = 0
    local_ids: frozenset[int] = frozenset()

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.updated) + len(self.moved)

    def final_id(self, local_id: int) -> int:
        """Where a local row ends up: renumbered, moved aside, or where it is."""
        return self.moved.get(local_id, local_id)

    def lines(self) -> list[str]:
        name = self.table.label
        head = f"{name}: {len(self.added)} added, {len(self.updated)} updated, "
        head += f"{self.unchanged} unchanged"
        if self.skipped:
            head += f", {len(self.skipped)} skipped"
        lines = [head]
        lines += _listed("added", [f"{row['name']} (id {row['id']})" for row in self.added])
        updates = []
        for final, changed in sorted(self.updated.items()):
            old = next((o for o, n in self.moved.items() if n == final), None)
            ids = f"id {old} -> {final}" if old is not None and old != final else f"id {final}"
            what = ", ".join(sorted(set(changed) - {"id"})) or "id"
            updates.append(f"{self.labels.get(final, final)} ({ids}: {what})")
        lines += _listed("updated", updates)
        aside = [f"id {old} -> {new}" for old, new in sorted(self.parked.items())]
        lines += _listed("local records moved off the source's ids", aside)
        lines += _listed("skipped", self.skipped)
        return lines


def _listed(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    shown = items[:LISTED]
    more = f"; and {len(items) - LISTED} more" if len(items) > LISTED else ""
    return [f"  {title}: {'; '.join(shown)}{more}"]


@dataclass
class Report:
    plans: list[Plan]
    dry_run: bool

    def summary(self) -> str:
        lines = [line for plan in self.plans for line in plan.lines()]
        if not any(plan.changes for plan in self.plans):
            lines.append("nothing changed: the database already matches the source")
        elif self.dry_run:
            lines.append("dry run: nothing was written")
        return "\n".join(lines)


async def _local(
    session: AsyncSession, table: Table, incoming: dict[int, dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """The table's rows, with the columns the source's records give."""
    model = table.model
    names = sorted({name for values in incoming.values() for name in values} | set(table.keys))
    columns = [model.id, *(getattr(model, name) for name in names)]
    rows = (await session.execute(select(*columns))).mappings()
    return {row["id"]: dict(row) for row in rows}


def plan_table(
    table: Table,
    incoming: dict[int, dict[str, Any]],
    local: dict[int, dict[str, Any]],
    *,
    first_free: int,
) -> Plan:
    """Match ``incoming`` (source id to values) with ``local`` rows and decide what changes.

    A local row matched to a source record under another id is renumbered; a local row that
    matches nothing but sits on a source id is moved to a fresh id from ``first_free`` on."""
    plan = Plan(table)
    claimed: dict[int, int] = {}
    for key in table.keys:
        index = {row[key]: lid for lid, row in local.items() if lid not in claimed}
        taken = set(claimed.values())
        for source_id, values in sorted(incoming.items()):
            lid = index.get(values[key])
            if source_id not in taken and lid is not None and lid not in claimed:
                claimed[lid] = source_id
    fresh = first_free
    for lid in sorted(local):
        target = claimed.get(lid)
        if target is not None and target != lid:
            plan.moved[lid] = target
        elif target is None and lid in incoming:
            plan.moved[lid] = plan.parked[lid] = fresh
            fresh += 1
    plan.spare = fresh
    plan.local_ids = frozenset(local)
    matched = {target: lid for lid, target in claimed.items()}
    for source_id, values in sorted(incoming.items()):
        plan.labels[source_id] = values["name"]
        lid = matched.get(source_id)
        if lid is None:
            plan.added.append({"id": source_id, **values})
            continue
        changed = _differences(local[lid], values)
        if lid != source_id:
            changed.setdefault("id", source_id)
        if changed:
            plan.updated[source_id] = changed
        else:
            plan.unchanged += 1
    return plan


def _differences(row: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if row.get(name) != value}


def _os_values(records: list[RemoteOS]) -> dict[int, dict[str, Any]]:
    result = {}
    for record in records:
        where = f"OS {record.resource_uri}"
        result[link_id(record.resource_uri, "os", where)] = _checked(record, _OSFields, where)
    return result


def _release_values(records: list[RemoteRelease], skipped: list[str]) -> dict[int, dict[str, Any]]:
    result: dict[int, dict[str, Any]] = {}
    names: dict[str, int] = {}
    for record in sorted(records, key=lambda r: link_id(r.resource_uri, "release", r.name)):
        source_id = link_id(record.resource_uri, "release", f"release {record.name!r}")
        try:
            version = parse_release_name(record.name)
        except FieldError:
            skipped.append(f"{record.name} (id {source_id}): not a CPython release name")
            continue
        if record.name in names:
            skipped.append(
                f"{record.name} (id {source_id}): the same name as release {names[record.name]}"
            )
            continue
        names[record.name] = source_id
        fields = _checked(record, _ReleaseFields, f"release {source_id}")
        released = fields["release_date"]
        result[source_id] = {
            "name": record.name,
            "slug": fields["slug"],
            "release_date": released.astimezone(UTC) if released else None,
            "is_published": record.is_published,
            "show_on_download_page": record.show_on_download_page,
            "release_notes_url": fields["release_notes_url"],
            # not ``release_page``: that is python.org's link to a page of its CMS, which this
            # service does not have; the release's public page URL stays as it is here
            **version.columns(),
        }
    return result


def _file_values(
    records: list[RemoteFile],
    oses: set[int],
    releases: set[int],
    skipped_releases: set[int],
    skipped: list[str],
) -> dict[int, dict[str, Any]]:
    result = {}
    unlisted: dict[int, int] = {}
    for record in records:
        where = f"release file {record.resource_uri}"
        source_id = link_id(record.resource_uri, "release_file", where)
        os_id = link_id(record.os, "os", where)
        release_id = link_id(record.release, "release", where)
        if os_id not in oses:
            raise SyncError(f"release file {source_id}: its OS {record.os} is not in the list")
        if release_id in skipped_releases:
            skipped.append(f"{record.name} (id {source_id}): its release was skipped")
            continue
        if release_id not in releases:
            unlisted[release_id] = unlisted.get(release_id, 0) + 1
            continue
        fields = _checked(record, _FileFields, f"release file {source_id}")
        if fields["sha256_sum"] is None:
            del fields["sha256_sum"]
        result[source_id] = {
            **fields,
            "os_id": os_id,
            "release_id": release_id,
            "is_source": record.is_source,
            "download_button": record.download_button,
        }
    skipped += [
        f"{count} files of release {rid}, which the source does not list"
        for rid, count in sorted(unlisted.items())
    ]
    return result


async def plan(session: AsyncSession, source: Downloads) -> list[Plan]:
    """What syncing ``source`` would change, from what the database holds now."""
    skipped_releases: list[str] = []
    skipped_files: list[str] = []
    oses = _os_values(source.oses)
    releases = _release_values(source.releases, skipped_releases)
    skipped_ids = {link_id(r.resource_uri, "release", r.name) for r in source.releases} - set(
        releases
    )
    files = _file_values(source.files, set(oses), set(releases), skipped_ids, skipped_files)

    plans = []
    for table, incoming in ((OS_TABLE, oses), (RELEASE_TABLE, releases)):
        local = await _local(session, table, incoming)
        top = max([*local, *incoming, 0]) + 1
        plans.append(plan_table(table, incoming, local, first_free=top))
    os_plan, release_plan = plans
    release_plan.skipped = skipped_releases

    local_files = await _local(session, FILE_TABLE, files)
    for row in local_files.values() if files else ():
        row["os_id"] = os_plan.final_id(row["os_id"])
        row["release_id"] = release_plan.final_id(row["release_id"])
    top = max([*local_files, *files, 0]) + 1
    file_plan = plan_table(FILE_TABLE, files, local_files, first_free=top)
    file_plan.skipped = skipped_files
    _yield_buttons(file_plan, files, local_files)
    return [os_plan, release_plan, file_plan]


def _yield_buttons(
    plan: Plan, files: dict[int, dict[str, Any]], local: dict[int, dict[str, Any]]
) -> None:
    """A release has one download button per OS: where the source gives it to one of its
    files, a local file the source does not list gives it up."""
    buttons = {(v["release_id"], v["os_id"]) for v in files.values() if v["download_button"]}
    for lid, row in local.items():
        final = plan.final_id(lid)
        owned = (row.get("release_id"), row.get("os_id")) in buttons
        if final not in files and row.get("download_button") and owned:
            plan.updated[final] = {"download_button": False}
            plan.labels[final] = row["name"]


async def _move(session: AsyncSession, table: Table, old: int, new: int) -> None:
    """Give row ``old`` the id ``new``, its children following: a copy under placeholder
    unique values, the children re-pointed, the original deleted, the values put back."""
    model = table.model
    row = dict(
        (await session.execute(select(model.__table__).where(model.id == old))).one()._mapping
    )
    placeholder = dict.fromkeys(table.uniques, f"~sync~{old}~{new}") | dict(table.parked_as)
    await session.execute(insert(model), [{**row, **placeholder, "id": new}])
    for child in table.children:
        await session.execute(
            update(child.class_).where(child == old).values({child.key: new}),
            execution_options={"synchronize_session": False},
        )
    await session.execute(
        delete(model).where(model.id == old), execution_options={"synchronize_session": False}
    )
    await session.execute(
        update(model).where(model.id == new).values({name: row[name] for name in placeholder}),
        execution_options={"synchronize_session": False},
    )


async def apply_plan(session: AsyncSession, plan: Plan, advance: Callable[[int], None]) -> None:
    table, model = plan.table, plan.table.model
    occupied = set(plan.moved) | set(plan.local_ids)
    waiting: dict[int, int] = {}
    for old, new in sorted(plan.moved.items()):
        spot = new if new not in occupied else plan.spare + len(waiting)
        await _move(session, table, old, spot)
        if spot != new:
            waiting[spot] = new
    for spot, new in waiting.items():
        await _move(session, table, spot, new)
    advance(len(plan.moved))
    buttons_off_first = sorted(
        plan.updated.items(), key=lambda item: bool(item[1].get("download_button", True))
    )
    for final, changed in buttons_off_first:
        values = {name: value for name, value in changed.items() if name != "id"}
        if model is ReleaseFile and "url" in values:
            classified(values, values["url"], derive_all=True)
        if values:
            await session.execute(
                update(model).where(model.id == final).values(values),
                execution_options={"synchronize_session": False},
            )
        advance(1)
    if plan.added:
        rows = plan.added
        if model is ReleaseFile:
            rows = [{**row} for row in rows]
            for row in rows:
                classified(row, row["url"], derive_all=True)
        await session.execute(insert(model), rows)
        advance(len(rows))


async def _reindex_releases(session: AsyncSession, plan: Plan) -> None:
    touched = {*plan.moved, *plan.moved.values(), *plan.updated, *(r["id"] for r in plan.added)}
    await index_rows(session, "releases", touched)  # rows written in bulk, not by the ORM
    majors = set(await session.scalars(select(Release.major).distinct()))
    await refresh_latest(session, majors)


async def sync(
    session: AsyncSession,
    source: Downloads,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Bring the downloads tables in line with ``source`` in the session's one transaction,
    committed unless ``dry_run`` (then rolled back untouched). ``progress`` is told
    ``(done, total)`` as rows are written."""
    try:
        plans = await plan(session, source)
    except UpstreamError as exc:
        raise SyncError(str(exc)) from exc
    report = Report(plans, dry_run)
    total = sum(p.changes for p in plans)
    if dry_run or total == 0:
        await session.rollback()
        return report
    done = 0

    def advance(steps: int) -> None:
        nonlocal done
        done += steps
        if progress is not None:
            progress(done, total)

    try:
        for item in plans:
            await apply_plan(session, item, advance)
        if plans[1].changes:
            await _reindex_releases(session, plans[1])
        await reset_sequences(session)
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        reason = str(exc.orig).splitlines()[0] if exc.orig else "a constraint"
        raise SyncError(f"the database refused the source's records ({reason})") from exc
    return report


async def sync_from(session: AsyncSession, base_url: str, *, dry_run: bool, progress: bool) -> str:
    """``pydotorg sync``: fetch the downloads of the python.org-compatible site at ``base_url``
    and :func:`sync` them, with progress bars on a terminal; the report."""
    import httpx
    from rich.progress import Progress

    with Progress(disable=not progress, transient=True) as bar:
        tasks = {kind: bar.add_task(f"fetching {kind}", total=None) for kind in ("os", "release")}
        tasks["release_file"] = bar.add_task("fetching release_file", total=None)

        def fetched(kind: str, done: int, expected: int | None) -> None:
            bar.update(tasks[kind], completed=done, total=expected)

        headers = {"User-Agent": f"pydotorg/{__version__} (pydotorg sync)"}
        async with httpx.AsyncClient(
            timeout=TIMEOUT, headers=headers, follow_redirects=True, max_redirects=5
        ) as client:
            source = await Upstream(base_url, client, progress=fetched).downloads()
        writing = bar.add_task("writing", total=None)

        def wrote(done: int, total: int) -> None:
            bar.update(writing, completed=done, total=total)

        report = await sync(session, source, dry_run=dry_run, progress=wrote)
    return report.summary()
