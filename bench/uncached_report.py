"""The report of ``bench/uncached.sh``: pydotorg's uncached req/s as a ratio to the floor app's.

Usage: ``python bench/uncached_report.py RAW_DIR OUT_FILE``. ``RAW_DIR`` holds, per round
``n``, server (``pydotorg``, ``floor``) and endpoint (``latest``, ``list``), the wrk output
``r<n>__<server>__<endpoint>.txt`` (with a WRK_JSON line) and the server's CPU clock ticks
during that run, ``r<n>__<server>__<endpoint>.ticks``; and ``meta.env``. Exits with 3 when a
run had errors on more than 0.1 % of its requests.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from report import ENDPOINTS, INVALID_EXIT, parse_wrk, read_meta, rps, valid

GOAL = 0.7


def quartiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 4:
        return min(values), max(values)
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def main(raw: Path, out: Path) -> int:
    meta = read_meta(raw / "meta.env")
    rounds, tick = int(meta["ROUNDS"]), int(meta["CLK_TCK"])
    lines = [
        "# Uncached reads: pydotorg (`RESPONSE_CACHE=0`) / the floor app",
        "",
        f"- {meta['DATE']}, commit {meta['COMMIT']}; {meta['CPUS']} CPUs ({meta['CPU_MODEL']});"
        f" load average (1 min) {meta['LOAD']} at the start, {meta['LOAD_AT_END']} at the end",
        f"- Python {meta['PYTHON']}, Litestar {meta['LITESTAR']}, granian {meta['GRANIAN']},"
        f" {meta['WORKERS']} worker(s) each; database: {meta['DATABASE']}",
        f"- `{meta['COMMAND']}`; wrk: `{meta['WRK_CMD']}`",
        "",
        "| endpoint | median of per-round ratios (middle half) | from median req/s "
        "| pydotorg / floor median req/s | server CPU µs/request pydotorg / floor |",
        "|---|---:|---:|---:|---:|",
    ]
    ok = True
    for endpoint, label in ENDPOINTS.items():
        ratios, speeds, cpu = [], {"pydotorg": [], "floor": []}, {"pydotorg": [], "floor": []}
        for n in range(1, rounds + 1):
            runs = {}
            for server in speeds:
                stem = raw / f"r{n}__{server}__{endpoint}"
                run = parse_wrk(stem.with_suffix(".txt").read_text())
                ok = ok and valid(run)
                runs[server] = rps(run)
                speeds[server].append(runs[server])
                ticks = int(stem.with_suffix(".ticks").read_text())
                cpu[server].append(ticks / tick / max(run["requests"], 1) * 1e6)
            ratios.append(runs["pydotorg"] / runs["floor"])
        low, high = quartiles(ratios)
        mine, floor = statistics.median(speeds["pydotorg"]), statistics.median(speeds["floor"])
        cpu_mine, cpu_floor = statistics.median(cpu["pydotorg"]), statistics.median(cpu["floor"])
        lines.append(
            f"| `{label}` | **{statistics.median(ratios):.3f}** ({low:.3f} to {high:.3f}) "
            f"| {mine / floor:.3f} | {mine:,.0f} / {floor:,.0f} "
            f"| {cpu_mine:,.0f} / {cpu_floor:,.0f} |"
        )
    lines += ["", f"Goal: 0.7 or better for both ({rounds} rounds)."]
    if not ok:
        lines.append("**Some runs had errors on more than 0.1 % of requests: not valid.**")
    text = "\n".join(lines) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)
    return 0 if ok else INVALID_EXIT


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
