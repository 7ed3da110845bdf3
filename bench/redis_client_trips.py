"""Instructions per Redis round trip and per hit of each counter client, without HTTP.

The counter store alone, on uvloop, under valgrind's callgrind: waves of N concurrent hits on
one key (so every wave is one round trip of N hits), run twice with a different number of
waves; the difference of the two counts, divided by the difference of waves, is what one round
trip of N hits costs, start-up and connecting cancelled out. It shows how the two clients'
gap per request depends on how many hits share a round trip (``bench/redis_client.sh`` and the
service see that number under load in ``/health``: hits / batches).

    .venv/bin/python bench/redis_client_trips.py            # N = 1, 8, 32; about 3 minutes

Needs valgrind and a loopback Redis (``--redis-url``, default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

CLIENTS = ("resp", "redispy")


async def waves(client: str, url: str, hits: int, count: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import redis
    from redis_clients import CLIENTS as STORES

    prefix = f"pydotorg-bench-trips-{uuid.uuid4().hex[:8]}:"
    store = STORES[client](url, prefix=prefix)
    try:
        await asyncio.gather(*(store.hit("k", 1) for _ in range(hits)))  # connects
        for _ in range(count):
            answers = await asyncio.gather(*(store.hit("k", 1) for _ in range(hits)))
            if None in answers:
                raise SystemExit(f"{client}: a hit was not counted ({store.status()})")
        if store.status()["batches"] != count + 1:
            raise SystemExit(f"{client}: not one round trip per wave ({store.status()})")
    finally:
        await store.aclose()
        redis.Redis.from_url(url).delete(f"{prefix}k:1")


def instructions(client: str, url: str, hits: int, count: int, work: Path) -> int:
    out = work / f"callgrind.{client}.{hits}.{count}"
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--child",
            client,
            str(hits),
            str(count),
            "--redis-url",
            url,
        ],
        check=True,
        capture_output=True,
    )
    found = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
    if found is None:
        raise SystemExit(f"no instruction total in {out}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hits", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--waves", type=int, nargs=2, default=[200, 1200])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--child", nargs=3, metavar=("CLIENT", "HITS", "WAVES"))
    args = parser.parse_args()
    from urllib.parse import urlsplit

    if urlsplit(args.redis_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("--redis-url must be a loopback address")
    if args.child:
        import uvloop

        client, hits, count = args.child
        uvloop.run(waves(client, args.redis_url, int(hits), int(count)))
        return 0
    few, many = args.waves
    print(
        "| hits per round trip | resp: per trip / per hit | redispy: per trip / per hit "
        "| gap per trip |"
    )
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="pydotorg-trips-") as temp:
        for hits in args.hits:
            per_trip = {
                client: (
                    instructions(client, args.redis_url, hits, many, Path(temp))
                    - instructions(client, args.redis_url, hits, few, Path(temp))
                )
                / (many - few)
                for client in CLIENTS
            }
            cells = [f"{per_trip[c]:,.0f} / {per_trip[c] / hits:,.0f}" for c in CLIENTS]
            gap = per_trip["redispy"] - per_trip["resp"]
            print(f"| {hits} | " + " | ".join(cells) + f" | {gap:,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
