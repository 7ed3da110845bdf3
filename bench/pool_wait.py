"""How long a request waits for a pooled connection under a burst (issue 24, item 3).

Starts ``pydotorg serve`` (one granian worker, the default pool of 10 connections) on a fresh
seeded SQLite database, as the tests do, and sends ``--requests`` signed-in
``GET /api/v1/events?limit=1000`` at once (signed in, so none is answered from the response
cache). Reports how many got each status, how long the 503s took (the connection wait) and
whether they carried ``Retry-After``, and how long the slowest 200 took.

    .venv/bin/python bench/pool_wait.py [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import LiveServer, run_server, seeded_sqlite

PATH = "/api/v1/events?limit=1000"


async def burst(live: LiveServer, requests: int) -> list[tuple[int, float, str | None]]:
    headers = {"Authorization": f"Bearer {live.credentials['user']}"}
    limits = httpx.Limits(max_connections=requests, max_keepalive_connections=requests)
    async with httpx.AsyncClient(
        base_url=live.base_url, headers=headers, limits=limits, timeout=300
    ) as client:

        async def one() -> tuple[int, float, str | None]:
            sent = time.monotonic()
            response = await client.get(PATH)
            return (
                response.status_code,
                time.monotonic() - sent,
                response.headers.get("Retry-After"),
            )

        return await asyncio.gather(*(one() for _ in range(requests)))


def main(requests: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        with run_server("sqlite", seeded_sqlite(var / "bench.sqlite3"), var) as live:
            wait = getattr(live.settings, "database_pool_timeout", 30)  # before: SQLAlchemy's
            print(f"pool: {getattr(live.settings, 'database_pool_size', 10)}, wait {wait} s")
            began = time.monotonic()
            answers = asyncio.run(burst(live, requests))
            print(f"{requests} requests at once, all answered in {time.monotonic() - began:.1f} s")
            print("statuses:", dict(sorted(Counter(status for status, _, _ in answers).items())))
            for status in sorted({status for status, _, _ in answers}):
                walls = sorted(wall for s, wall, _ in answers if s == status)
                retry = Counter(r for s, _, r in answers if s == status)
                print(
                    f"  {status}: fastest {walls[0]:.2f} s, median {statistics.median(walls):.2f}"
                    f" s, slowest {walls[-1]:.2f} s; Retry-After {dict(retry)}"
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    main(parser.parse_args().requests)
