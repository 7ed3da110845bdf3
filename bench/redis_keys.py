"""Small Redis chores for ``bench/ratelimit.sh``: check the server, read and drop a run's keys.

Usage::

    python bench/redis_keys.py ping     URL          # print the server's version if it answers
    python bench/redis_keys.py watch    URL PREFIX   # for each line read: one JSON line of
                                                     # the server's CPU seconds and the
                                                     # counters under PREFIX
    python bench/redis_keys.py delete   URL PREFIX   # delete every key under PREFIX

Only loopback URLs are accepted: the benchmark sends no traffic off the machine. ``PREFIX`` must
be the run's own (``ratelimit.sh`` makes one per run) and may only hold letters,
digits, ``-``, ``_``, ``.`` and ``:``, so it never acts as a wider glob pattern.
"""

from __future__ import annotations

import json
import re
import sys
from urllib.parse import urlsplit

from redis import Redis

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SAFE_PREFIX = re.compile(r"[A-Za-z0-9_.:-]{8,}")


def connect(url: str) -> Redis:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"redis_keys: {url!r} is not a loopback address; refusing")
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def keys(client: Redis, prefix: str) -> list[bytes]:
    if not SAFE_PREFIX.fullmatch(prefix):
        raise SystemExit(f"redis_keys: unsafe key prefix {prefix!r}")
    return list(client.scan_iter(match=prefix + "*", count=1000))


def cpu_seconds(client: Redis) -> float:
    cpu = client.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def counters(client: Redis, prefix: str) -> dict[str, int]:
    found = keys(client, prefix)
    values = client.mget(found) if found else []
    pairs = zip(found, values, strict=True)
    return {key.decode(): int(value) for key, value in pairs if value is not None}


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] not in {"ping", "watch", "delete"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, url = argv[1], argv[2]
    client = connect(url)
    if command == "ping":
        try:
            client.ping()
            info = client.info("server")
        except Exception as exc:
            print(f"redis_keys: no answer from {url}: {exc}", file=sys.stderr)
            return 1
        print(info.get("redis_version", "?"))
        return 0
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    if command == "watch":  # one process for the whole run: no start-up between wrk runs
        for _ in sys.stdin:
            print(json.dumps({"cpu": cpu_seconds(client), "counters": counters(client, argv[3])}))
            sys.stdout.flush()
        return 0
    found = keys(client, argv[3])
    if found:
        client.delete(*found)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
