"""Test support: a real server over real HTTP on a real database, one per engine.

The HTTP tests run against the production server: ``pydotorg serve`` (granian, on the
``pydotorg.app:create_app`` factory) in a process of its own, configured only through the
environment variables the README documents (``settings_env``). Its database is a copy of this
run's template (``seeded_database``): migrated and seeded once per engine per run, then copied
for every server, which gets accounts of its own, so the server starts at once. Its stdout and
stderr go to a log file beside its data; the log is printed when the server fails to start or a
test using it fails, and its JSON lines are what tests read to check what the server logged.

Every database test runs twice, on SQLite and on PostgreSQL. Missing services (PostgreSQL,
Chromium) skip with a message saying what they need, unless ``PYDOTORG_REQUIRE_SERVICES=1`` (set
by ``.ci/run``) turns each such skip into a failure.
"""

from __future__ import annotations

import asyncio
import ctypes
import fcntl
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from pydotorg.db.migrate import upgrade
from pydotorg.db.seed import seed
from pydotorg.domains import DOMAINS
from pydotorg.settings import Settings
from tests.factories import UserFactory, token

POSTGRES_URL = os.environ.get(
    "PYDOTORG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("PYDOTORG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_SERVICES = os.environ.get("PYDOTORG_REQUIRE_SERVICES") == "1"
T = TypeVar("T")


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
def postgres_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database, empty or a copy of ``template``, dropped afterwards."""
    name = f"pydotorg_test_{token()}"
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        asyncio.run(_admin(POSTGRES_URL, f'CREATE DATABASE "{name}"{copy}'))
    except Exception as exc:  # any failure here means "no PostgreSQL to test on"
        missing_service(f"PostgreSQL tests need a server at {POSTGRES_URL} ({exc})")
    try:
        yield postgres_url(name)
    finally:
        asyncio.run(_admin(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def migrated_database(engine: str, directory: Path, revision: str = "head") -> Iterator[str]:
    """An empty database of ``engine`` (a SQLite file in ``directory``, or a new PostgreSQL
    database, dropped afterwards) migrated to ``revision``; its URL."""
    if engine == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / f'migrated-{token(8)}.sqlite3'}"
        upgrade(url, revision)
        yield url
        return
    with postgres_database() as url:
        upgrade(url, revision)
        yield url


def execute_sql(url: str, statement: str) -> list[tuple[Any, ...]]:
    """Run one SQL statement on the database at ``url`` and commit it; the rows it read."""

    async def run() -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        from pydotorg.db.engine import create_engine

        engine = create_engine(url, pool=False)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(statement))
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(run())


def on_both_engines(directory: Path, run: Callable[[str], Coroutine[Any, Any, T]]) -> tuple[T, T]:
    """``run(url)`` on a migrated SQLite database, then on a migrated PostgreSQL one."""
    results: list[T] = []
    for engine in ("sqlite", "postgresql"):
        with migrated_database(engine, directory) as url:
            results.append(asyncio.run(run(url)))
    return results[0], results[1]


def postgres_url(name: str) -> str:
    base, _, _ = POSTGRES_URL.rpartition("/")
    return f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1)


# Template databases: every test server's database is a copy of one database per engine that is
# migrated and seeded once per run (``pydotorg serve``'s first start, on a fresh database, is
# tested in tests/db/test_seed.py and tests/test_cli.py). The run's id comes from the environment,
# which pytest-xdist's workers inherit from the main process (tests/conftest.py sets it), so the
# first worker to need a template builds it under a file lock and the others wait and copy it.
TEST_RUN_VARIABLE = "PYDOTORG_TEST_RUN"


def run_id() -> str:
    """This run's id: chosen by the main process, inherited by pytest-xdist's workers."""
    return os.environ.setdefault(TEST_RUN_VARIABLE, token(12))


def templates_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"pydotorg-templates-{run_id()}"
    path.mkdir(exist_ok=True)
    return path


def postgres_template_name() -> str:
    return f"pydotorg_template_{run_id()}"


def _migrate_and_seed(database_url: str) -> None:
    upgrade(database_url)
    asyncio.run(seed(database_url, DOMAINS))


def _build_sqlite_template(directory: Path) -> None:
    building = directory / "building.sqlite3"
    for leftover in directory.glob("building.sqlite3*"):
        leftover.unlink()
    _migrate_and_seed(f"sqlite+aiosqlite:///{building}")
    with closing(sqlite3.connect(building)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the one file
    building.rename(directory / "seeded.sqlite3")


def _build_postgres_template(directory: Path) -> None:
    name = postgres_template_name()
    asyncio.run(_admin(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_admin(POSTGRES_URL, f'CREATE DATABASE "{name}"'))
    _migrate_and_seed(postgres_url(name))


TEMPLATE_BUILDERS = {"sqlite": _build_sqlite_template, "postgresql": _build_postgres_template}


def _build_template(engine: str, *, wait: bool) -> bool:
    """Build ``engine``'s template unless it is built already. False, without waiting, if
    another process is building it and ``wait`` is false."""
    directory = templates_dir()
    with (directory / f"{engine}.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        built = directory / f"{engine}.built"
        if not built.exists():
            TEMPLATE_BUILDERS[engine](directory)
            built.touch()
        return True


def build_template(engine: str) -> None:
    """This run's template for ``engine``, built by the first process that needs it. A process
    that finds another one building it builds the other engine's meanwhile, so that the two
    are built side by side rather than one after the other."""
    if not _build_template(engine, wait=False):
        other = next(name for name in TEMPLATE_BUILDERS if name != engine)
        with suppress(Exception):  # an engine that cannot be built fails its own tests
            _build_template(other, wait=False)
        _build_template(engine, wait=True)


def require_postgres() -> None:
    """Check that the test PostgreSQL server answers (skip or fail otherwise)."""
    try:
        asyncio.run(_admin(POSTGRES_URL, "SELECT 1"))
    except Exception as exc:  # any failure here means "no PostgreSQL to test on"
        missing_service(f"PostgreSQL tests need a server at {POSTGRES_URL} ({exc})")


def drop_templates() -> None:
    """Remove this run's templates (at the end of the run, in the main process)."""
    directory = templates_dir()
    if (directory / "postgresql.lock").exists():
        statement = f'DROP DATABASE IF EXISTS "{postgres_template_name()}" WITH (FORCE)'
        with suppress(Exception):  # no PostgreSQL to reach: then no template was made either
            asyncio.run(_admin(POSTGRES_URL, statement))
    shutil.rmtree(directory, ignore_errors=True)


def seeded_sqlite(path: Path) -> str:
    """A copy of this run's migrated and seeded SQLite template at ``path``; its URL."""
    build_template("sqlite")
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(templates_dir() / "seeded.sqlite3", path)
    return f"sqlite+aiosqlite:///{path}"


@contextmanager
def seeded_database(engine: str, var_dir: Path) -> Iterator[str]:
    """A migrated and seeded database of the caller's own, copied from this run's template: a
    SQLite file in ``var_dir``, or a new PostgreSQL database (dropped afterwards)."""
    if engine == "sqlite":
        yield seeded_sqlite(var_dir / "test.sqlite3")
    else:
        require_postgres()
        build_template("postgresql")
        with postgres_database(template=postgres_template_name()) as url:
            yield url


@dataclass
class LiveServer:
    """A running API: its base URL, its database and the credentials tests sign in with."""

    engine: str
    base_url: str
    database_url: str
    settings: Settings
    log_path: Path
    credentials: dict[str, str] = field(default_factory=dict[str, Any])

    def client(self, role: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.credentials[role]}"} if role else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def log_messages(self, logger: str) -> list[str]:
        """What the server process has logged so far under ``logger`` (its JSON log lines)."""
        return [record["message"] for record in log_records(self.log_path, logger)]


# The response cache both ways: the header, conditional-request and rate-limit tests run once
# with every answer built afresh and once with every anonymous GET answered from the cache.
CACHE_MODES = ("built", "cached")


def both_ways(
    client: httpx.Client, mode: str, prime: Callable[[], dict[str, str]] | None = None
) -> httpx.Client:
    """``client`` in a cache ``mode``: ``built`` sends ``Cache-Control: no-cache`` (the server
    builds every answer); ``cached`` first sends each anonymous GET or HEAD once more, as it
    will be sent but for ``If-None-Match`` (and with the headers ``prime()`` gives, another
    address say), so that the server answers the real one from its cache."""

    def hook(request: httpx.Request) -> None:
        if mode == "built":
            request.headers["Cache-Control"] = "no-cache"
        elif request.method in ("GET", "HEAD") and "authorization" not in request.headers:
            headers = {k: v for k, v in request.headers.items() if k.lower() != "if-none-match"}
            headers.update(prime() if prime else {})
            httpx.get(str(request.url), headers=headers, timeout=30)

    client.event_hooks["request"].append(hook)
    return client


# The day the test servers live on, whatever day the suite runs: every date-dependent answer
# (upcoming events, support statuses, job expiry) is the same on any day. Their clocks start
# here and run on (``CLOCK_START``); tests reckon with :func:`now`.
TEST_START = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
_STARTED = time.monotonic()


def now() -> datetime:
    """About what the test servers' clocks say now (they started at ``TEST_START``)."""
    return TEST_START + timedelta(seconds=time.monotonic() - _STARTED)


def make_settings(database_url: str, var_dir: Path, **overrides: object) -> Settings:
    """Test settings. Rate limiting is off unless a test turns it on with low limits, and the
    clock starts on ``TEST_START``."""
    values: dict[str, object] = {
        "app_env": "dev",
        "database_url": database_url,
        "secret_key": "test-secret-" + token(32) + token(32),
        "var_dir": var_dir,
        "rate_limit_enabled": False,
        "clock_start": now(),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def make_account(
    database_url: str, username: str, *, staff: bool, active: bool = True
) -> str:
    """An account written straight to the database (``active=False``: a deactivated one) and
    the secret of an API key of its own."""
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
            user.is_active = active
            await session.commit()
            return str(secret)
    finally:
        await engine.dispose()


@contextmanager
def run_server(
    engine: str, database_url: str, var_dir: Path, **overrides: object
) -> Iterator[LiveServer]:
    """Create a staff and a plain account on a seeded database (``seeded_database``), and
    serve it on a free port."""
    credentials = {
        "staff": asyncio.run(make_account(database_url, "staffer", staff=True)),
        "user": asyncio.run(make_account(database_url, "plainuser", staff=False)),
    }
    settings = make_settings(database_url, var_dir, **overrides)
    log_path = var_dir / f"server-{token(8)}.log"
    with serve_app(settings, log_path) as base_url:
        assert "loaded python.org data" not in read_log(log_path), "the server seeded again"
        yield LiveServer(
            engine=engine,
            base_url=base_url,
            database_url=database_url,
            settings=settings,
            log_path=log_path,
            credentials=credentials,
        )


@contextmanager
def seeded_server(engine: str, var_dir: Path, **overrides: object) -> Iterator[LiveServer]:
    """A server on a seeded database of its own (``seeded_database`` in ``var_dir``)."""
    with (
        seeded_database(engine, var_dir) as database_url,
        run_server(engine, database_url, var_dir, **overrides) as live,
    ):
        yield live


# Settings field -> the environment variable ``Settings.from_env`` reads it from.
SETTINGS_VARIABLES = {
    "app_env": "APP_ENV",
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "secret_key": "SECRET_KEY",
    "var_dir": "PYDOTORG_VAR_DIR",
    "public_base_url": "PUBLIC_BASE_URL",
    "allow_sqlite_in_prod": "ALLOW_SQLITE_IN_PROD",
    "cache_max_age": "CACHE_MAX_AGE",
    "max_body_bytes": "MAX_BODY_BYTES",
    "rate_limit_enabled": "RATE_LIMIT_ENABLED",
    "rate_limits": "RATE_LIMITS",
    "trusted_proxy_hops": "TRUSTED_PROXY_HOPS",
    "redis_key_prefix": "REDIS_KEY_PREFIX",
    "access_log": "ACCESS_LOG",
    "response_cache": "RESPONSE_CACHE",
    "jobs_expire_days": "JOBS_EXPIRE_DAYS",
    "access_token_ttl": "ACCESS_TOKEN_TTL_SECONDS",
    "refresh_token_ttl": "REFRESH_TOKEN_TTL_SECONDS",
    "clock_start": "CLOCK_START",
    "cors_origins": "CORS_ORIGINS",
    "demo_content": "DEMO_CONTENT",
    "render_budget": "RENDER_BUDGET_SECONDS",
    "render_workers": "RENDER_WORKERS",
    "database_pool_size": "DATABASE_POOL_SIZE",
    "database_pool_timeout": "DATABASE_POOL_TIMEOUT",
    "metrics_enabled": "METRICS_ENABLED",
    "metrics_allow": "METRICS_ALLOW",
}


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment from which ``Settings.from_env`` builds exactly ``settings``.

    Every field is written, so nothing of the test process's own environment leaks into a server.
    """

    def spelled(value: object) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, tuple):
            return ",".join(value)
        return "" if value is None else str(value)

    return {
        SETTINGS_VARIABLES[item.name]: spelled(getattr(settings, item.name))
        for item in fields(Settings)
    }


def serve_command(port: int, *, prepare_database: bool = True) -> list[str]:
    """``pydotorg serve``, as production runs it. Without ``prepare_database``: granian's own
    command on the same factory and options, for a server whose database is unreachable (``serve``
    would stop at its migrate-and-seed step)."""
    address = ["--host", "127.0.0.1", "--port", str(port)]
    if prepare_database:
        return [sys.executable, "-m", "pydotorg", "serve", *address]
    options = ["--interface", "asgi", "--factory", "--workers-kill-timeout", "30"]
    return [sys.executable, "-m", "granian", *options, *address, "pydotorg.app:create_app"]


START_TIMEOUT = 60
STOP_TIMEOUT = 15


@contextmanager
def same_database(live: LiveServer, **overrides: object) -> Iterator[LiveServer]:
    """A second server on ``live``'s database and accounts, with some settings changed
    (``clock_start`` to put it on another day, for example)."""
    settings = replace(live.settings, **overrides)  # type: ignore[arg-type]
    log_path = live.log_path.with_name(f"server-{token(8)}.log")
    with serve_app(settings, log_path, prepare_database=False) as base_url:
        yield replace(live, base_url=base_url, settings=settings, log_path=log_path)


@contextmanager
def serve_app(
    settings: Settings, log_path: Path, *, prepare_database: bool = True
) -> Iterator[str]:
    """Run the production server on ``settings`` in its own process group; yield its base URL.

    Its stdout and stderr go to ``log_path``, printed if it fails to start or the ``with`` block
    fails. At the end the whole group gets SIGTERM, and SIGKILL if it is still there after
    ``STOP_TIMEOUT`` seconds.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            serve_command(port, prepare_database=prepare_database),
            cwd=settings.var_dir,
            env={**os.environ, **settings_env(settings), "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_terminate_with_parent if sys.platform == "linux" else None,
        )
    try:
        _wait_for_health(process, base_url)
        yield base_url
    except Exception:
        print(f"----- server log ({log_path}) -----\n{read_log(log_path)}", file=sys.stderr)
        raise
    finally:
        _stop(process)


PR_SET_PDEATHSIG = 1


def _terminate_with_parent() -> None:
    """Linux: SIGTERM the server if the test process dies without stopping it."""
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait_for_health(process: subprocess.Popen[bytes], base_url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"test server exited with status {process.returncode}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"test server did not answer /health within {START_TIMEOUT} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (granian and its workers), SIGKILL after a while."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # still running, or a worker outlived granian
    process.wait(timeout=STOP_TIMEOUT)


def read_log(path: Path, start: int = 0) -> str:
    """A server's log from byte ``start`` on."""
    with path.open("rb") as handle:
        handle.seek(start)
        return handle.read().decode(errors="replace")


def log_records(path: Path, logger: str) -> list[dict[str, Any]]:
    """The JSON log lines a server wrote under ``logger`` (granian's own lines are plain text)."""
    records = []
    for line in read_log(path).splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == logger:
                records.append(record)
    return records


def created_json(response: httpx.Response) -> dict[str, Any]:
    """The body of a 201 answer; any other status fails the test with the answer's text."""
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def new_user(server: LiveServer, password: str) -> httpx.Client:
    """A client for a user registered just now, signed in with its JWT (close it after use)."""
    with server.client() as anon:
        tokens = anon.post("/api/auth/register", json=UserFactory.body(password=password)).json()
    return httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=30,
    )


def insert_rows(database_url: str, *rows: Any) -> list[int]:
    """Write ORM rows straight to the database, as another program (or an older version of the
    API) would, past every rule of the API; return their ids."""
    from pydotorg.db.engine import create_engine, create_sessionmaker

    async def insert() -> list[int]:
        engine = create_engine(database_url, pool=False)
        try:
            async with create_sessionmaker(engine)() as session:
                session.add_all(rows)
                await session.flush()
                ids = [int(row.id) for row in rows]
                await session.commit()
                return ids
        finally:
            await engine.dispose()

    return asyncio.run(insert())


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
        return
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


class TcpProxy:
    """A TCP relay on a port of its own to ``target``, that a test can cut (closing every
    connection through it and refusing new ones) and restore: a database server going away and
    coming back, without touching the real one."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    def open(self) -> None:
        self._run(self._open())

    def cut(self) -> None:
        self._run(self._cut())

    def close(self) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _open(self) -> None:
        self._server = await asyncio.start_server(
            self._relay, "127.0.0.1", self.port, reuse_address=True
        )

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, upstream_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with suppress(OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
        self._writers -= {writer, upstream_writer}


@contextmanager
def tcp_proxy(target: tuple[str, int]) -> Iterator[TcpProxy]:
    proxy = TcpProxy(target)
    proxy.open()
    try:
        yield proxy
    finally:
        proxy.close()
