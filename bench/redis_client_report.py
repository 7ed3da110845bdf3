"""The Markdown report of ``bench/redis_client.sh``: the two Redis clients' overheads, compared.

Usage: ``python bench/redis_client_report.py RAW_DIR RESULTS_FILE``. ``RAW_DIR`` holds the files
``bench/ratelimit_report.py`` reads (per round and configuration ``r<N>__<config>.txt``,
``.cpu`` and, for the Redis clients, ``.redis-before.json`` / ``.redis-after.json``; per
configuration ``warmup__<config>.txt``, ``<config>.health.json`` and ``<config>.failopen``), and
``meta.env`` with ``CONFIGS``, ``ORDER_<N>`` and ``LOAD_<N>`` (1-min load average before the
round). Exits with 3 when a check fails.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

from ratelimit_report import INVALID_EXIT, Run, median_of, number, pct, wrk_problems
from report import ms, parse_wrk, read_meta

CLIENTS = {"resp": "hand-written RESP client", "redispy": "redis-py (hiredis parser)"}
RULE_POINTS = 0.05  # keep the hand-written client only if it saves at least this much


def problems_of(raw: Path, config: str, runs: list[Run]) -> list[str]:
    found = wrk_problems(
        f"{config} warm-up", parse_wrk((raw / f"warmup__{config}.txt").read_text())
    )
    for run in runs:
        found += wrk_problems(f"round {run.round}, {config}", run.wrk)
    health: dict[str, Any] = json.loads((raw / f"{config}.health.json").read_text() or "{}")
    limiter = health.get("rate_limit") or {}
    if not (health.get("response_cache") or {}).get("hits"):
        found.append(f"{config}: the response cache served nothing")
    if config in CLIENTS:
        if limiter.get("store") != "redis" or limiter.get("client") != config:
            found.append(f"{config}: /health shows {limiter}, not the {config} Redis client")
        if not limiter.get("available") or limiter.get("failed_open"):
            found.append(f"{config}: the Redis store failed open ({limiter})")
        failopen = (raw / f"{config}.failopen").read_text().strip()
        if failopen and int(failopen):
            found.append(f"{config}: its log shows the store failing open {failopen} time(s)")
        for run in runs:
            if run.redis_counted is None or run.redis_counted < run.wrk["requests"]:
                found.append(
                    f"round {run.round}, {config}: Redis counted {run.redis_counted}, "
                    f"wrk completed {int(run.wrk['requests'])}"
                )
    elif config == "memory" and limiter.get("store") != "memory":
        found.append(f"memory: /health shows {limiter}")
    return found


def render(raw: Path) -> tuple[str, bool]:
    meta = read_meta(raw / "meta.env")
    configs = meta["CONFIGS"].split()
    rounds = range(1, int(meta["ROUNDS"]) + 1)
    runs = {config: [Run(raw, n, config) for n in rounds] for config in configs}
    problems = [p for config in configs for p in problems_of(raw, config, runs[config])]
    off = runs["off"]

    def overheads(config: str) -> list[float]:
        return [1 - run.rps / base.rps for run, base in zip(runs[config], off, strict=True)]

    loads = [float(meta[f"LOAD_{n}"]) for n in rounds if f"LOAD_{n}" in meta]
    lines = [
        "# Redis counter client: hand-written RESP vs. redis-py, on a cached GET",
        "",
        f"- date: {meta.get('DATE', '?')}; commit: {meta.get('COMMIT', '?')}",
        f"- machine: {meta.get('CPUS', '?')} CPUs ({meta.get('CPU_MODEL', '?')}), shared by wrk, "
        f"the servers and Redis; 1-min load average {meta.get('LOAD', '?')} before the rounds, "
        f"{meta.get('LOAD_AT_END', '?')} after"
        + (
            f", {min(loads):.2f} to {max(loads):.2f} (median {statistics.median(loads):.2f}) "
            "before each round"
            if loads
            else ""
        ),
        f"- servers: granian {meta.get('GRANIAN', '?')} `bench.redis_clients:create_app`, "
        f"{meta.get('WORKERS', '?')} worker(s) each, Python {meta.get('PYTHON', '?')}, "
        f"Litestar {meta.get('LITESTAR', '?')}, redis-py {meta.get('REDIS_PY', '?')}",
        f"- Redis: {meta.get('REDIS', '?')}",
        f"- load: `{meta.get('WRK_CMD', '?')}` on `GET /api/v1/releases/latest` (response "
        f"cache), {len(rounds)} rounds, order rotating; warm-up {meta.get('WARMUP', '?')}s each",
        f"- command: `{meta.get('COMMAND', '?')}`",
        "",
        "## Overhead against limiting off (median over the rounds of the per-round ratio)",
        "",
        "| configuration | overhead | middle half of rounds | from median req/s "
        "| server CPU µs/req | from server CPU/req | Redis CPU µs/req | req/s (median) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rps_off = statistics.median(run.rps for run in off)
    cpu_off = median_of([run.server_cpu_us for run in off])
    for config in configs:
        rs = runs[config]
        rps = statistics.median(run.rps for run in rs)
        cpu = median_of([run.server_cpu_us for run in rs])
        redis_cpu = median_of([run.redis_cpu_us for run in rs]) if config in CLIENTS else None
        if config == "off":
            row = ["", "", "", number(cpu), "", "", f"{rps:,.0f}"]
        else:
            values = overheads(config)
            q = statistics.quantiles(values, n=4)
            row = [
                f"**{pct(statistics.median(values))}**",
                f"{pct(q[0])} to {pct(q[2])}",
                pct(1 - rps / rps_off),
                number(cpu),
                pct(1 - cpu_off / cpu) if cpu and cpu_off else "?",
                "" if redis_cpu is None else f"{redis_cpu:.1f}",
                f"{rps:,.0f}",
            ]
        lines.append(f"| {CLIENTS.get(config, config)} (`{config}`) | " + " | ".join(row) + " |")

    resp, redispy = overheads("resp"), overheads("redispy")
    paired = [b - a for a, b in zip(resp, redispy, strict=True)]
    difference = statistics.median(redispy) - statistics.median(resp)
    q = statistics.quantiles(paired, n=4)
    keep = difference >= RULE_POINTS
    lines += [
        "",
        "## The rule: keep the hand-written client only if it saves at least 5 points",
        "",
        f"- redis-py's overhead minus the hand-written client's: **{difference * 100:+.1f} "
        f"points** (difference of the medians above); per round, median "
        f"{statistics.median(paired) * 100:+.1f} points (middle half {q[0] * 100:+.1f} to "
        f"{q[2] * 100:+.1f})",
        "- verdict of this run: "
        + (
            "**keep the hand-written client** (it saves 5 points or more)"
            if keep
            else "**use redis-py** (the hand-written client saves less than 5 points)"
        ),
        "",
        "## Every round",
        "",
        "| round | load | order | " + " | ".join(f"{c} req/s" for c in configs) + " "
        "| resp overhead | redispy overhead | p50 ms (resp / redispy) |",
        "|---:|---:|---|" + "---:|" * len(configs) + "---:|---:|---|",
    ]
    for i, n in enumerate(rounds):
        lines.append(
            f"| {n} | {meta.get(f'LOAD_{n}', '?')} | {meta.get(f'ORDER_{n}', '?')} | "
            + " | ".join(f"{runs[c][i].rps:,.0f}" for c in configs)
            + f" | {pct(resp[i])} | {pct(redispy[i])} | {ms(runs['resp'][i].wrk['p50_us'])} / "
            f"{ms(runs['redispy'][i].wrk['p50_us'])} |"
        )
    for config in CLIENTS:
        counted = sum(run.redis_counted or 0 for run in runs[config])
        completed = sum(int(run.wrk["requests"]) for run in runs[config])
        health = json.loads((raw / f"{config}.health.json").read_text() or "{}")
        limiter = health.get("rate_limit") or {}
        warmup = parse_wrk((raw / f"warmup__{config}.txt").read_text())["requests"]
        per_trip = (counted + warmup) / limiter["batches"] if limiter.get("batches") else None
        lines.append(
            f"\n{config}: Redis counted {counted:,} hits for {completed:,} completed requests; "
            f"/health: {limiter}; about {f'{per_trip:.1f}' if per_trip else '?'} hits per round "
            "trip (warm-up and measured hits / batches)"
        )
    lines += [
        "",
        "Checks (every answer 2xx, the configured client answering, no fail-open, Redis "
        "counting every request of every measured run): "
        + ("passed." if not problems else "**failed**:"),
        *[f"- {problem}" for problem in problems],
        "",
    ]
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
