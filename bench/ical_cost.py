"""What one events export costs the server, in CPU per request (issue 11, item 1).

Starts ``pydotorg serve`` (one granian worker) on a fresh seeded SQLite database, as the tests
do, and reads the CPU time (``utime + stime``) of the server's whole process session from
``/proc`` around each batch of requests, less what the idle server spends in the same time
(the cache's version poller). Each figure is the mean of its batch.

The pathological data is the issue's: a signed-in user's 20 pending events, each in another
time zone, each one occurrence from 1900-01-01 to 2200-12-31. Where the API refuses them (it
does since the fix), they are written to the database directly, as rows left from before the
rule would be, so the export's cost is measured either way.

    .venv/bin/python bench/ical_cost.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydotorg.events.models import Event, EventOccurrence
from tests.support import LiveServer, insert_rows, run_server

ZONES = [
    "Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Sao_Paulo",
    "Europe/London", "America/Chicago", "Pacific/Auckland", "Asia/Tehran", "Europe/Moscow",
    "America/Los_Angeles", "Africa/Cairo", "America/Santiago", "Asia/Jerusalem",
    "Europe/Lisbon", "America/Havana", "Australia/Lord_Howe", "Europe/Dublin",
    "America/Halifax", "Pacific/Chatham", "Asia/Beirut",
]  # fmt: skip
TICK = os.sysconf("SC_CLK_TCK")
USER_GROUPS = "/api/v1/calendars/2/ical"
CASES = [  # what, who asks (anonymous answers may come from the response cache), path, repeat
    ("calendar 2 (1,442 events), again", "anonymous", USER_GROUPS, 20),
    ("calendar 2, ?x=N (another N each time)", "anonymous", USER_GROUPS + "?x={n}", 1),
    ("calendar 2, rendered each time", "signed in", USER_GROUPS, 1),
    ("calendar 1 (786 events), rendered each time", "signed in", "/api/v1/calendars/1/ical", 1),
    ("events/ical?limit=1000", "signed in", "/api/v1/events/ical?limit=1000", 1),
    ("events/?limit=1000", "signed in", "/api/v1/events/?limit=1000", 1),
    ("events/upcoming?limit=1000", "signed in", "/api/v1/events/upcoming?limit=1000", 1),
    (
        "event-occurrences, 5 years",
        "signed in",
        "/api/v1/event-occurrences/?date_from=2015-01-01&date_to=2019-12-31&limit=1000",
        1,
    ),
    ("calendars/1/feed/rss", "signed in", "/api/v1/calendars/1/feed/rss", 1),
]


def server_session(port: int) -> int:
    """The session id of the ``pydotorg serve`` process listening on ``port``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in command and str(port).encode() in command:
            return int(entry.name)
    raise RuntimeError(f"no pydotorg serve process on port {port}")


def session_cpu(session: int) -> float:
    """CPU seconds used so far by every live process of the session."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[3]) == session:  # fields after the name: state ppid pgrp session ...
            total += int(fields[11]) + int(fields[12])
    return total / TICK


class Meter:
    def __init__(self, live: LiveServer) -> None:
        self.session = server_session(int(live.base_url.rpartition(":")[2]))
        start, began = session_cpu(self.session), time.monotonic()
        time.sleep(3)
        self.idle = (session_cpu(self.session) - start) / (time.monotonic() - began)

    def cost(self, client: httpx.Client, url: str, rounds: int) -> str:
        """Mean server CPU ms per request, and the median wall time."""
        walls = []
        start, began = session_cpu(self.session), time.monotonic()
        for number in range(rounds):
            sent = time.monotonic()
            response = client.get(url.replace("{n}", str(number)))
            walls.append(time.monotonic() - sent)
            assert response.status_code == 200, (url, response.status_code, response.text)
        cpu = session_cpu(self.session) - start - self.idle * (time.monotonic() - began)
        wall = statistics.median(walls) * 1000
        return f"{max(cpu, 0) / rounds * 1000:8.1f} ms CPU {wall:8.1f} ms wall (median)"


def submit_pathological(live: LiveServer, user: httpx.Client) -> str:
    """The issue's 20 pending events; returns how they got there."""
    body = {
        "calendar": 2,
        "occurrences": [{"dt_start": "1900-01-01T00:00:00", "dt_end": "2200-12-31T00:00:00"}],
    }
    first = user.post("/api/v1/events/submit", json={**body, "title": "x", "time_zone": ZONES[0]})
    if first.status_code == 201:
        for zone in ZONES[1:]:
            created = user.post(
                "/api/v1/events/submit", json={**body, "title": zone, "time_zone": zone}
            )
            assert created.status_code == 201, created.text
        return "submitted through the API"
    assert first.status_code == 422, first.text
    insert_rows(live.database_url, *legacy_rows(user.get("/api/auth/me").json()["id"]))
    return f"refused by the API ({first.json()['detail']!r}); written to the database"


def legacy_rows(creator: int) -> list[Event]:
    start, end = datetime(1900, 1, 1, tzinfo=UTC), datetime(2200, 12, 31, tzinfo=UTC)
    rows = []
    for zone in ZONES:
        tag = uuid.uuid4().hex[:8]
        rows.append(
            Event(
                **{"uid": f"bench-{tag}@python.org", "slug": f"bench-{tag}", "title": zone},
                calendar_id=2,
                time_zone=zone,
                status="pending",
                creator_id=creator,
                first_start=start,
                last_end=end,
                occurrences=[EventOccurrence(dt_start=start, dt_end=end)],
            )
        )
    return rows


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        url = f"sqlite+aiosqlite:///{var / 'bench.sqlite3'}"
        with run_server("sqlite", url, var) as live:
            anon, staff, user = live.client(), live.client("staff"), live.client("user")
            meter = Meter(live)
            print(f"idle server: {meter.idle * 1000:.1f} ms CPU per second")
            anon.get(USER_GROUPS)
            clients = {"anonymous": anon, "signed in": staff}
            for label, who, path, repeat in CASES:
                cost = meter.cost(clients[who], path, rounds * repeat)
                print(f"{f'{label}, {who}':58} {cost}")
            print("pathological events:", submit_pathological(live, user))
            pending = "/api/v1/events/ical?status=pending&limit=1000"
            label = "pending export (20 zones, 1900-2200)"
            print(f"{label + ', first':58} {meter.cost(user, pending, 1)}")
            print(f"{label + ', again':58} {meter.cost(user, pending, rounds)}")
            print(f"{'GET /api/v1/events/1 meanwhile, anonymous':58} {meanwhile(live, pending)}")


def meanwhile(live: LiveServer, pending: str, exports: int = 5) -> str:
    """The slowest anonymous read answered while pending exports run on the same worker."""
    done = threading.Event()

    def load() -> None:
        with live.client("user") as client:
            for _ in range(exports):
                client.get(pending)
        done.set()

    threading.Thread(target=load, daemon=True).start()
    walls = []
    with live.client() as anon:
        while not walls or not done.is_set():
            sent = time.monotonic()
            assert anon.get("/api/v1/events/1").status_code == 200
            walls.append(time.monotonic() - sent)
    return f"max {max(walls) * 1000:.0f} ms wall (median {statistics.median(walls) * 1000:.0f} ms)"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    main(parser.parse_args().rounds)
