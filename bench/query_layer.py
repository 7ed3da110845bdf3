"""advanced-alchemy's repository against this project's query layer, in CPU time per call.

``core/queries.py`` says why the project writes its own query layer rather than adopting
advanced-alchemy: not for speed. This measures that claim on the same queries over the seeded
SQLite data: the first page of 20 published releases, newest first, with the total; and one
release by id. Each call has a session (or, for ours, a request's ``Database``) of its own, as
a request has. advanced-alchemy's ``list_and_count`` runs once counting with a window function
(``count(*) OVER ()``, one statement) and once with a count query of its own (two).

Calls are timed with ``time.process_time`` (the aiosqlite threads included), in interleaved
rounds: each round runs every variant for ``--calls`` calls, in an order that rotates. The
figures are medians over the rounds, in µs per call.

advanced-alchemy must not be installed in the project's ``.venv``: Litestar imports it when it
is there, and it then raises deprecation warnings under SQLAlchemy 2.1 that the test suite
treats as errors. Run this in a throwaway environment::

    python3 -m venv /tmp/aa && /tmp/aa/bin/pip install -e . advanced-alchemy
    /tmp/aa/bin/python bench/query_layer.py                 # 15 rounds of 200 calls
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

PAGE, RELEASE_ID = 20, 631


async def run(args: argparse.Namespace, var_dir: Path) -> int:
    warnings.simplefilter("ignore", DeprecationWarning)
    from advanced_alchemy.filters import LimitOffset
    from advanced_alchemy.repository import SQLAlchemyAsyncRepository
    from sqlalchemy import select

    from pydotorg.core.pagination import Window
    from pydotorg.core.queries import Repository
    from pydotorg.db.database import Database
    from pydotorg.db.engine import create_engine, create_sessionmaker
    from pydotorg.downloads.models import Release
    from pydotorg.downloads.services import NEWEST_FIRST

    class Releases(SQLAlchemyAsyncRepository[Release]):
        model_type = Release

    engine = create_engine(f"sqlite+aiosqlite:///{var_dir / 'pydotorg.sqlite3'}")
    maker = create_sessionmaker(engine)
    # The anonymous caller's query of ReleaseService.query(), made once (as by_role does).
    query = (
        select(Release)
        .order_by(Release.release_date.desc().nulls_last(), *NEWEST_FIRST)
        .where(Release.is_published.is_(True))
    )

    async def aa_page(window_count: bool) -> tuple[list[int], int]:
        async with maker() as session:
            rows, total = await Releases(session=session).list_and_count(
                LimitOffset(PAGE, 0), statement=query, count_with_window_function=window_count
            )
            return [row.id for row in rows], total

    async def aa_get() -> int:
        async with maker() as session:
            return (await Releases(session=session).get(RELEASE_ID, statement=query)).id

    async def aa_get_one_or_none() -> int:
        async with maker() as session:
            row = await Releases(session=session).get_one_or_none(id=RELEASE_ID, statement=query)
            assert row is not None
            return row.id

    async def ours(call: Callable[[Repository[Release]], Awaitable[Any]]) -> Any:
        database = Database(maker, engine)
        try:
            return await call(Repository(database, Release, query))
        finally:
            await database.close()

    async def our_page() -> tuple[list[int], int]:
        rows, total = await ours(lambda r: r.page(Window(PAGE, 0)))
        return [row.id for row in rows], total

    async def our_get() -> int:
        return int((await ours(lambda r: r.get(RELEASE_ID))).id)

    async def our_view() -> int:
        return int((await ours(lambda r: r.view(RELEASE_ID))).id)

    variants: dict[str, Callable[[], Awaitable[Any]]] = {
        "advanced-alchemy list_and_count, window count": lambda: aa_page(True),
        "advanced-alchemy list_and_count, count query": lambda: aa_page(False),
        "core/queries.py Repository.page (views)": our_page,
        "advanced-alchemy get": aa_get,
        "advanced-alchemy get_one_or_none": aa_get_one_or_none,
        "core/queries.py Repository.get (entity)": our_get,
        "core/queries.py Repository.view": our_view,
    }
    answers = {name: await call() for name, call in variants.items()}
    pages = {str(answer) for name, answer in answers.items() if "page" in name or "list" in name}
    gets = {answer for name, answer in answers.items() if "page" not in name and "list" not in name}
    if len(pages) != 1 or gets != {RELEASE_ID}:
        print(f"the variants answer differently: {answers}", file=sys.stderr)
        return 3
    for call in variants.values():
        for _ in range(args.calls // 4):
            await call()
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for number in range(args.rounds):
        for name in names[number % len(names) :] + names[: number % len(names)]:
            call = variants[name]
            started = time.process_time()
            for _ in range(args.calls):
                await call()
            times[name].append((time.process_time() - started) / args.calls * 1e6)
    await engine.dispose()
    print(
        f"{args.rounds} interleaved rounds of {args.calls} calls; CPU µs per call, median"
        f" (middle half); seeded SQLite, a page of {PAGE} of 643 releases\n"
    )
    print("| variant | µs per call |")
    print("|---|---:|")
    for name, values in times.items():
        quartiles = statistics.quantiles(values, n=4)
        print(
            f"| {name} | **{statistics.median(values):,.0f}** "
            f"({quartiles[0]:,.0f} to {quartiles[2]:,.0f}) |"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=200, help="calls per variant and round")
    parser.add_argument("--var-dir", type=Path, help="an existing, seeded PYDOTORG_VAR_DIR")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pydotorg-query-layer-") as temp:
        var_dir = args.var_dir or Path(temp) / "var"
        if args.var_dir is None:
            from pydotorg.db.seed import prepare_database
            from pydotorg.domains import DOMAINS
            from pydotorg.settings import Settings

            prepare_database(
                Settings.from_env({"PYDOTORG_VAR_DIR": str(var_dir)}).database_url,
                DOMAINS,
                demo=True,
            )
        return asyncio.run(run(args, var_dir))


if __name__ == "__main__":
    raise SystemExit(main())
