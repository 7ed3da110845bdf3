"""Search and autocomplete timed in process, statement by statement: bench/search_bench.py's
inputs sent to ``SearchService`` directly (no HTTP, no server), on one pooled connection, as
an anonymous caller, ROUNDS times each after a first round reported apart; p50 and p99 per
kind, the statements per request and the time spent in them (from the cursor's execute to its
last row), and the slowest inputs.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_search \
        .venv/bin/python bench/search_inproc.py [ROUNDS] [PART] [QUERY...]

PART is ``search``, ``autocomplete`` or both (the default); QUERY... replaces the inputs.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).parent))
from search_bench import load, queries

from pydotorg.core.services import Context
from pydotorg.db.database import Database
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.domains import DOMAINS  # noqa: F401  (names the indexes to the search)
from pydotorg.search.engines import search_engine
from pydotorg.search.schemas import SearchQuery
from pydotorg.search.services import SearchService
from pydotorg.settings import get_settings


class Links:
    def url(self, name: str, *args: Any, **params: Any) -> str:
        return f"/{name}/{args}"


def p(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


async def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    part = sys.argv[2] if len(sys.argv) > 2 else "both"
    settings = get_settings()
    engine = create_engine(settings.database_url, pool_size=1)
    maker = create_sessionmaker(engine)
    searches, prefixes = queries()
    if len(sys.argv) > 3:
        searches = prefixes = sys.argv[3:]
    statements: list[float] = []
    started: dict[int, float] = {}

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        started[id(cursor)] = time.perf_counter()

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(time.perf_counter() - started.pop(id(cursor)))

    context: dict[str, Any] = {
        "caller": None,
        "settings": settings,
        "links": Links(),
        "search": search_engine(settings.database_url),
        "throttle": None,
    }

    async def run(kind: str, value: str) -> tuple[float, int, float]:
        database = Database(maker, engine)
        service = SearchService(Context(database=database, **context))  # type: ignore[arg-type]
        statements.clear()
        begun = time.perf_counter()
        if kind == "search":
            await service.search(SearchQuery(query=value))
        else:
            await service.autocomplete(value, 10)
        await database.close()
        return time.perf_counter() - begun, len(statements), sum(statements)

    print(f"before: {load()}")
    for kind, inputs in (("search", searches), ("autocomplete", prefixes)):
        if part not in {kind, "both"}:
            continue
        results = [[await run(kind, value) for value in inputs] for _ in range(rounds + 1)]
        measured = [r for each in results[1:] for r in each]
        times = [r[0] for r in measured]
        first = [r[0] for r in results[0]]
        print(
            f"{kind}: p50 {p(times, 0.5):.1f} ms, p99 {p(times, 0.99):.1f} ms, max "
            f"{max(times) * 1000:.1f} ms; statements {statistics.mean(r[1] for r in measured):.1f}"
            f" a request, {statistics.mean(r[2] for r in measured) * 1000:.1f} ms in them; "
            f"first round p50 {p(first, 0.5):.1f}, p99 {p(first, 0.99):.1f} ms"
        )
        each = sorted(
            ((statistics.median(r[n][0] for r in results[1:]), n) for n in range(len(inputs))),
            reverse=True,
        )
        for median, n in each[: int(os.environ.get("SLOWEST", "6"))]:
            row = results[1][n]
            print(f"    {median * 1000:6.1f} ms ({row[1]} statements) {inputs[n]!r}")
    print(f"after: {load()}")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
