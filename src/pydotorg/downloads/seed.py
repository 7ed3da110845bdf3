"""Loading the shipped python.org downloads data. Only missing rows are added, so re-running
changes nothing and never overwrites what staff edited through the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from pydotorg.data import load
from pydotorg.downloads.classify import classify
from pydotorg.downloads.file_services import slugify_file
from pydotorg.downloads.models import OS, Release, ReleaseCycle, ReleaseFile
from pydotorg.downloads.services import parse_release_name, refresh_latest


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _sidecars(record: dict[str, Any]) -> dict[str, str]:
    """The data stores a few certificates (``.crt``) in the bundle column; put them right."""
    bundle = record.get("sigstore_bundle_file") or ""
    cert = ""
    if bundle.endswith(".crt"):
        bundle, cert = "", bundle
    return {
        "gpg_signature_file": record.get("gpg_signature_file") or "",
        "sigstore_signature_file": "",
        "sigstore_cert_file": cert,
        "sigstore_bundle_file": bundle,
        "sbom_spdx2_file": record.get("sbom_spdx2_file") or "",
    }


async def _missing(
    session: AsyncSession, column: Any, rows: list[dict[str, Any]], key: str
) -> list[dict[str, Any]]:
    existing = set(await session.scalars(select(column)))
    return [row for row in rows if row[key] not in existing]


async def _unnumbered(
    session: AsyncSession, column: InstrumentedAttribute[int], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``rows`` (python.org's ids, ``tools/data/_pythonorg_ids.py``), where one whose id an
    older database already gave to another record takes the next free id instead."""
    taken = set(await session.scalars(select(column)))
    if not taken:
        return rows
    spare = max(taken | {row["id"] for row in rows})
    renumbered = []
    for row in rows:
        if row["id"] in taken:
            spare += 1
            row = {**row, "id": spare}
        renumbered.append(row)
    return renumbered


async def seed(session: AsyncSession) -> dict[str, int]:
    """Insert the shipped OSes, release cycle, releases and files that are not there yet."""
    counts: dict[str, int] = {}

    os_rows = [{"id": r["id"], "name": r["name"], "slug": r["slug"]} for r in load("os")]
    new = await _missing(session, OS.slug, os_rows, "slug")
    if new:
        await session.execute(insert(OS), new)
    counts["os"] = len(new)

    cycles = [
        {
            "series": r["series"],
            "major": r["major"],
            "status": r["status"],
            "pep": r["pep"],
            "branch": r["branch"] or "",
            "release_manager": r["release_manager"] or "",
            "first_release": _date(r["first_release"]),
            "end_of_bugfix": _date(r["end_of_bugfix"]),
            "end_of_life": _date(r["end_of_life"] or r.get("endoflife_date_eol")),
        }
        for r in load("release_cycle")
    ]
    new = await _missing(session, ReleaseCycle.series, cycles, "series")
    if new:
        await session.execute(insert(ReleaseCycle), new)
    counts["release_cycle"] = len(new)

    releases = []
    for record in load("releases"):
        version = parse_release_name(record["name"])
        released = _date(record["release_date"])
        releases.append(
            {
                "id": record["id"],
                "name": record["name"],
                "slug": record["slug"],
                "major": version.major,
                "minor": version.minor,
                "micro": version.micro,
                "stage_rank": version.stage_rank,
                "stage_number": version.stage_number,
                "series": version.series,
                "release_date": datetime.combine(released, time(), UTC) if released else None,
                "pre_release": version.pre_release,
                "is_published": record["state"] == "actual",
                "is_latest": False,
                "show_on_download_page": True,
                "release_notes_url": "",
                "release_page_url": record["release_page_url"],
            }
        )
    new = await _unnumbered(
        session, Release.id, await _missing(session, Release.slug, releases, "slug")
    )
    if new:
        await session.execute(insert(Release), new)
    counts["releases"] = len(new)

    rows = (await session.execute(select(Release.id, Release.slug, Release.name))).all()
    by_version = {name.removeprefix("Python "): (rid, slug) for rid, slug, name in rows}
    os_ids = dict((await session.execute(select(OS.slug, OS.id))).all())
    files = []
    slugs: set[str] = set()
    for record in load("release_files"):
        release_id, release_slug = by_version[record["release"]]
        slug = slugify_file(release_slug, record["name"])
        if slug in slugs:
            slug = slugify_file(release_slug, record["filename"])
        base, suffix = slug, 2
        while slug in slugs:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        slugs.add(slug)
        files.append(
            {
                "id": record["id"],
                "name": record["name"],
                "slug": slug,
                "os_id": os_ids[record["os"]],
                "release_id": release_id,
                "description": record["description"] or "",
                "is_source": record["is_source"],
                "url": record["url"],
                "md5_sum": record["md5_sum"] or "",
                "sha256_sum": record["sha256_sum"] or "",
                "filesize": record["filesize"] or 0,
                "download_button": record["download_button"],
                **_sidecars(record),
                # Derived here, at seed time: the shipped file keeps only the source's facts.
                **classify(record["url"]).columns(),
            }
        )
    new = await _unnumbered(
        session, ReleaseFile.id, await _missing(session, ReleaseFile.url, files, "url")
    )
    if new:
        await session.execute(insert(ReleaseFile), new)
    counts["release_files"] = len(new)

    if counts["releases"]:
        await refresh_latest(session, {r["major"] for r in releases})
    return counts
