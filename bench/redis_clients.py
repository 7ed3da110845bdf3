"""Bench only: the Redis counter client a benchmark server uses, chosen by ``BENCH_REDIS_CLIENT``.

``bench/redis_client.sh`` serves ``bench.redis_clients:create_app`` (granian, ``--factory``) so
that the same app runs with either Redis client; the service itself always uses its own.

    BENCH_REDIS_CLIENT=resp       the hand-written RESP client (core/redis_counters.py)
    BENCH_REDIS_CLIENT=redispy    redis-py's asyncio Connection, one per process
    BENCH_REDIS_CLIENT=pipeline   redis-py's client with a pool of one and a pipeline
                                  (transaction=False) per batch

Each variant adds ``"client"`` to the store's status (``/health``), so that the benchmark can
check which one served. Run as a script, it compares the variants in one process without HTTP
(``bench/ratelimit_inproc.py``'s method)::

    .venv/bin/python bench/redis_clients.py --batches 21 --requests 1000
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.connection import ConnectionPool

from pydotorg.core.redis_counters import RedisStore
from pydotorg.core.redis_py_counters import RedisPyStore


class Resp(RedisStore):
    def status(self) -> dict[str, Any]:
        return {**super().status(), "client": "resp"}


class RedisPy(RedisPyStore):
    def status(self) -> dict[str, Any]:
        return {**super().status(), "client": "redispy"}


class PipelineClient:
    """A redis-py client on a pool of one connection, shaped like the connection it replaces."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.client = Redis(connection_pool=pool)

    async def disconnect(self, nowait: bool = False) -> None:
        await self.client.connection_pool.disconnect()


class Pipeline(RedisPyStore):
    """The same store, each batch sent as ``client.pipeline(transaction=False).execute()``."""

    def __init__(self, url: str, prefix: str = "pydotorg:rl:", ttl: int = 65) -> None:
        super().__init__(url, prefix, ttl)
        self._ttl = ttl
        self._pool = ConnectionPool.from_url(
            url,
            max_connections=1,
            socket_connect_timeout=self.CONNECT_TIMEOUT,
            socket_timeout=None,
            protocol=2,
        )

    async def _connect(self) -> None:
        import asyncio

        client = PipelineClient(self._pool)
        try:
            async with asyncio.timeout(self.CONNECT_TIMEOUT + self.REPLY_TIMEOUT):
                await client.client.ping()
        except Exception as exc:
            await client.disconnect()
            await self._broken(exc)
            return
        self._connection = client  # type: ignore[assignment]

    async def _count(self, connection: Any, batch: Any) -> list[int]:
        pipe = connection.client.pipeline(transaction=False)
        for key, futures in batch.items():
            pipe.set(key, 0, ex=self._ttl, nx=True)
            pipe.incrby(key, len(futures))
        replies = await pipe.execute()
        return replies[1::2]

    def status(self) -> dict[str, Any]:
        return {**super().status(), "client": "pipeline"}


CLIENTS: dict[str, type[Any]] = {"resp": Resp, "redispy": RedisPy, "pipeline": Pipeline}


def create_app() -> Any:
    """pydotorg's app, its Redis store (when ``REDIS_URL`` is set) of ``BENCH_REDIS_CLIENT``."""
    import pydotorg.app

    client = os.environ.get("BENCH_REDIS_CLIENT", "resp")
    if client not in CLIENTS:
        raise SystemExit(f"BENCH_REDIS_CLIENT must be one of {', '.join(CLIENTS)}: {client!r}")
    pydotorg.app.RedisStore = CLIENTS[client]  # type: ignore[misc]  # counter_store reads it
    return pydotorg.app.create_app()


def main() -> int:
    """The variants side by side in one process, through ``bench/ratelimit_inproc.py``."""
    sys.path.insert(0, str(Path(__file__).parent))
    import ratelimit_inproc

    from pydotorg import app as app_module

    def factory(store: type[Any]) -> Any:
        def build(settings: Any) -> Any:
            app_module.RedisStore = store  # type: ignore[misc]
            return app_module.create_app(settings)

        return build

    redis_config = ratelimit_inproc.CONFIGS.pop("redis")
    for name, store in CLIENTS.items():
        ratelimit_inproc.CONFIGS[name] = redis_config
        ratelimit_inproc.FACTORIES[name] = factory(store)
    return ratelimit_inproc.main()


if __name__ == "__main__":
    raise SystemExit(main())
