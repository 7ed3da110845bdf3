"""Turn the raw output of ``bench/ratelimit.sh`` into the Markdown report it prints and saves.

Usage: ``python bench/ratelimit_report.py RAW_DIR OUT_FILE``. ``RAW_DIR`` holds, per round
``n`` and configuration ``off``, ``memory`` or ``redis``:

- ``r<n>__<config>.txt`` and ``warmup__r<n>__<config>.txt``: wrk output with a WRK_JSON line;
- ``r<n>__<config>.health.json``: ``GET /health`` after the measured run (one worker's view);
- ``r<n>__redis.redis-count``: the sum of that round's counters in Redis;
- ``r<n>__<config>.failopen``: how many times the server log says the store failed open;
- ``r<n>__<config>.cpu``: CPU used during the measured run by the server's processes
  (``SERVER_TICKS``, ``CLK_TCK`` a second) and by the Redis server (``REDIS_CPU_SECONDS``);

and ``meta.env`` (``KEY=value`` lines). Exits with 3 when a check fails: a non-2xx answer in
any run, socket errors on more than 0.1 % of a run's requests, a store other than the one
configured, a Redis store that failed open, a response cache that served nothing, or Redis
counting fewer requests than wrk completed.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

from report import ms, parse_wrk, read_meta, rps

CONFIGS = {
    "off": "limiting off (`RATE_LIMIT_ENABLED=0`)",
    "memory": "limiting on, in-memory store",
    "redis": "limiting on, Redis store (`REDIS_URL`)",
}
TARGETS = {"memory": 0.10, "redis": 0.25}
MAX_SOCKET_ERROR_SHARE = 0.001
INVALID_EXIT = 3


def socket_errors(run: dict[str, float]) -> int:
    keys = ("connect_errors", "read_errors", "write_errors", "timeouts")
    return int(sum(run[key] for key in keys))


def pct(value: float) -> str:
    return f"{value * 100:.1f} %"


class Run:
    def __init__(self, raw: Path, round_no: int, config: str) -> None:
        stem = f"r{round_no}__{config}"
        self.round = round_no
        self.config = config
        self.wrk = parse_wrk((raw / f"{stem}.txt").read_text())
        self.warmup = parse_wrk((raw / f"warmup__{stem}.txt").read_text())
        health_file = raw / f"{stem}.health.json"
        self.health: dict[str, Any] = (
            json.loads(health_file.read_text()) if health_file.exists() else {}
        )
        count_file = raw / f"{stem}.redis-count"
        self.redis_count = int(count_file.read_text()) if count_file.exists() else None
        failopen_file = raw / f"{stem}.failopen"
        self.fail_open_events = (
            int(failopen_file.read_text().strip() or 0) if failopen_file.exists() else None
        )
        cpu = read_meta(raw / f"{stem}.cpu")
        requests = max(self.wrk["requests"], 1)
        self.server_cpu_us = (
            int(cpu["SERVER_TICKS"]) / int(cpu["CLK_TCK"]) / requests * 1e6 if cpu else None
        )
        self.redis_cpu_us = (
            float(cpu["REDIS_CPU_SECONDS"]) / requests * 1e6
            if cpu.get("REDIS_CPU_SECONDS")
            else None
        )

    @property
    def rps(self) -> float:
        return rps(self.wrk)

    def problems(self) -> list[str]:
        where = f"round {self.round}, {self.config}"
        found = []
        for name, run in (("measured", self.wrk), ("warm-up", self.warmup)):
            if run["status_errors"]:
                found.append(f"{where}: {int(run['status_errors'])} non-2xx answers ({name})")
            if socket_errors(run) > MAX_SOCKET_ERROR_SHARE * max(run["requests"], 1):
                found.append(f"{where}: {socket_errors(run)} socket errors/timeouts ({name})")
        limiter = self.health.get("rate_limit") or {}
        cache = self.health.get("response_cache") or {}
        if not self.health:
            found.append(f"{where}: no /health answer recorded")
        if not cache.get("hits"):
            found.append(f"{where}: the response cache served no request ({cache})")
        expected_store = "redis" if self.config == "redis" else "memory"
        if self.health and limiter.get("store") != expected_store:
            found.append(f"{where}: store {limiter.get('store')!r}, expected {expected_store!r}")
        if self.config == "redis":
            if not limiter.get("available") or limiter.get("failed_open"):
                found.append(f"{where}: Redis store failed open ({limiter})")
            if self.fail_open_events:
                found.append(
                    f"{where}: the server log shows the Redis store failing open "
                    f"{self.fail_open_events} time(s) (requests served uncounted)"
                )
            sent = int(self.wrk["requests"] + self.warmup["requests"])
            if self.redis_count is None or self.redis_count < sent:
                found.append(
                    f"{where}: Redis counted {self.redis_count} requests, wrk completed {sent}"
                )
        return found


def median(values: list[float]) -> float:
    return statistics.median(values)


def median_of(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def number(value: float | None) -> str:
    return "?" if value is None else f"{value:,.0f}"


def render(raw: Path) -> tuple[str, bool]:
    meta = read_meta(raw / "meta.env")
    rounds = int(meta["ROUNDS"])
    runs = {(n, config): Run(raw, n, config) for n in range(1, rounds + 1) for config in CONFIGS}
    by_config = {config: [runs[(n, config)] for n in range(1, rounds + 1)] for config in CONFIGS}
    medians = {config: median([run.rps for run in rs]) for config, rs in by_config.items()}
    problems = [problem for run in runs.values() for problem in run.problems()]

    lines = [
        "# Rate limiting overhead on a cached GET",
        "",
        f"- date: {meta.get('DATE', '?')}; commit: {meta.get('COMMIT', '?')}",
        f"- machine: {meta.get('CPUS', '?')} CPUs ({meta.get('CPU_MODEL', '?')}); wrk runs on "
        "the same machine and shares the cores with the server; 1-min load average "
        f"{meta.get('LOAD', '?')} before the load, {meta.get('LOAD_AT_END', '?')} after",
        f"- server: `pydotorg serve`, granian {meta.get('GRANIAN', '?')}, "
        f"{meta.get('WORKERS', '?')} worker(s), Python {meta.get('PYTHON', '?')}, "
        f"Litestar {meta.get('LITESTAR', '?')}; SQLite (one fresh file for the whole run); "
        "response cache on",
        f"- Redis: {meta.get('REDIS', '?')}",
        "- limits: every tier at 10⁹ a minute (`RATE_LIMITS`), so every request is counted "
        "and none refused",
        f"- endpoint: `GET /api/v1/releases/latest` ({meta.get('BODY_BYTES', '?')} B body), "
        "served from the response cache after the first request",
        f"- load: `{meta.get('WRK_CMD', '?')}` after a {meta.get('WARMUP', '?')}s warm-up, "
        "on a freshly started server per configuration and round",
        f"- {rounds} rounds, order rotating: "
        + "; ".join(
            f"{n}: {meta.get(f'ORDER_{n}', '?').replace(' ', ' → ')}" for n in range(1, rounds + 1)
        ),
        f"- command: `{meta.get('COMMAND', '?')}`",
        *(
            [f"- PYTHONPATH set by the caller: `{meta['PYTHONPATH']}` (may change the app)"]
            if meta.get("PYTHONPATH")
            else []
        ),
        "",
        "## Throughput and latency (median over the rounds)",
        "",
        "| configuration | req/s (median) | req/s (min to max) | p50 ms | p99 ms "
        "| server CPU µs/req | Redis CPU µs/req | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for config, label in CONFIGS.items():
        rs = by_config[config]
        lowest = min(run.rps for run in rs)
        highest = max(run.rps for run in rs)
        non_2xx = sum(int(run.wrk["status_errors"] + run.warmup["status_errors"]) for run in rs)
        redis_cpu = median_of([run.redis_cpu_us for run in rs]) if config == "redis" else None
        lines.append(
            f"| {label} | {medians[config]:,.0f} | {lowest:,.0f} to {highest:,.0f} "
            f"| {ms(median([run.wrk['p50_us'] for run in rs]))} "
            f"| {ms(median([run.wrk['p99_us'] for run in rs]))} "
            f"| {number(median_of([run.server_cpu_us for run in rs]))} "
            f"| {number(redis_cpu)} | {non_2xx} |"
        )
    lines += [
        "",
        "## Overhead: 1 - (req/s with limiting / req/s without)",
        "",
        "| store | overhead (medians) | per round | target | met | from server CPU per request |",
        "|---|---:|---|---:|---|---:|",
    ]
    cpu_off = median_of([run.server_cpu_us for run in by_config["off"]])
    for config, target in TARGETS.items():
        overhead = 1 - medians[config] / medians["off"]
        paired = [1 - runs[(n, config)].rps / runs[(n, "off")].rps for n in range(1, rounds + 1)]
        cpu = median_of([run.server_cpu_us for run in by_config[config]])
        cpu_overhead = pct(1 - cpu_off / cpu) if cpu and cpu_off else "?"
        lines.append(
            f"| {config} | {pct(overhead)} | {', '.join(pct(p) for p in paired)} "
            f"| < {pct(target)} | {'yes' if overhead < target else '**no**'} | {cpu_overhead} |"
        )
    lines += [
        "",
        "The last column is a cross-check that other load on the machine disturbs less: "
        "1 - (server CPU per request without limiting / with it), the throughput a CPU-bound "
        "server loses. It leaves out the Redis server's own CPU.",
        "",
        "## Every run",
        "",
        "| round | configuration | req/s | p50 ms | p99 ms | server CPU µs/req | requests "
        "| non-2xx | socket errors | cache hits (one worker) | Redis count | fail-open events |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in range(1, rounds + 1):
        for config in meta.get(f"ORDER_{n}", " ".join(CONFIGS)).split():
            run = runs[(n, config)]
            cache = run.health.get("response_cache") or {}
            counted = "" if run.redis_count is None else f"{run.redis_count:,}"
            hits = cache.get("hits")
            hits_text = f"{hits:,}" if isinstance(hits, int) else "?"
            lines.append(
                f"| {n} | {config} | {run.rps:,.0f} | {ms(run.wrk['p50_us'])} "
                f"| {ms(run.wrk['p99_us'])} | {number(run.server_cpu_us)} "
                f"| {int(run.wrk['requests']):,} "
                f"| {int(run.wrk['status_errors'])} | {socket_errors(run.wrk)} "
                f"| {hits_text} | {counted} | {number(run.fail_open_events)} |"
            )
    lines += [
        "",
        "Redis count: the sum of the round's counters in Redis after the measured run (warm-up, "
        "measured run and the script's own requests); it must be at least what wrk completed. "
        "Fail-open events: the times the server log says the store stopped answering "
        "(the client's 0.25 s timeout); requests are then served without being counted.",
        "",
        "Checks (every answer 2xx, the configured store in use, Redis never failing open, the "
        "cache serving, Redis counting every request): "
        + ("passed." if not problems else "**failed**:"),
    ]
    lines += [f"- {problem}" for problem in problems]
    lines.append("")
    return "\n".join(lines), not problems


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    text, ok = render(Path(argv[1]))
    out = Path(argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)
    return 0 if ok else INVALID_EXIT


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
