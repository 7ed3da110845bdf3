"""A poisoned word list: what 100,000 made-up words written by one ordinary user into hidden
documents (job drafts and pending events, which anonymous callers never see) cost anonymous
searches, and whether they reach the public vocabulary.

    rm -f var/bench-poison.sqlite3*
    DATABASE_URL=sqlite:///var/bench-poison.sqlite3 .venv/bin/python bench/search_poison.py
    createdb -h 127.0.0.1 -U postgres bench_poison
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_poison \\
        .venv/bin/python bench/search_poison.py [WORDS] [SEARCHES]

On a fresh database (it refuses one that was poisoned already): starts one ``pydotorg serve``
worker (``RATE_LIMIT_ENABLED=0``; it migrates and seeds on its first start), makes a staff
account (as the tests do: ``create_user`` and an API key) and a calendar, registers a user
through the API, and as that user writes WORDS distinct made-up words (random lower-case
letters, 8-14 long; default 100,000) into job drafts (``POST /api/v1/jobs/``: the words in
``description`` and ``requirements``, 20,000 characters each) and, all of them again, into
pending events (``POST /api/v1/events/submit``: ``title`` up to 500 characters and
``description`` up to 10,000). Then, as an anonymous caller, SEARCHES searches (default 40)
of 16 words each, one after another, alternately 16 neighbouring words of the drafts (found
together in a hidden document) and 16 words never written, while a thread polls
``GET /health`` one request after another; the first search of each kind is reported apart
(the server making its statements). It checks that a staff search finds a poisoned word (the
poison is in the engine's index) and that ``search_words`` did not grow.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import string
import subprocess
import sys
import threading
import time
from collections.abc import Collection
from typing import Any

import httpx
from sqlalchemy import text

from pydotorg.db.engine import create_engine
from pydotorg.settings import get_settings

PORT = 8798
USERNAME = "poisoner"
STAFF = "poisonstaff"
PASSWORD = "poisoned word list 2026"
QUERY_WORDS = 16
JOB_FIELD = 20_000  # description and requirements: LongText
EVENT_DESCRIPTION = 10_000  # Description
EVENT_TITLE = 500  # Title


def made_up(count: int, rng: random.Random, avoid: Collection[str] = ()) -> list[str]:
    """``count`` distinct made-up words, 8-14 random lower-case letters, none of ``avoid``."""
    found: dict[str, None] = {}
    while len(found) < count:
        word = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(8, 14)))
        if word not in avoid:
            found[word] = None
    return list(found)


def pack(words: list[str], start: int, limit: int) -> tuple[str, int]:
    """As many of ``words`` from ``start`` as fit in ``limit`` characters, space-separated;
    and where the next text starts."""
    size, end = 0, start
    while end < len(words) and size + len(words[end]) + (1 if end > start else 0) <= limit:
        size += len(words[end]) + (1 if end > start else 0)
        end += 1
    return " ".join(words[start:end]), end


async def scalar(database_url: str, sql: str) -> Any:
    engine = create_engine(database_url, pool=False)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(sql))).scalar()
    finally:
        await engine.dispose()


async def make_staff(database_url: str) -> str:
    """A staff account and its API key (what ``tests/support.py`` does)."""
    from pydotorg.accounts.services import create_api_key, create_user
    from pydotorg.db.engine import create_sessionmaker

    engine = create_engine(database_url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            user = await create_user(
                session,
                username=STAFF,
                email=f"{STAFF}@example.org",
                password=None,
                is_staff=True,
            )
            secret = (await create_api_key(session, user, "bench")).secret
            await session.commit()
            return str(secret)
    finally:
        await engine.dispose()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"{len(ordered)} requests: p50 {ms(statistics.median(ordered))}, p99 {ms(p99)}, "
        f"max {ms(ordered[-1])}"
    )


def load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


class HealthPoller(threading.Thread):
    """``GET /health`` one request after another until stopped: each one's latency."""

    def __init__(self, base_url: str) -> None:
        super().__init__(daemon=True)
        self.base_url = base_url
        self.times: list[float] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=60) as client:
            while not self.stopping.is_set():
                started = time.perf_counter()
                client.get("/health").raise_for_status()
                self.times.append(time.perf_counter() - started)
                time.sleep(0.005)

    def stop(self) -> list[float]:
        self.stopping.set()
        self.join(timeout=60)
        return self.times


def poison(base: str, staff_key: str, words: list[str]) -> None:
    """The words into job drafts and pending events of one registered user."""
    with httpx.Client(base_url=base, timeout=120) as anon:
        tokens = anon.post(
            "/api/auth/register",
            json={"username": USERNAME, "email": f"{USERNAME}@example.org", "password": PASSWORD},
        )
        tokens.raise_for_status()
    user = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    staff = {"Authorization": f"Bearer {staff_key}"}
    with httpx.Client(base_url=base, timeout=300) as client:
        calendar = client.post(
            "/api/v1/calendars/",
            json={"name": "Poison calendar", "slug": "poison-calendar"},
            headers=staff,
        )
        calendar.raise_for_status()
        calendar_id = calendar.json()["id"]
        times: list[float] = []
        start = jobs = 0
        while start < len(words):
            description, start = pack(words, start, JOB_FIELD)
            requirements, start = pack(words, start, JOB_FIELD)
            began = time.perf_counter()
            response = client.post(
                "/api/v1/jobs/",
                json={
                    "job_title": f"Poison job {jobs}",
                    "company_name": "Poison Ltd",
                    "description": description,
                    "requirements": requirements,
                    "contact_email": "poison@example.org",
                    "country": "Nowhere",
                },
                headers=user,
            )
            times.append(time.perf_counter() - began)
            if response.status_code != 201:
                raise SystemExit(f"job draft refused: {response.status_code} {response.text}")
            jobs += 1
        print(f"{jobs} job drafts written, {summary(times)} ({load()})")
        times = []
        start = events = 0
        while start < len(words):
            title, start = pack(words, start, EVENT_TITLE)
            description, start = pack(words, start, EVENT_DESCRIPTION)
            began = time.perf_counter()
            response = client.post(
                "/api/v1/events/submit",
                json={
                    "title": title,
                    "calendar": calendar_id,
                    "description": description,
                    "occurrences": [
                        {"dt_start": "2027-02-10T18:00:00Z", "dt_end": "2027-02-10T20:00:00Z"}
                    ],
                },
                headers=user,
            )
            times.append(time.perf_counter() - began)
            if response.status_code != 201:
                raise SystemExit(f"event refused: {response.status_code} {response.text}")
            events += 1
        print(f"{events} pending events written, {summary(times)} ({load()})")
        probe = client.post(
            "/api/v1/search", json={"query": words[-1], "indexes": ["events"]}, headers=staff
        )
        probe.raise_for_status()
        print(
            f"a staff search for a poisoned word: {probe.headers['X-Search-Counts']} "
            "(the poison is in the engine's index)"
        )


def measure(base: str, words: list[str], searches: int, rng: random.Random) -> None:
    """Anonymous searches of 16 poisoned words and of 16 words never written, alternately,
    with /health polled meanwhile."""
    never = made_up(searches * QUERY_WORDS, rng, set(words))
    with httpx.Client(base_url=base, timeout=300) as client:
        idle = HealthPoller(base)
        idle.start()
        time.sleep(3)
        quiet = idle.stop()
        print(f"/health alone: {summary(quiet)}")
        poller = HealthPoller(base)
        poller.start()
        time.sleep(0.2)
        results: dict[str, list[tuple[float, str]]] = {"poisoned": [], "never seen": []}
        hits: dict[str, set[str]] = {"poisoned": set(), "never seen": set()}
        for number in range(searches):
            kind = "poisoned" if number % 2 == 0 else "never seen"
            if kind == "poisoned":  # side by side in one draft and one event, mostly
                start = rng.randrange(len(words) - QUERY_WORDS)
                query = " ".join(words[start : start + QUERY_WORDS])
            else:
                query = " ".join(never[number * QUERY_WORDS : (number + 1) * QUERY_WORDS])
            began = time.perf_counter()
            response = client.post("/api/v1/search", json={"query": query})
            elapsed = time.perf_counter() - began
            response.raise_for_status()
            results[kind].append((elapsed, query))
            hits[kind].add(response.headers["X-Search-Counts"])
        during = poller.stop()
    print(f"searches done ({load()})")
    for kind, timed in results.items():
        first, rest = timed[0][0], [elapsed for elapsed, _ in timed[1:]]
        worst = max(timed[1:])
        print(
            f"search of {QUERY_WORDS} {kind} words: first {ms(first)}; then {summary(rest)}; "
            f"counts {sorted(hits[kind])}"
        )
        print(f"  worst: {worst[1][:60]}...")
    print(f"/health during the searches: {summary(during)}")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    searches = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    url = get_settings().database_url
    env = {**os.environ, "RATE_LIMIT_ENABLED": "0"}
    print(f"{url.split('@')[-1]}, {count} words, before: {load()}")
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "pydotorg", "serve", "--port", str(PORT)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(6000):
                if server.poll() is not None:
                    raise SystemExit(f"the server exited (is port {PORT} taken?)")
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        print(f"server up (migrated and seeded) in {time.perf_counter() - started:.1f} s")
        taken = asyncio.run(
            scalar(url, f"SELECT count(*) FROM users WHERE username = '{USERNAME}'")  # noqa: S608
        )
        if taken:
            raise SystemExit("this database was poisoned already: use a fresh one")
        staff_key = asyncio.run(make_staff(url))
        before = asyncio.run(scalar(url, "SELECT count(*) FROM search_words"))
        rng = random.Random(2026)
        words = made_up(count, rng)
        began = time.perf_counter()
        poison(base, staff_key, words)
        print(f"{count} words written in {time.perf_counter() - began:.1f} s")
        after = asyncio.run(scalar(url, "SELECT count(*) FROM search_words"))
        print(f"search_words: {before} rows before, {after} after")
        measure(base, words, searches, rng)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
