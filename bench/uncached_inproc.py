"""CPU per uncached request of pydotorg and of the floor app, in one process, without HTTP.

``bench/uncached.sh`` measures throughput through granian and wrk, which share this machine's
two cores with each other (and with whatever else runs) and move by tens of per cent. This
script calls both ASGI apps directly, on uvloop, in interleaved batches of concurrent requests,
and reports the CPU time of the whole process per request (the aiosqlite threads included).
When both servers are CPU-bound, ``cpu(floor) / cpu(pydotorg)`` predicts the throughput ratio
``bench/uncached.sh`` measures, less the work both leave to granian.

pydotorg runs as ``bench/uncached.sh`` runs it: ``RESPONSE_CACHE=0``, rate limiting on with
every tier out of reach, ``PUBLIC_BASE_URL=http://127.0.0.1``. Usage (from the project root)::

    .venv/bin/python bench/uncached_inproc.py                       # 15 batches of 400
    .venv/bin/python bench/uncached_inproc.py --profile pydotorg:list   # and a profile

A fresh temp ``PYDOTORG_VAR_DIR`` is migrated and seeded (or pass ``--var-dir``);
``--database-url`` runs both apps on PostgreSQL instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HUGE = "1000000000/1000000000/1000000000"
PATHS = {"latest": ("/api/v1/releases/latest", b""), "list": ("/api/v1/releases", b"pageSize=20")}


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


def request_of(app: Any, path: str, query: bytes, bodies: list[bytes]) -> Callable[[], Any]:
    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise RuntimeError(f"{path} answered {message['status']}")
        if message["type"] == "http.response.body":
            bodies.append(message["body"])

    async def one() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"*/*")],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        await app(scope, receive, send)

    return one


async def batch(one: Callable[[], Any], requests: int, concurrency: int) -> float:
    """CPU microseconds per request for ``requests`` requests, ``concurrency`` at once."""

    async def worker(count: int) -> None:
        for _ in range(count):
            await one()

    per_worker = max(1, requests // concurrency)
    cpu = time.process_time()
    await asyncio.gather(*(worker(per_worker) for _ in range(concurrency)))
    return (time.process_time() - cpu) / (per_worker * concurrency) * 1e6


def pydotorg_app(database_url: str, var_dir: Path) -> Any:
    from pydotorg.app import create_app
    from pydotorg.settings import Settings

    env = {
        "PYDOTORG_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "RESPONSE_CACHE": "0",
        "RATE_LIMIT_ENABLED": "1",
        "RATE_LIMITS": f"LOW={HUGE};MEDIUM={HUGE};HIGH={HUGE};CRITICAL={HUGE}",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    }
    return create_app(Settings.from_env(env))


def floor_app(database_url: str) -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DATABASE_URL"] = database_url
    os.environ["PUBLIC_BASE_URL"] = "http://127.0.0.1"
    from bench.floor_app import create_app

    return create_app()


async def run(args: argparse.Namespace, database_url: str, var_dir: Path) -> int:
    apps = {"pydotorg": pydotorg_app(database_url, var_dir), "floor": floor_app(database_url)}
    bodies: dict[tuple[str, str], list[bytes]] = {}
    calls: dict[tuple[str, str], Callable[[], Any]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    async with contextlib.AsyncExitStack() as stack:
        for name, app in apps.items():
            await stack.enter_async_context(app.lifespan())
            for endpoint, (path, query) in PATHS.items():
                key = (name, endpoint)
                bodies[key], cpu[key] = [], []
                calls[key] = request_of(app, path, query, bodies[key])
        for endpoint in PATHS:
            mine, floor = bodies[("pydotorg", endpoint)], bodies[("floor", endpoint)]
            await calls[("pydotorg", endpoint)]()
            await calls[("floor", endpoint)]()
            if mine[-1] != floor[-1]:
                print(f"{endpoint}: the two apps answer different bodies", file=sys.stderr)
                return 3
        for key in calls:
            await batch(calls[key], args.requests // 4, args.concurrency)
        keys = list(calls)
        for number in range(args.batches):
            for key in keys[number % len(keys) :] + keys[: number % len(keys)]:
                cpu[key].append(await batch(calls[key], args.requests, args.concurrency))
        if args.profile:
            from pyinstrument import Profiler

            name, endpoint = args.profile.split(":")
            profiler = Profiler(async_mode="enabled", interval=0.0001)
            profiler.start()
            await batch(calls[(name, endpoint)], args.requests * 3, args.concurrency)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=args.show_all))
    print(
        f"{args.batches} interleaved batches of {args.requests} requests, {args.concurrency} at"
        f" once; CPU µs per request (median, min)\n"
    )
    print("| endpoint | pydotorg | floor | floor / pydotorg |")
    print("|---|---:|---:|---:|")
    for endpoint in PATHS:
        mine, floor = cpu[("pydotorg", endpoint)], cpu[("floor", endpoint)]
        print(
            f"| {endpoint} | {statistics.median(mine):,.0f} ({min(mine):,.0f})"
            f" | {statistics.median(floor):,.0f} ({min(floor):,.0f})"
            f" | {statistics.median(floor) / statistics.median(mine):.3f} |"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=15)
    parser.add_argument("--requests", type=int, default=400, help="requests per batch")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--var-dir", type=Path, help="an existing, seeded PYDOTORG_VAR_DIR")
    parser.add_argument("--database-url", help="PostgreSQL (migrated and seeded if empty)")
    parser.add_argument("--profile", help="profile one app and endpoint, e.g. pydotorg:list")
    parser.add_argument("--show-all", action="store_true", help="the whole profile")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pydotorg-uncached-") as temp:
        var_dir = args.var_dir or Path(temp) / "var"
        database_url = args.database_url or f"sqlite:///{var_dir / 'pydotorg.sqlite3'}"
        if args.var_dir is None or args.database_url:
            from pydotorg.db.seed import prepare_database
            from pydotorg.domains import DOMAINS
            from pydotorg.settings import Settings

            env = {"PYDOTORG_VAR_DIR": str(var_dir), "DATABASE_URL": database_url}
            prepare_database(Settings.from_env(env).database_url, DOMAINS, demo=True)
        import uvloop

        return uvloop.run(run(args, database_url, var_dir))


if __name__ == "__main__":
    raise SystemExit(main())
