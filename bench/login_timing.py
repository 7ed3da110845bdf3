"""Does a failed login take as long for a missing account as for a wrong password?

Starts the API in-process on a fresh SQLite database, registers one account, then times
ROUNDS failed logins of each kind, interleaved, and prints the medians and their ratio.
A ratio near 1.0 means the response time does not reveal whether the account exists.

    .venv/bin/python bench/login_timing.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import run_server


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        url = f"sqlite+aiosqlite:///{var / 'bench.sqlite3'}"
        with run_server("sqlite", url, var) as live, httpx.Client(base_url=live.base_url) as client:
            client.post(
                "/api/auth/register",
                json={"username": "exists", "email": "e@example.org", "password": "x" * 12 + "yz!"},
            )
            timings: dict[str, list[float]] = {"wrong password": [], "no such account": []}
            for _ in range(rounds):
                for label, username in (("wrong password", "exists"), ("no such account", "ghost")):
                    started = time.perf_counter()
                    response = client.post(
                        "/api/auth/login", json={"username": username, "password": "wrong-guess-1"}
                    )
                    timings[label].append(time.perf_counter() - started)
                    assert response.status_code == 401
            medians = {label: statistics.median(values) * 1000 for label, values in timings.items()}
    for label, value in medians.items():
        print(f"{label:>16}: median {value:7.2f} ms over {rounds} logins")
    ratio = medians["no such account"] / medians["wrong password"]
    print(f"ratio missing/wrong: {ratio:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
