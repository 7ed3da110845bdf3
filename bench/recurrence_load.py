"""What recurring events cost readers, and `/health` meanwhile (issue 24, item 1).

Starts ``pydotorg serve`` (one granian worker) on a fresh seeded SQLite database, as the tests
do. A signed-in user submits the issue's 20 events, each with ten rules
``{"frequency": "daily", "count": 5000}``; where the API refuses them (the expansion bound),
the user submits the most it accepts instead: 20 events of one such rule starting 2027, and
20 starting 1990 (for the pending list). Then each read is timed (median and slowest of
``--rounds``, signed in, so never from the response cache) while a thread asks ``/health``
every 20 ms; the slowest ``/health`` answers are reported for the submissions and the reads.
Then each read again, for the server's CPU per request (``ical_cost.Meter``), which depends
less on what else the machine runs than wall times do.

    .venv/bin/python bench/recurrence_load.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ical_cost import Meter
from tests.support import LiveServer, run_server, seeded_sqlite

READS = [
    "/api/v1/event-occurrences?date_from=2027-01-01&date_to=2031-12-31&limit=1",
    "/api/v1/event-occurrences?date_from=2027-01-01&date_to=2031-12-31&limit=1000",
    "/api/v1/event-occurrences?date_from=1990-01-01&date_to=1994-12-31&limit=1",
    "/api/v1/events?status=pending&limit=1000",
    "/api/v1/events?limit=1000",
    "/api/v1/events/upcoming?limit=1000",
    "/api/v1/events?date_from=1995-01-01&date_to=1995-12-31&limit=1000",
    "/api/v1/events?date_from=2030-06-01&limit=1000",
    "/api/v1/calendars/2/feed/rss",
]


def rule(start: str) -> dict[str, object]:
    return {
        "dt_start": f"{start}T18:00:00",
        "dt_end": f"{start}T19:00:00",
        "frequency": "daily",
        "count": 5000,
    }


class HealthWatch:
    """Asks ``/health`` every 20 ms on a thread of its own; keeps each answer's wall time."""

    def __init__(self, live: LiveServer) -> None:
        self.live = live
        self.walls: list[float] = []
        self._stop = threading.Event()

    def _run(self) -> None:
        with self.live.client() as client:
            while not self._stop.is_set():
                sent = time.monotonic()
                assert client.get("/health").status_code == 200
                self.walls.append(time.monotonic() - sent)
                time.sleep(0.02)

    @contextmanager
    def watching(self) -> Iterator[HealthWatch]:
        self.walls, self._stop = [], threading.Event()
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()

    def summary(self) -> str:
        walls = sorted(self.walls)
        p95 = walls[int(len(walls) * 0.95) - 1] if len(walls) >= 20 else walls[-1]
        return (
            f"/health: {len(walls)} answers, median {statistics.median(walls) * 1000:.1f} ms, "
            f"p95 {p95 * 1000:.1f} ms, max {walls[-1] * 1000:.1f} ms"
        )


def submit(user: httpx.Client, title: str, rules: list[dict[str, object]]) -> httpx.Response:
    body = {
        "title": title,
        "calendar": 2,
        "time_zone": "Europe/Berlin",
        "occurrences": [],
        "rules": rules,
    }
    return user.post("/api/v1/events/submit", json=body, timeout=120)


def submissions(user: httpx.Client) -> str:
    began = time.monotonic()
    first = submit(user, "ten rules 0", [rule("2027-01-01")] * 10)
    if first.status_code == 201:
        for number in range(1, 20):
            created = submit(user, f"ten rules {number}", [rule("2027-01-01")] * 10)
            assert created.status_code == 201, created.text
        for number in range(20):
            created = submit(user, f"old rules {number}", [rule("1990-01-01")] * 10)
            assert created.status_code == 201, created.text
        how = "40 events of 10 daily rules of 5000 each (20 from 2027, 20 from 1990) accepted"
    else:
        assert first.status_code == 422, first.text
        field = first.json()["extra"]["errors"][0]["field"]
        for number in range(20):
            created = submit(user, f"one rule {number}", [rule("2027-01-01")])
            assert created.status_code == 201, created.text
            created = submit(user, f"old rule {number}", [rule("1990-01-01")])
            assert created.status_code == 201, created.text
        how = (
            f"10 rules of 5000 refused (422 naming {field}); 40 events of one daily rule of "
            "5000 (20 from 2027, 20 from 1990) accepted"
        )
    return f"{how}, in {time.monotonic() - began:.1f} s"


def timed(client: httpx.Client, path: str, rounds: int) -> str:
    walls = []
    total = ""
    for _ in range(rounds):
        sent = time.monotonic()
        response = client.get(path, timeout=120)
        walls.append(time.monotonic() - sent)
        assert response.status_code == 200, (path, response.status_code, response.text)
        total = response.headers.get("X-Total-Count", "")
    median, worst = statistics.median(walls) * 1000, max(walls) * 1000
    return f"wall median {median:7.1f} ms, max {worst:7.1f} ms" + (
        f" (total {total})" if total else ""
    )


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        url = seeded_sqlite(var / "bench.sqlite3")
        with run_server("sqlite", url, var) as live, live.client("user") as user:
            watch = HealthWatch(live)
            with watch.watching():
                print("submissions:", submissions(user))
            print("  meanwhile", watch.summary())
            with watch.watching():
                for path in READS:
                    print(f"{path:80} {timed(user, path, rounds)}")
            print("  meanwhile", watch.summary())
            meter = Meter(live)  # server CPU per request, less the idle server's
            for path in READS:
                print(f"{path:80} {meter.cost(user, path, rounds)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    main(parser.parse_args().rounds)
