"""CPU per cached answer, in one process: pydotorg's front-cache hit against a bare ASGI callable.

``bench/run.sh`` with ``BASELINE=raw`` measures the same comparison through granian and wrk,
which share the machine's cores with everything else and are noisy. This script calls both
ASGI apps directly, one request after another, with a scope built per request the way a server
builds it and a ``send`` that does nothing, so what it measures is each app's own CPU time per
request (the server's share, parsing and writing, is left out: it is what ``run.sh`` adds).

pydotorg runs as ``pydotorg serve`` configures it for the benchmark: rate limiting on (the
in-memory store, limits out of reach), response cache on, access log off. The raw callable is
``bench.baseline_app:create_raw_app`` serving the bytes pydotorg answered. Rounds interleave the
two, per path.

    .venv/bin/python bench/front_inproc.py                       # 7 rounds of 20,000 per path
    .venv/bin/python bench/front_inproc.py --profile latest      # plus a cProfile of the hits
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ratelimit_inproc import settings_for

PATHS = {
    "latest": ("/api/v1/releases/latest", b""),
    "page": ("/api/v1/releases", b"pageSize=20"),
}
HEADERS = [
    (b"host", b"127.0.0.1:8000"),
    (b"user-agent", b"wrk"),
]


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


def caller(
    app: Any, path: str, query: bytes, sink: list[dict[str, Any]]
) -> Callable[[], Coroutine[Any, Any, None]]:
    """One request to ``app``: a fresh scope, a ``send`` that keeps the last start message."""

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            sink[:] = [message]
        elif message["type"] == "http.response.body":
            sink.append(message)

    async def one() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "server": ("127.0.0.1", 8000),
            "client": ("127.0.0.1", 50000),
            "scheme": "http",
            "method": "GET",
            "root_path": "",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "headers": list(HEADERS),
        }
        await app(scope, receive, send)

    return one


async def timed(one: Callable[[], Coroutine[Any, Any, None]], count: int) -> float:
    """CPU microseconds per request over ``count`` requests, one after another."""
    started = time.process_time_ns()
    for _ in range(count):
        await one()
    return (time.process_time_ns() - started) / count / 1000


async def run(args: argparse.Namespace, var_dir: Path, bodies: Path) -> int:
    from pydotorg.app import create_app

    settings = settings_for(var_dir, f"front-inproc-{os.getpid()}:", {}, "")
    app = create_app(settings)
    results: dict[str, dict[str, list[float]]] = {}
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(app.lifespan())
        await asyncio.sleep(0.6)  # the version poller has read the data versions
        sinks: dict[str, list[dict[str, Any]]] = {}
        calls: dict[tuple[str, str], Callable[[], Coroutine[Any, Any, None]]] = {}
        for name, (path, query) in PATHS.items():
            sink = sinks[name] = []
            calls["pydotorg", name] = caller(app, path, query, sink)
            await calls["pydotorg", name]()  # built, then stored
            await calls["pydotorg", name]()
            start, body = sink[0], sink[-1]
            assert start["status"] == 200, start
            (bodies / f"{'list' if name == 'page' else name}.json").write_bytes(body["body"])
            ctype = dict(start["headers"])[b"content-type"].decode()
            (bodies / "content-type").write_text(ctype)
            if name == "latest":
                print(f"pydotorg's hit sends {len(start['headers'])} headers:")
                for header, value in start["headers"]:
                    print(f"  {header.decode()}: {value.decode()}")
        os.environ["BENCH_BODY_DIR"] = str(bodies)
        from bench.baseline_app import create_raw_app

        raw = create_raw_app()
        for name, (path, query) in PATHS.items():
            calls["raw", name] = caller(raw, path, query, [])
        hits_before = app.state.response_cache.hits
        for (server, name), one in calls.items():
            await timed(one, 2000)  # warm
            results.setdefault(name, {}).setdefault(server, [])
        for number in range(args.rounds):
            for name in PATHS:
                order = ["pydotorg", "raw"] if number % 2 == 0 else ["raw", "pydotorg"]
                for server in order:
                    results[name][server].append(await timed(calls[server, name], args.requests))
        hits = app.state.response_cache.hits - hits_before
        if args.profile:
            profile = cProfile.Profile()
            one = calls["pydotorg", args.profile]
            profile.enable()
            for _ in range(args.requests):
                await one()
            profile.disable()
            stats = pstats.Stats(profile).strip_dirs().sort_stats("tottime")
            stats.print_stats(25)

    expected = args.rounds * len(PATHS) * args.requests
    print(
        f"\n{args.rounds} interleaved rounds of {args.requests:,} requests per path and app, "
        f"one at a time; load average {os.getloadavg()[0]:.2f}\n"
    )
    print("| path | pydotorg hit: CPU µs (median) | min | raw: µs (median) | min | µs more |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, per in results.items():
        ours, raw_ = statistics.median(per["pydotorg"]), statistics.median(per["raw"])
        print(
            f"| {name} | {ours:.2f} | {min(per['pydotorg']):.2f} | {raw_:.2f} "
            f"| {min(per['raw']):.2f} | {ours - raw_:.2f} |"
        )
    if hits < expected:
        print(f"only {hits} of {expected} requests were cache hits", file=sys.stderr)
        return 3
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--profile", choices=sorted(PATHS), help="cProfile this path's hits")
    parser.add_argument("--var-dir", type=Path, help="an existing, seeded PYDOTORG_VAR_DIR")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pydotorg-front-") as temp:
        var_dir = args.var_dir or Path(temp) / "var"
        bodies = Path(temp) / "bodies"
        bodies.mkdir()
        if args.var_dir is None:
            from pydotorg.db.seed import prepare_database
            from pydotorg.domains import DOMAINS

            url = settings_for(var_dir, "unused:", {}, "").database_url
            prepare_database(url, DOMAINS, demo=True)
        return asyncio.run(run(args, var_dir, bodies))


if __name__ == "__main__":
    raise SystemExit(main())
