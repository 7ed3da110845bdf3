"""Turn the raw output of ``bench/ratelimit.sh`` into the Markdown report it prints and saves.

Usage: ``python bench/ratelimit_report.py RAW_DIR OUT_FILE``. ``RAW_DIR`` holds, per round
``n`` and configuration ``off``, ``memory`` or ``redis``:

- ``r<n>__<config>.txt``: wrk output of the measured run, with a WRK_JSON line;
- ``r<n>__<config>.cpu``: CPU used during that run by the server's processes (``SERVER_TICKS``,
  ``CLK_TCK`` a second);
- for the Redis configuration, ``r<n>__redis.redis-before.json`` and ``.redis-after.json``:
  the Redis server's CPU seconds so far (``cpu``) and the run's counters (``counters``, key to
  value) right before and after that run;

per configuration (one server each for the whole run):

- ``warmup__<config>.txt``: wrk output of its warm-up;
- ``<config>.health.json``: ``GET /health`` after the last round (one worker's view);
- ``<config>.failopen``: how many times its log says the store failed open;

and ``meta.env`` (``KEY=value`` lines). Exits with 3 when a check fails: a non-2xx answer in any
run, socket errors on more than 0.1 % of a run's requests, a store other than the one
configured, a Redis store that failed open, a response cache that served nothing, or a measured
run of the Redis server that Redis counted fewer requests of than wrk completed.
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
    """One measured wrk run of one configuration in one round."""

    def __init__(self, raw: Path, round_no: int, config: str) -> None:
        stem = f"r{round_no}__{config}"
        self.round = round_no
        self.config = config
        self.wrk = parse_wrk((raw / f"{stem}.txt").read_text())
        cpu = read_meta(raw / f"{stem}.cpu")
        requests = max(self.wrk["requests"], 1)
        self.server_cpu_us = (
            int(cpu["SERVER_TICKS"]) / int(cpu["CLK_TCK"]) / requests * 1e6 if cpu else None
        )
        before, after = redis_state(raw, stem, "before"), redis_state(raw, stem, "after")
        self.redis_cpu_us = (
            (after["cpu"] - before["cpu"]) / requests * 1e6 if before and after else None
        )
        self.redis_counted = counted_during(before, after) if before and after else None

    @property
    def rps(self) -> float:
        return rps(self.wrk)


def redis_state(raw: Path, stem: str, when: str) -> dict[str, Any] | None:
    path = raw / f"{stem}.redis-{when}.json"
    return json.loads(path.read_text()) if path.exists() else None


def counted_during(before: dict[str, Any], after: dict[str, Any]) -> int:
    """How much the run's Redis counters grew during one measured run.

    A counter that expired during the run (65 s after it was created) is in the first snapshot
    only and is left out; one created during the run is in the second only and counts whole.
    """
    old = before["counters"]
    return sum(value - old.get(key, 0) for key, value in after["counters"].items())


def wrk_problems(where: str, run: dict[str, float]) -> list[str]:
    found = []
    if run["status_errors"]:
        found.append(f"{where}: {int(run['status_errors'])} non-2xx answers")
    if socket_errors(run) > MAX_SOCKET_ERROR_SHARE * max(run["requests"], 1):
        found.append(f"{where}: {socket_errors(run)} socket errors/timeouts")
    return found


def server_problems(raw: Path, config: str, runs: list[Run]) -> list[str]:
    """What the server of one configuration says about itself after the whole run."""
    warmup = parse_wrk((raw / f"warmup__{config}.txt").read_text())
    found = wrk_problems(f"{config} warm-up", warmup)
    health_file = raw / f"{config}.health.json"
    health: dict[str, Any] = json.loads(health_file.read_text()) if health_file.exists() else {}
    limiter = health.get("rate_limit") or {}
    cache = health.get("response_cache") or {}
    if not health:
        found.append(f"{config}: no /health answer recorded")
    if not cache.get("hits"):
        found.append(f"{config}: the response cache served no request ({cache})")
    expected_store = "redis" if config == "redis" else "memory"
    if health and limiter.get("store") != expected_store:
        found.append(f"{config}: store {limiter.get('store')!r}, expected {expected_store!r}")
    failopen_file = raw / f"{config}.failopen"
    fail_open_events = int(failopen_file.read_text().strip() or 0) if failopen_file.exists() else 0
    if config == "redis":
        if not limiter.get("available") or limiter.get("failed_open"):
            found.append(f"{config}: Redis store failed open ({limiter})")
        if fail_open_events:
            found.append(
                f"{config}: the server log shows the Redis store failing open "
                f"{fail_open_events} time(s) (requests served uncounted)"
            )
        for run in runs:
            if run.redis_counted is None or run.redis_counted < run.wrk["requests"]:
                found.append(
                    f"round {run.round}, {config}: Redis counted {run.redis_counted} requests, "
                    f"wrk completed {int(run.wrk['requests'])}"
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
    rounds = range(1, int(meta["ROUNDS"]) + 1)
    runs = {(n, config): Run(raw, n, config) for n in rounds for config in CONFIGS}
    by_config = {config: [runs[(n, config)] for n in rounds] for config in CONFIGS}
    medians = {config: median([run.rps for run in rs]) for config, rs in by_config.items()}
    problems = [
        problem
        for run in runs.values()
        for problem in wrk_problems(f"round {run.round}, {run.config}", run.wrk)
    ]
    for config in CONFIGS:
        problems += server_problems(raw, config, by_config[config])

    lines = [
        "# Rate limiting overhead on a cached GET",
        "",
        f"- date: {meta.get('DATE', '?')}; commit: {meta.get('COMMIT', '?')}",
        f"- machine: {meta.get('CPUS', '?')} CPUs ({meta.get('CPU_MODEL', '?')}); wrk runs on "
        "the same machine and shares the cores with the server; 1-min load average "
        f"{meta.get('LOAD', '?')} before the rounds, {meta.get('LOAD_AT_END', '?')} after",
        f"- servers: `pydotorg serve`, granian {meta.get('GRANIAN', '?')}, "
        f"{meta.get('WORKERS', '?')} worker(s) each, Python {meta.get('PYTHON', '?')}, "
        f"Litestar {meta.get('LITESTAR', '?')}; one SQLite file for all three; response cache on",
        f"- Redis: {meta.get('REDIS', '?')}",
        "- limits: every tier at 10⁹ a minute (`RATE_LIMITS`), so every request is counted "
        "and none refused",
        f"- endpoint: `GET /api/v1/releases/latest` ({meta.get('BODY_BYTES', '?')} B body), "
        "served from the response cache after the first request",
        f"- load: `{meta.get('WRK_CMD', '?')}`; each server started once and warmed up for "
        f"{meta.get('WARMUP', '?')}s, then {len(rounds)} rounds of one measured run per "
        "configuration, the order rotating (off → memory → redis, memory → redis → off, ...)",
        f"- command: `{meta.get('COMMAND', '?')}`",
        *(
            [f"- PYTHONPATH set by the caller: `{meta['PYTHONPATH']}` (may change the app)"]
            if meta.get("PYTHONPATH")
            else []
        ),
        "",
        "## Overhead of rate limiting",
        "",
        "Per round: 1 - (req/s with limiting / req/s with limiting off), the runs of one round "
        "being seconds apart. The figure is the median over the rounds; the cross-checks are "
        "the same ratio over each configuration's median req/s, and the server CPU spent per "
        "request (1 - CPU per request off / on, which leaves out Redis's own CPU).",
        "",
        "| store | overhead (median of rounds) | middle half of rounds | target | met "
        "| from median req/s | from server CPU per request |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    cpu_off = median_of([run.server_cpu_us for run in by_config["off"]])
    for config, target in TARGETS.items():
        paired = sorted(1 - runs[(n, config)].rps / runs[(n, "off")].rps for n in rounds)
        overhead = median(paired)
        quartiles = statistics.quantiles(paired, n=4) if len(paired) > 1 else [overhead] * 3
        cpu = median_of([run.server_cpu_us for run in by_config[config]])
        cpu_overhead = pct(1 - cpu_off / cpu) if cpu and cpu_off else "?"
        lines.append(
            f"| {config} | {pct(overhead)} | {pct(quartiles[0])} to {pct(quartiles[2])} "
            f"| < {pct(target)} | {'yes' if overhead < target else '**no**'} "
            f"| {pct(1 - medians[config] / medians['off'])} | {cpu_overhead} |"
        )
    lines += [
        "",
        "## Throughput and latency (median over the rounds)",
        "",
        "| configuration | req/s (median) | req/s (min to max) | p50 ms | p99 ms "
        "| server CPU µs/req | Redis CPU µs/req | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for config, label in CONFIGS.items():
        rs = by_config[config]
        non_2xx = sum(int(run.wrk["status_errors"]) for run in rs)
        redis_cpu = median_of([run.redis_cpu_us for run in rs]) if config == "redis" else None
        lines.append(
            f"| {label} | {medians[config]:,.0f} "
            f"| {min(run.rps for run in rs):,.0f} to {max(run.rps for run in rs):,.0f} "
            f"| {ms(median([run.wrk['p50_us'] for run in rs]))} "
            f"| {ms(median([run.wrk['p99_us'] for run in rs]))} "
            f"| {number(median_of([run.server_cpu_us for run in rs]))} "
            f"| {number(redis_cpu)} | {non_2xx} |"
        )
    lines += [
        "",
        "## Every round",
        "",
        "| round | order | off req/s | memory req/s | redis req/s | memory overhead "
        "| redis overhead | server CPU µs/req (off / memory / redis) |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for n in rounds:
        off, memory, redis = (runs[(n, config)] for config in CONFIGS)
        lines.append(
            f"| {n} | {meta.get(f'ORDER_{n}', '?').replace(' ', ' → ')} | {off.rps:,.0f} "
            f"| {memory.rps:,.0f} | {redis.rps:,.0f} | {pct(1 - memory.rps / off.rps)} "
            f"| {pct(1 - redis.rps / off.rps)} | {number(off.server_cpu_us)} / "
            f"{number(memory.server_cpu_us)} / {number(redis.server_cpu_us)} |"
        )
    counted = [run.redis_counted or 0 for run in by_config["redis"]]
    completed = [int(run.wrk["requests"]) for run in by_config["redis"]]
    lines += [
        "",
        f"Redis counted {sum(counted):,} hits during the Redis server's measured runs, for "
        f"{sum(completed):,} requests wrk completed (a request still in flight when wrk stops "
        "is counted but not completed).",
        "",
        "Checks (every answer 2xx, the configured store in use, Redis never failing open, the "
        "cache serving, Redis counting every request of every measured run): "
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
