"""Two checkouts' search and autocomplete, request by request: one ``pydotorg serve`` worker
of each (each from its own checkout's virtualenv, on its own database holding the same
corpus), every input of bench/search_bench.py sent to A and to B in turn (which goes first
alternates), so that a machine whose speed drifts from minute to minute (a shared VM) slows
both alike; p50 and p99 of each, and B's over A's.

    .venv/bin/python bench/search_ab.py A_CHECKOUT A_DATABASE_URL B_CHECKOUT B_DATABASE_URL \
        [ROUNDS] [PART]

For example the search engine the issue replaced (commit 3817dc6, in a worktree, with a corpus
built by that commit's bench/search_corpus.py from this one's vocabulary) against this one.
ROUNDS (default 5) after one unmeasured round; PART is ``search``, ``autocomplete`` or both.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import AbstractContextManager as ContextManager
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from search_bench import load, percentiles, queries, serving

PORTS = (8811, 8812)


def server(checkout: str, database_url: str, port: int) -> ContextManager[httpx.Client]:
    """One worker of ``checkout`` on ``database_url``, rate limits and the response cache off."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RATE_LIMIT_ENABLED": "0",
        "RESPONSE_CACHE": "0",
    }
    return serving(str(Path(checkout) / ".venv" / "bin" / "python"), port, env, cwd=checkout)


def send(client: httpx.Client, kind: str, value: str) -> float:
    started = time.perf_counter()
    if kind == "search":
        response = client.post("/api/v1/search", json={"query": value})
    else:
        response = client.get("/api/v1/search/autocomplete", params={"q": value})
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed


def main() -> None:
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    a, b = (sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    part = sys.argv[6] if len(sys.argv) > 6 else "both"
    searches, prefixes = queries()
    print(f"before: {load()}")
    with ExitStack() as stack:
        clients = [
            stack.enter_context(server(*side, port))
            for side, port in zip((a, b), PORTS, strict=True)
        ]
        for kind, inputs in (("search", searches), ("autocomplete", prefixes)):
            if part not in {kind, "both"}:
                continue
            times: list[list[float]] = [[], []]
            for number in range(rounds + 1):
                for value in inputs:
                    order = (0, 1) if number % 2 == 0 else (1, 0)
                    for side in order:
                        elapsed = send(clients[side], kind, value)
                        if number:  # round 0 makes each server's statements
                            times[side].append(elapsed)
            print(f"{kind}, {len(times[0])} requests each:")
            for name, measured in zip(("A", "B"), times, strict=True):
                print(f"  {name}: {percentiles(measured)}")
            ordered = [sorted(each) for each in times]
            middle, tail = (min(len(ordered[0]) - 1, int(len(ordered[0]) * q)) for q in (0.5, 0.99))
            print(
                f"  B / A: p50 {ordered[1][middle] / ordered[0][middle]:.2f}, "
                f"p99 {ordered[1][tail] / ordered[0][tail]:.2f}"
            )
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
