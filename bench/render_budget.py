"""Does a body that is costly to render stall the service? The render budget, measured.

Starts the production server (granian, one worker, default render settings) on a seeded SQLite
database, signs up four authors, then:

1. posts each costly body alone (community posts, 100,000 characters at most) and prints its
   status and wall time, and a large ordinary reStructuredText body (100 KB) for comparison;
2. posts four costly bodies at once while another thread asks ``/health`` every 20 ms, and
   prints each post's status and time and ``/health``'s median, p95 and worst over that time,
   next to the same figures with nothing else running.

    .venv/bin/python bench/render_budget.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from markup_render import body

from pydotorg.content.markup import Markup
from tests.support import new_user, seeded_server

COSTLY = {
    "rst targets (.. _a: x 11111)": (".. _a:\n\n" * 11111, "restructuredtext"),
    "rst footnotes (8,000)": (
        "".join(f".. [#] n{i}\n" for i in range(8000))[:100_000],
        "restructuredtext",
    ),
    "rst simple table": (
        "=" * 3 + " " + "=" * 3 + "\n" + "a b\n" * 24_000 + "=== ===\n",
        "restructuredtext",
    ),
    "markdown ![ x 50000": ("![" * 50000, "markdown"),
    "markdown [ x 100000": ("[" * 100_000, "markdown"),
    "ordinary rst, 100 KB": (body(Markup.RESTRUCTUREDTEXT, 100_000), "restructuredtext"),
}
POSTS = "/api/v1/community/posts/"


def post(client: httpx.Client, content: str, content_type: str) -> tuple[int, float]:
    title = f"Bench {uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    response = client.post(
        POSTS, json={"title": title, "content": content, "content_type": content_type}
    )
    return response.status_code, time.perf_counter() - started


def health_while(base_url: str, stop: threading.Event) -> list[float]:
    times: list[float] = []
    with httpx.Client(base_url=base_url) as client:
        while not stop.is_set():
            started = time.perf_counter()
            assert client.get("/health").status_code == 200
            times.append(time.perf_counter() - started)
            time.sleep(0.02)
    return times


def summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(len(ms) * 0.95)]
    median = statistics.median(ms)
    return (
        f"median {median:5.1f} ms, p95 {p95:5.1f} ms, worst {ms[-1]:6.1f} ms ({len(ms)} requests)"
    )


def main() -> None:
    print(f"nproc {os.cpu_count()}, load average {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp, seeded_server("sqlite", Path(tmp)) as live:
        authors = [new_user(live, "render budget passphrase 2026") for _ in range(4)]
        for label, (content, content_type) in COSTLY.items():
            status, seconds = post(authors[0], content, content_type)
            print(f"alone  {label:30} {len(content):7} chars: {status} in {seconds:5.2f} s")

        stop = threading.Event()
        with ThreadPoolExecutor(1) as poller:
            idle = poller.submit(health_while, live.base_url, stop)
            time.sleep(3)
            stop.set()
            print(f"/health, nothing else running: {summary(idle.result())}")

        stop = threading.Event()
        bodies = [COSTLY["rst targets (.. _a: x 11111)"], COSTLY["markdown ![ x 50000"]] * 2
        with ThreadPoolExecutor(1) as poller, ThreadPoolExecutor(4) as posters:
            busy = poller.submit(health_while, live.base_url, stop)
            time.sleep(0.2)
            results = list(posters.map(lambda a, b: post(a, *b), authors, bodies))
            stop.set()
            for status, seconds in results:
                print(f"at once: {status} in {seconds:5.2f} s")
            print(f"/health, four costly posts at once: {summary(busy.result())}")
        for author in authors:
            author.close()
    print(f"load average after {os.getloadavg()}")


if __name__ == "__main__":
    main()
