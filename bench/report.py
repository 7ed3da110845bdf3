"""Turn the ``WRK_JSON`` lines of ``bench/run.sh`` into the Markdown table it prints and saves.

Usage: ``python bench/report.py RAW_DIR OUT_FILE`` where ``RAW_DIR`` holds one
``<server>__<endpoint>.txt`` wrk output per measured run (``server`` is ``pydotorg`` or
``baseline``) and ``meta.env`` holds ``KEY=value`` lines describing the run. Exits with 3 when
a run had errors on more than 0.1 % of its requests, since its ratio then means nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SERVERS = ("pydotorg", "baseline")
ENDPOINTS = {
    "latest": "GET /api/v1/releases/latest",
    "list": "GET /api/v1/releases?pageSize=20",
}
MARKER = "WRK_JSON "
MAX_ERROR_SHARE = 0.001
INVALID_EXIT = 3


def parse_wrk(text: str) -> dict[str, float]:
    for line in text.splitlines():
        if line.startswith(MARKER):
            data: dict[str, float] = json.loads(line.removeprefix(MARKER))
            return data
    raise ValueError("no WRK_JSON line in wrk output (was bench/wrk_report.lua used?)")


def rps(run: dict[str, float]) -> float:
    return run["requests"] / (run["duration_us"] / 1_000_000)


def errors(run: dict[str, float]) -> int:
    keys = ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    return int(sum(run[key] for key in keys))


def valid(run: dict[str, float]) -> bool:
    """At most 0.1 % of requests failed: a run answering 429s measures the limiter, not the app."""
    return errors(run) <= MAX_ERROR_SHARE * max(run["requests"], 1)


def ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.2f}"


def read_meta(path: Path) -> dict[str, str]:
    meta: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep:
                meta[key.strip()] = value.strip()
    return meta


def render(raw_dir: Path) -> str:
    meta = read_meta(raw_dir / "meta.env")
    runs = {
        (server, endpoint): parse_wrk((raw_dir / f"{server}__{endpoint}.txt").read_text())
        for server in SERVERS
        for endpoint in ENDPOINTS
    }
    lines = [
        "# pydotorg vs. minimal Litestar baseline",
        "",
        f"- date: {meta.get('DATE', '?')}; commit: {meta.get('COMMIT', '?')}",
        f"- machine: {meta.get('CPUS', '?')} CPUs ({meta.get('CPU_MODEL', '?')}); "
        "wrk runs on the same machine and shares the cores with the server; "
        f"1-min load average before the load: {meta.get('LOAD', '?')}",
        f"- server: granian {meta.get('GRANIAN', '?')}, ASGI, "
        f"{meta.get('WORKERS', '?')} worker(s) for both apps; "
        f"Python {meta.get('PYTHON', '?')}, Litestar {meta.get('LITESTAR', '?')}",
        f"- database (pydotorg only): {meta.get('DATABASE', '?')}",
        f"- rate limiting (pydotorg only): {meta.get('LIMITS', '?')}",
        f"- load: `{meta.get('WRK_CMD', '?')}` per endpoint and server, "
        f"after a {meta.get('WARMUP', '?')}s warm-up",
        f"- command: `{meta.get('COMMAND', '?')}`",
        "",
        "| endpoint | server | req/s | p50 ms | p99 ms | body bytes | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for endpoint, label in ENDPOINTS.items():
        for server in SERVERS:
            run = runs[(server, endpoint)]
            body = meta.get(f"BODY_{endpoint.upper()}", "?")
            lines.append(
                f"| `{label}` | {server} | {rps(run):,.0f} | {ms(run['p50_us'])} "
                f"| {ms(run['p99_us'])} | {body} | {errors(run)} |"
            )
    lines += ["", "| endpoint | pydotorg / baseline (req/s) |", "|---|---:|"]
    for endpoint, label in ENDPOINTS.items():
        ratio = rps(runs[("pydotorg", endpoint)]) / rps(runs[("baseline", endpoint)])
        broken = [s for s in SERVERS if not valid(runs[(s, endpoint)])]
        note = f" (not valid: errors on {', '.join(broken)})" if broken else ""
        lines.append(f"| `{label}` | {ratio:.3f}{note} |")
    bad = [f"{s}/{e}" for (s, e), run in runs.items() if errors(run)]
    lines += [
        "",
        "Errors (socket errors, timeouts, non-2xx/3xx answers such as 429) make a run's "
        "figures suspect, and more than 0.1 % of requests makes its ratio not valid: "
        + (", ".join(bad) if bad else "none."),
        "",
    ]
    return "\n".join(lines)


def all_valid(raw_dir: Path) -> bool:
    return all(
        valid(parse_wrk((raw_dir / f"{server}__{endpoint}.txt").read_text()))
        for server in SERVERS
        for endpoint in ENDPOINTS
    )


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    text = render(Path(argv[1]))
    out = Path(argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)
    return 0 if all_valid(Path(argv[1])) else INVALID_EXIT


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
