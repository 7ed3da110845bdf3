"""Test support: a real server over real HTTP on a real database, one per engine.

Every database test runs twice, on SQLite and on PostgreSQL. Missing services (PostgreSQL,
Chromium) skip with a message saying what they need, unless ``PYDOTORG_REQUIRE_SERVICES=1`` (set
by ``.ci/run``) turns each such skip into a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn

from pydotorg.app import create_app
from pydotorg.db.migrate import upgrade
from pydotorg.db.seed import seed
from pydotorg.settings import Settings

POSTGRES_URL = os.environ.get(
    "PYDOTORG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("PYDOTORG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_SERVICES = os.environ.get("PYDOTORG_REQUIRE_SERVICES") == "1"


def missing_service(message: str) -> None:
    """Skip (on a laptop) or fail (in CI) because a service the test needs is not there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (PYDOTORG_REQUIRE_SERVICES=1 forbids skipping)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test session, dropped afterwards."""
    name = f"pydotorg_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_admin(POSTGRES_URL, f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure here means "no PostgreSQL to test on"
        missing_service(f"PostgreSQL tests need a server at {POSTGRES_URL} ({exc})")
    base, _, _ = POSTGRES_URL.rpartition("/")
    try:
        yield f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1)
    finally:
        asyncio.run(_admin(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass
class LiveServer:
    """A running API: its base URL, its database and the credentials tests sign in with."""

    engine: str
    base_url: str
    database_url: str
    settings: Settings
    credentials: dict[str, str] = field(default_factory=dict)

    def client(self, role: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.credentials[role]}"} if role else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)


def make_settings(database_url: str, var_dir: Path, **overrides: object) -> Settings:
    """Test settings. Rate limiting is off unless a test turns it on with low limits."""
    values: dict[str, object] = {
        "app_env": "dev",
        "database_url": database_url,
        "secret_key": "test-secret-" + uuid.uuid4().hex + uuid.uuid4().hex,
        "var_dir": var_dir,
        "rate_limit_enabled": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def _make_account(database_url: str, username: str, *, staff: bool) -> str:
    from pydotorg.accounts.services import create_api_key, create_user
    from pydotorg.db.engine import create_engine, create_sessionmaker

    engine = create_engine(database_url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            user = await create_user(
                session,
                username=username,
                email=f"{username}@example.org",
                password=None,
                is_staff=staff,
            )
            secret = (await create_api_key(session, user, "tests")).secret
            await session.commit()
            return secret
    finally:
        await engine.dispose()


@contextmanager
def run_server(
    engine: str, database_url: str, var_dir: Path, **overrides: object
) -> Iterator[LiveServer]:
    """Migrate, seed, create a staff and a plain account, and serve on a free port."""
    upgrade(database_url)
    asyncio.run(seed(database_url))
    credentials = {
        "staff": asyncio.run(_make_account(database_url, "staffer", staff=True)),
        "user": asyncio.run(_make_account(database_url, "plainuser", staff=False)),
    }
    settings = make_settings(database_url, var_dir, **overrides)
    with serve_app(settings) as base_url:
        yield LiveServer(
            engine=engine,
            base_url=base_url,
            database_url=database_url,
            settings=settings,
            credentials=credentials,
        )


@contextmanager
def serve_app(settings: Settings) -> Iterator[str]:
    """Serve ``create_app(settings)`` with uvicorn in a thread; yield its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def require_redis() -> str:
    """The test Redis URL, after checking that it answers (skip or fail otherwise)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # any failure here means "no Redis to test on"
        missing_service(f"Redis tests need a server at {REDIS_URL} ({exc})")
    return REDIS_URL


def wait_until(check: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except Exception:  # noqa: S110 - not up yet
            pass
        time.sleep(0.1)
    raise AssertionError("timed out")


@contextmanager
def redis_server(port: int, *options: str) -> Iterator[subprocess.Popen[bytes]]:
    """A Redis server of the test's own on ``port`` (to stop, restart or lock with a password)."""
    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        missing_service("this test needs the redis-server program (Debian: redis-server)")
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
    process = subprocess.Popen(
        [*command, "no", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    password = options[options.index("--requirepass") + 1] if "--requirepass" in options else None
    try:
        wait_until(
            lambda: redis.Redis(port=port, password=password, socket_connect_timeout=0.2).ping()
        )
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
