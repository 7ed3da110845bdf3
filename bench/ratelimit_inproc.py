"""CPU per request of the rate limiter on a cached GET, in one process, without HTTP or wrk.

``bench/ratelimit.sh`` measures throughput through granian and wrk, which share the machine's
cores and are noisy. This script calls the ASGI app directly, so what it measures is the app's
own CPU time per request: pydotorg with limiting off, on with the in-memory store and on with
Redis, each as its own app in the same process, in interleaved batches of concurrent requests
to ``GET /api/v1/releases/latest`` (served by the response cache). When a server is CPU-bound,
its throughput overhead is about ``1 - cpu_off / cpu_with_limiting``.

Usage (from the project root)::

    .venv/bin/python bench/ratelimit_inproc.py                    # 15 batches of 2000
    .venv/bin/python bench/ratelimit_inproc.py --profile redis    # plus a pyinstrument profile

A fresh temp ``PYDOTORG_VAR_DIR`` is migrated and seeded (or pass ``--var-dir``). The Redis keys
get a prefix of their own and are deleted at the end. Only a loopback Redis is used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HUGE = "1000000000/1000000000/1000000000"
PATH = "/api/v1/releases/latest"
CONFIGS: dict[str, dict[str, Any]] = {
    "off": {"rate_limit_enabled": False},
    "memory": {"rate_limit_enabled": True},
    "redis": {"rate_limit_enabled": True, "redis_url": "redis://127.0.0.1:6379/0"},
}
# name -> a function that builds the app from Settings (pydotorg.app.create_app by default);
# another script may add variants here before calling main().
FACTORIES: dict[str, Callable[[Any], Any]] = {}


def settings_for(var_dir: Path, prefix: str, overrides: dict[str, Any], redis_url: str) -> Any:
    from pydotorg.settings import Settings

    env = {
        "PYDOTORG_VAR_DIR": str(var_dir),
        "RATE_LIMITS": f"LOW={HUGE};MEDIUM={HUGE};HIGH={HUGE};CRITICAL={HUGE}",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    }
    base = Settings.from_env(env)
    values = dict(overrides, trusted_proxy_hops=0, response_cache=True, redis_key_prefix=prefix)
    if values.get("redis_url"):
        values["redis_url"] = redis_url
    return dataclasses.replace(base, **values)


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


def make_request(app: Any, statuses: list[int]) -> Callable[[], Any]:
    headers = [(b"host", b"127.0.0.1:8000"), (b"accept", b"*/*")]

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def one() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": PATH,
            "raw_path": PATH.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": list(headers),
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        await app(scope, receive, send)

    return one


async def batch(one: Callable[[], Any], requests: int, concurrency: int) -> tuple[float, float]:
    """CPU and wall microseconds per request for ``requests`` requests, ``concurrency`` at once."""

    async def worker(count: int) -> None:
        for _ in range(count):
            await one()

    per_worker = max(1, requests // concurrency)
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(per_worker) for _ in range(concurrency)))
    done = per_worker * concurrency
    return (
        (time.process_time() - cpu) / done * 1e6,
        (time.perf_counter() - wall) / done * 1e6,
    )


async def run(args: argparse.Namespace, var_dir: Path) -> int:
    from pydotorg.app import create_app

    prefix = f"pydotorg-bench-inproc-{os.getpid()}-{int(time.time())}:"
    names = [name for name in dict.fromkeys([*CONFIGS, *FACTORIES]) if name in args.configs]
    apps: dict[str, Any] = {}
    statuses: dict[str, list[int]] = {name: [] for name in names}
    calls: dict[str, Callable[[], Any]] = {}
    async with contextlib.AsyncExitStack() as stack:
        for name in names:
            overrides = CONFIGS.get(name, {"rate_limit_enabled": True})
            settings = settings_for(var_dir, f"{prefix}{name}:", overrides, args.redis_url)
            apps[name] = FACTORIES.get(name, create_app)(settings)
            await stack.enter_async_context(apps[name].lifespan())
            calls[name] = make_request(apps[name], statuses[name])
        await asyncio.sleep(0.6)  # the cache's version poller has read the data version
        for name in names:
            await batch(calls[name], 500, args.concurrency)
        cpu: dict[str, list[float]] = {name: [] for name in names}
        wall: dict[str, list[float]] = {name: [] for name in names}
        for number in range(args.batches):
            order = names[number % len(names) :] + names[: number % len(names)]
            for name in order:
                c, w = await batch(calls[name], args.requests, args.concurrency)
                cpu[name].append(c)
                wall[name].append(w)
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(async_mode="enabled", interval=0.0002)
            profiler.start()
            await batch(calls[args.profile], args.requests * 3, args.concurrency)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False))
        caches = {name: apps[name].state.response_cache.status() for name in names}
        stores = {name: apps[name].state.rate_limit_store.status() for name in names}
        if any(CONFIGS.get(name, {}).get("redis_url") for name in names):
            await cleanup_redis(args.redis_url, prefix)

    bad = {name: set(s) - {200} for name, s in statuses.items() if set(s) - {200}}
    print(
        f"{args.batches} interleaved batches of {args.requests} requests, "
        f"{args.concurrency} at once, GET {PATH} (response cache on); CPU us per request\n"
    )
    print("| configuration | CPU us/req (median) | min | wall us/req (median) | overhead |")
    print("|---|---:|---:|---:|---:|")
    off = statistics.median(cpu["off"]) if "off" in cpu else None
    for name in names:
        median = statistics.median(cpu[name])
        overhead = "" if off is None or name == "off" else f"{(1 - off / median) * 100:.1f} %"
        print(
            f"| {name} | {median:.1f} | {min(cpu[name]):.1f} "
            f"| {statistics.median(wall[name]):.1f} | {overhead} |"
        )
    print(
        "\noverhead = 1 - cpu(off) / cpu(config): the throughput lost when the server is CPU-bound."
    )
    for name in names:
        print(f"{name}: store {stores[name]}, cache {caches[name]}")
    if bad:
        print(f"non-200 answers: {bad}", file=sys.stderr)
        return 3
    if any(cache["hits"] == 0 for cache in caches.values()):
        print("the response cache served nothing", file=sys.stderr)
        return 3
    return 0


async def cleanup_redis(url: str, prefix: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        keys = [key async for key in client.scan_iter(match=prefix + "*", count=1000)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=15)
    parser.add_argument("--requests", type=int, default=2000, help="requests per batch")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--var-dir", type=Path, help="an existing, seeded PYDOTORG_VAR_DIR")
    parser.add_argument("--configs", nargs="+", default=list(dict.fromkeys([*CONFIGS, *FACTORIES])))
    parser.add_argument("--profile", help="profile this configuration after the batches")
    args = parser.parse_args(argv)
    from urllib.parse import urlsplit

    if urlsplit(args.redis_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("--redis-url must be a loopback address")
    with tempfile.TemporaryDirectory(prefix="pydotorg-inproc-") as temp:
        var_dir = args.var_dir or Path(temp) / "var"
        if args.var_dir is None:
            from pydotorg.db.seed import prepare_database
            from pydotorg.domains import DOMAINS

            prepare_database(
                settings_for(var_dir, "unused:", {}, args.redis_url).database_url,
                DOMAINS,
                demo=True,
            )
        return asyncio.run(run(args, var_dir))


if __name__ == "__main__":
    raise SystemExit(main())
