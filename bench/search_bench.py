"""Search and autocomplete latency on a database holding bench/search_corpus.py's corpus:
one `pydotorg serve` worker, rate limits and the response cache off, 50 fixed queries (one,
two and three words, phrases, typos) and 50 autocomplete prefixes, each sent ROUNDS times
one after another after a first round reported apart (the server making its statements);
p50 and p99 of the wall time per request, the load average before and after, and the
slowest inputs (each one's median and worst over the measured rounds).

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/search_bench.py [ROUNDS] [PART]

PART is ``search``, ``autocomplete`` or both (the default). A request that takes longer than
``TIMEOUT`` seconds (default 60) stops the run.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from search_corpus import vocabulary

PORT = 8799
SLOWEST = 8  # inputs listed per kind


def load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def queries() -> tuple[list[str], list[str]]:
    rng = random.Random(7)
    words = vocabulary()[:400]
    one = words[:10] + rng.sample(words, 10)
    two = [" ".join(rng.sample(words[:100], 2)) for _ in range(15)]
    three = [" ".join(rng.sample(words[:100], 3)) for _ in range(5)]
    phrase = [f"{words[n]} {words[n + 1]}" for n in range(0, 10, 2)]
    typos = []
    for word in [w for w in words if len(w) >= 6][:5]:
        typos.append(word[0] + word[2] + word[1] + word[3:])
    searches = one + two + three + phrase + typos
    prefixes = [w[:n] for w in rng.sample(words, 50) for n in [rng.randint(2, max(2, len(w)))]]
    return searches, prefixes


@contextmanager
def serving(
    python: str, port: int, env: dict[str, str], cwd: str | None = None, timeout: float = 60
) -> Iterator[httpx.Client]:
    """One ``pydotorg serve`` worker run by ``python`` (in ``cwd``) with ``env``, and a client of
    it once ``/health`` answers; the server stops with the block."""
    server = subprocess.Popen(
        [python, "-m", "pydotorg", "serve", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=timeout) as client:
            for _ in range(3000):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None:
                    raise SystemExit(f"the server in {cwd or '.'} exited (is port {port} taken?)")
                time.sleep(0.1)
            yield client
    finally:
        server.terminate()
        server.wait(timeout=30)


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"


def timed(
    rounds: int, inputs: list[str], send: Callable[[str], httpx.Response]
) -> list[list[float]]:
    """Each round's wall times of ``send`` for every input, ``rounds`` + 1 rounds."""
    times: list[list[float]] = []
    for _ in range(rounds + 1):
        times.append([])
        for value in inputs:
            started = time.perf_counter()
            response = send(value)
            times[-1].append(time.perf_counter() - started)
            response.raise_for_status()
    return times


def slowest(inputs: list[str], times: list[list[float]]) -> list[str]:
    """The inputs slowest at the median of the measured rounds, with their worst time and
    their time in the first round."""
    measured = times[1:]
    each = sorted(
        (
            (statistics.median(r[n] for r in measured), max(r[n] for r in measured), n)
            for n in range(len(inputs))
        ),
        reverse=True,
    )
    return [
        f"    {median * 1000:6.1f} ms (max {worst * 1000:6.1f}, "
        f"first round {times[0][n] * 1000:6.1f})  {inputs[n]!r}"
        for median, worst, n in each[:SLOWEST]
    ]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    part = sys.argv[2] if len(sys.argv) > 2 else "both"
    if part not in {"search", "autocomplete", "both"}:
        raise SystemExit("PART is search, autocomplete or both")
    print(f"before: {load()}")
    env = {**os.environ, "RATE_LIMIT_ENABLED": "0", "RESPONSE_CACHE": "0"}
    timeout = float(os.environ.get("TIMEOUT", "60"))
    with serving(sys.executable, PORT, env, timeout=timeout) as client:
        searches, prefixes = queries()
        # Round 0 is the server's first sight of each kind of query: it makes (compiles
        # and, on PostgreSQL, prepares) the statements a running server keeps. It is
        # reported apart; the figures are the ROUNDS rounds after it.
        hits: list[int] = []

        def search(query: str) -> httpx.Response:
            response = client.post("/api/v1/search", json={"query": query})
            hits.append(int(response.raise_for_status().headers["X-Total-Count"]))
            return response

        def suggest(prefix: str) -> httpx.Response:
            return client.get("/api/v1/search/autocomplete", params={"q": prefix})

        parts: list[tuple[str, list[str], list[list[float]]]] = []
        if part in {"search", "both"}:
            parts.append(("search", searches, timed(rounds, searches, search)))
        if part in {"autocomplete", "both"}:
            parts.append(("autocomplete", prefixes, timed(rounds, prefixes, suggest)))
    print(f"after: {load()}")
    for name, inputs, times in parts:
        measured = [t for round_times in times[1:] for t in round_times]
        print(f"{name} ({len(measured)} requests): {percentiles(measured)}")
        print(f"  first round ({len(times[0])} requests): {percentiles(times[0])}")
        print("  slowest:", *slowest(inputs, times), sep="\n")
    if hits:
        print(f"search hits per query: median {statistics.median(hits):.0f}, max {max(hits)}")


if __name__ == "__main__":
    main()
