"""Reads of tables nobody writes, with and without writers of another table, in one run.

One ``pydotorg serve --workers 2`` on a fresh SQLite file with rate-limit counters in Redis
(every tier out of reach: the limiter still counts), its response cache on. Two phases of
``DURATION`` seconds each (default 60), alternately, ``ROUNDS`` times (default 1):

- *quiet*: wrk reads ``GET /api/v1/releases?pageSize=20`` and ``GET /api/v1/events/upcoming``
  (a Lua script alternates them), nothing else;
- *writers*: the same wrk run while ``WRITERS`` threads (default 4) create OSes with a staff
  API key, one after another, as fast as the server takes them (``WRITE_RATE``: at most that
  many a second each).

Creating an OS writes ``download_os`` (and its token in ``service_meta``), which neither read
touches: with entries ended per table they stay cached, and reads should run at the quiet
phase's rate, less the CPU the writes themselves take on the same cores (unbounded writers
take a core of a 2-core machine between the server's work and their own; ``WRITE_RATE=5``
leaves the cache's effect alone). The figure is the writers phase's read rate over the quiet
phase's (goal: 0.9 or better), with the writes made.

On a machine whose cores the server, wrk and the writers share, the reads lose at least the CPU
the writes take, so the script also tells the writes' own cost from a cost they add to the
reads. A third phase, *writes only* (the writers at the same rate, no wrk), gives the server
CPU the writes take a second; in the writers phase the server's CPU less that is what the reads
took, and per read it is compared with the quiet phase's: the same figure means a write costs
the readers nothing beyond the CPU it takes itself. The CPU of the writer threads (this process)
and of wrk is reported too: with the server's, the share of the two cores each took.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/mixed_load.py
"""

from __future__ import annotations

import http.client
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PORT = int(os.environ.get("PORT", "8797"))
DURATION = int(os.environ.get("DURATION", "60"))
ROUNDS = int(os.environ.get("ROUNDS", "1"))
WRITERS = int(os.environ.get("WRITERS", "4"))
WRITE_RATE = float(os.environ.get("WRITE_RATE", "0"))  # per writer a second; 0: unbounded
HUGE = "1000000000/1000000000/1000000000"
READS = ["/api/v1/releases?pageSize=20", "/api/v1/events/upcoming"]
PATHS = ", ".join(f'"{p}"' for p in READS)
LUA = (
    "local paths = {" + PATHS + "}\nlocal n = 0\nrequest = function()\n  n = n + 1\n"
    '  return wrk.format("GET", paths[(n % #paths) + 1])\nend\n'
)


def wrk(seconds: int, script: Path) -> tuple[float, int]:
    """Reads per second and non-2xx answers of one wrk run."""
    out = subprocess.run(
        ["wrk", "-t1", "-c16", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{PORT}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, int(bad.group(1)) if bad else 0


def server_cpu(pgid: int) -> float:
    """CPU seconds (user and system) the server's processes have used so far."""
    ticks = 0
    pids = subprocess.run(["ps", "-o", "pid=", "-g", str(pgid)], capture_output=True, text=True)
    for pid in pids.stdout.split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU seconds of the subprocesses that ended (the wrk runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Phase:
    """The CPU seconds of a phase: the server's, this process's (the writer threads) and
    wrk's, and its wall seconds."""

    def __init__(self, pgid: int) -> None:
        self.pgid = pgid

    def __enter__(self) -> Phase:
        self.wall = time.perf_counter()
        self.server = server_cpu(self.pgid)
        self.own = time.process_time()
        self.wrk = children_cpu()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.server = server_cpu(self.pgid) - self.server
        self.own = time.process_time() - self.own
        self.wrk = children_cpu() - self.wrk

    def shares(self) -> str:
        cores = 2 * self.wall
        return (
            f"server {self.server / cores:.0%}, writer threads {self.own / cores:.0%}, "
            f"wrk {self.wrk / cores:.0%} of 2 cores"
        )


def writers(key: str) -> tuple[threading.Event, list[int], list[threading.Thread]]:
    stop, made = threading.Event(), list[int]()
    threads = [threading.Thread(target=write, args=(key, stop, made)) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    return stop, made, threads


def write(key: str, stop: threading.Event, made: list[int]) -> None:
    """Create OSes one after another on one kept-alive connection, with the standard library's
    HTTP client: its CPU a request is a fraction of httpx's, and the writers share the cores
    with the server they measure."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    try:
        while not stop.is_set():
            if WRITE_RATE:
                stop.wait(1 / WRITE_RATE)
            slug = f"bench-{uuid.uuid4().hex[:12]}"
            body = json.dumps({"name": slug, "slug": slug})
            connection.request("POST", "/api/v1/os/", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 201:
                made.append(1)
    finally:
        connection.close()


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="pydotorg-mixed."))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "RATE_"))},
        "PYDOTORG_VAR_DIR": str(work),
        "DATABASE_URL": f"sqlite:///{work}/mixed.sqlite3",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "REDIS_KEY_PREFIX": f"bench-mixed-{uuid.uuid4().hex[:8]}:",
        "RATE_LIMIT_ENABLED": "1",
        "RATE_LIMITS": f"CRITICAL={HUGE};HIGH={HUGE};MEDIUM={HUGE};LOW={HUGE}",
        "RESPONSE_CACHE": "1",
    }
    pydotorg = [PY, "-m", "pydotorg"]
    subprocess.run([*pydotorg, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*pydotorg, "seed"], env=env, check=True, capture_output=True)
    made_key = subprocess.run(
        [
            *pydotorg,
            "createsuperuser",
            "--username",
            "bench",
            "--email",
            "bench@example.org",
            "--no-password",
            "--api-key",
            "bench",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    key = re.search(r"(pdo_\S+)", made_key).group(1)  # type: ignore[union-attr]
    server = subprocess.Popen(
        [*pydotorg, "serve", "--workers", "2", "--port", str(PORT)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: its CPU is counted as one
    )
    script = work / "reads.lua"
    script.write_text(LUA)
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{PORT}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        for path in READS:
            httpx.get(f"http://127.0.0.1:{PORT}{path}").raise_for_status()
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        print(
            f"{DURATION} s a phase, {WRITERS} writers"
            f" ({f'{WRITE_RATE:g} writes a second each' if WRITE_RATE else 'unbounded'})"
        )
        ratios = []
        for round_ in range(1, ROUNDS + 1):
            wrk(5, script)  # warm-up: every worker's cache filled
            alone, mixed = Phase(server.pid), Phase(server.pid)
            # Alternate which phase comes first, so that a machine slowing down or speeding up
            # over the run does not favour one of them.
            for phase in (alone, mixed) if round_ % 2 else (mixed, alone):
                with phase:
                    if phase is alone:
                        quiet, quiet_bad = wrk(DURATION, script)
                    else:
                        stop, made, threads = writers(key)
                        busy, busy_bad = wrk(DURATION, script)
                        stop.set()
                        for thread in threads:
                            thread.join()
                        writes = len(made)
            with Phase(server.pid) as only:
                stop, made, threads = writers(key)
                time.sleep(DURATION)
                stop.set()
                for thread in threads:
                    thread.join()
            ratios.append(busy / quiet)
            per_read_quiet = alone.server / (quiet * alone.wall) * 1e6
            # the reads' share of the server's CPU with writers: less what the writes take
            write_cpu = only.server / only.wall * mixed.wall * (writes / max(1, len(made)))
            per_read_mixed = (mixed.server - write_cpu) / (busy * mixed.wall) * 1e6
            print(
                f"round {round_} ({'quiet' if round_ % 2 else 'writers'} phase first): "
                f"quiet {quiet:,.0f} reads/s ({quiet_bad} non-2xx), "
                f"with {WRITERS} writers {busy:,.0f} reads/s ({busy_bad} non-2xx), "
                f"{writes} OSes created ({writes / DURATION:.1f}/s): ratio {busy / quiet:.3f}\n"
                f"  server CPU per read: quiet {per_read_quiet:.0f} µs, with writers "
                f"{per_read_mixed:.0f} µs once the writes' own CPU is taken out "
                f"({1e6 * only.server / max(1, len(made)):,.0f} µs of server CPU a write, "
                f"{1e6 * only.own / max(1, len(made)):,.0f} µs in its writer thread)\n"
                f"  CPU: quiet: {alone.shares()}; with writers: {mixed.shares()}; "
                f"writes only ({len(made)}): {only.shares()}"
            )
        if ROUNDS > 1:
            print(
                f"ratio over {ROUNDS} rounds: median {statistics.median(ratios):.3f}, "
                f"min {min(ratios):.3f}, max {max(ratios):.3f}"
            )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
