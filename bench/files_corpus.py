"""1,000,000 synthetic release files for the files list benchmark, deterministic from a seed.

    DATABASE_URL=sqlite:///var/files.sqlite3 .venv/bin/python bench/files_corpus.py [N] [SEED]

The database is migrated and seeded first (the shipped data); then N files (default
1,000,000) are added with bulk inserts, each to a release and an OS drawn from the shipped
ones, with a unique name, slug and URL and the classified fields filled in. Running it again
on the same database adds nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import sys
from typing import Any

from sqlalchemy import insert, select, text

from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.db.migrate import upgrade
from pydotorg.db.seed import seed
from pydotorg.domains import DOMAINS
from pydotorg.downloads.models import OS, Release, ReleaseFile
from pydotorg.settings import get_settings

BATCH = 10_000
MARKER = "bench-file-"
KINDS = [
    ("windows", "amd64", "installer", "exe"),
    ("macos", "universal2", "installer", "pkg"),
    ("source", None, "source", "tar.xz"),
    ("source", None, "source", "tgz"),
    ("android", "arm64", "binaries", "tar.gz"),
]


def files(count: int, seed_value: int, releases: list[int], systems: list[int]) -> Any:
    rng = random.Random(seed_value)
    for number in range(count):
        platform, arch, kind, form = rng.choice(KINDS)
        digest = hashlib.sha256(f"{seed_value}-{number}".encode()).hexdigest()
        yield {
            "name": f"Synthetic {platform} {kind} {number}",
            "slug": f"{MARKER}{number}",
            "os_id": rng.choice(systems),
            "release_id": rng.choice(releases),
            "description": "",
            "is_source": platform == "source",
            "url": f"https://www.example.org/ftp/bench/{number}/python-{number}.{form}",
            "md5_sum": digest[:32],
            "sha256_sum": digest,
            "filesize": rng.randint(1_000_000, 60_000_000),
            "download_button": False,
            "platform": platform,
            "arch": arch,
            "kind": kind,
            "format": form,
            "free_threaded": False,
        }


async def build(database_url: str, count: int, seed_value: int) -> None:
    engine = create_engine(database_url, pool=False)
    async with create_sessionmaker(engine)() as session:
        there = await session.scalar(
            select(ReleaseFile.id).where(ReleaseFile.slug == f"{MARKER}0").limit(1)
        )
        if there is not None:
            print("the files are there already")
            await engine.dispose()
            return
        releases = list(await session.scalars(select(Release.id).order_by(Release.id)))
        systems = list(await session.scalars(select(OS.id).order_by(OS.id)))
        batch: list[dict[str, Any]] = []
        added = 0
        for row in files(count, seed_value, releases, systems):
            batch.append(row)
            if len(batch) == BATCH:
                await session.execute(insert(ReleaseFile), batch)
                # A transaction per batch: each insert updates the releases' file counts
                # (triggers), and in one transaction a million of those updates pile up
                # row versions PostgreSQL cannot prune (it slowed to 5,000 files a minute).
                await session.commit()
                added += len(batch)
                batch = []
                print(f"{added} files", end="\r", flush=True)
        if batch:
            await session.execute(insert(ReleaseFile), batch)
            added += len(batch)
        if database_url.startswith("postgresql"):
            await session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('download_release_file', 'id'), "
                    "(SELECT max(id) FROM download_release_file))"
                )
            )
        await session.commit()
    if database_url.startswith("postgresql"):
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE download_release_file"))
            # Each batch rewrote the count of every release it touched: a hundred row
            # versions of each release, 63 MB of a 667-row table that a plain VACUUM leaves
            # as free space (and every read of the release list scans). A bulk load ends with
            # a rewrite, as an operator's would.
            await connection.execute(text("VACUUM FULL ANALYZE download_release"))
    else:
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
    await engine.dispose()
    print(f"\n{added} files added")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    seed_value = int(sys.argv[2]) if len(sys.argv) > 2 else 2026
    url = get_settings().database_url
    upgrade(url)
    asyncio.run(seed(url, DOMAINS, demo=True))
    asyncio.run(build(url, count, seed_value))


if __name__ == "__main__":
    main()
