"""The release files list at 1,000,000 rows against the same request on the shipped data.

    .venv/bin/python bench/files_bench.py SHIPPED_URL MILLION_URL [ROUNDS]

Starts one `pydotorg serve` worker on each database (rate limits and the response cache off)
and sends, alternating between the two so that both see the same load from other jobs,
``GET /api/v1/files/?limit=100`` at offset 0 and at a deep offset (90% of the list's
``X-Total-Count``, rounded down to a multiple of 100), ROUNDS times each (default 20); p50 and
p99 of the wall time per request, and the ratio of the 1M p99 to the shipped p99.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack

import httpx

PORTS = {"shipped": 8797, "1M": 8798}


def serve(stack: ExitStack, url: str, port: int) -> httpx.Client:
    env = {**os.environ, "DATABASE_URL": url, "RATE_LIMIT_ENABLED": "0", "RESPONSE_CACHE": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "pydotorg", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stack.callback(server.wait, 30)
    stack.callback(server.terminate)
    client = stack.enter_context(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120))
    for _ in range(3000):
        try:
            if client.get("/health").status_code == 200:
                if server.poll() is not None:
                    raise SystemExit(f"the server on {url} exited (is port {port} taken?)")
                return client
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server on {url} did not start")


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[
        min(len(ordered) - 1, int(len(ordered) * 0.99))
    ] * 1000


def main() -> None:
    shipped, million = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    with ExitStack() as stack:
        clients = {
            "shipped": serve(stack, shipped, PORTS["shipped"]),
            "1M": serve(stack, million, PORTS["1M"]),
        }
        deep: dict[str, int] = {}
        for name, client in clients.items():
            response = client.get("/api/v1/files/", params={"limit": 100})
            response.raise_for_status()
            total = int(response.headers["X-Total-Count"])
            deep[name] = total * 9 // 10 // 100 * 100
            print(f"{name}: {total} files, deep offset {deep[name]}")
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(rounds):
            for where in ("offset 0", "deep offset"):
                for name, client in clients.items():
                    offset = 0 if where == "offset 0" else deep[name]
                    started = time.perf_counter()
                    response = client.get("/api/v1/files/", params={"limit": 100, "offset": offset})
                    times.setdefault((where, name), []).append(time.perf_counter() - started)
                    response.raise_for_status()
                    assert len(response.json()) == 100
        for where in ("offset 0", "deep offset"):
            base = percentiles(times[where, "shipped"])
            big = percentiles(times[where, "1M"])
            print(
                f"{where}: shipped p50 {base[0]:.1f} ms p99 {base[1]:.1f} ms; "
                f"1M p50 {big[0]:.1f} ms p99 {big[1]:.1f} ms; p99 ratio {big[1] / base[1]:.2f}"
            )


if __name__ == "__main__":
    main()
