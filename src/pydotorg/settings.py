"""One settings object for the whole service, read from the environment.

Defaults run on a laptop with nothing installed: a SQLite file and a generated secret under
``./var/``. Production mode (``APP_ENV=prod``) refuses both unless told otherwise.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TypeVar


class SettingsError(RuntimeError):
    """The environment describes a configuration the service refuses to run with."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _read_or_create_secret(var_dir: Path) -> str:
    """Return the secret kept in ``var/secret_key``, generating it on first use."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    app_env: str = "dev"
    database_url: str = ""
    redis_url: str | None = None
    secret_key: str = field(default="", repr=False)
    var_dir: Path = Path("var")
    public_base_url: str | None = None
    allow_sqlite_in_prod: bool = False
    cache_max_age: int = 60
    max_body_bytes: int = 1_048_576
    rate_limit_enabled: bool = True
    rate_limits: str = ""
    trusted_proxy_hops: int = 0
    redis_key_prefix: str = "pydotorg:"
    access_log: bool = False
    response_cache: bool = True
    jobs_expire_days: int = 90
    access_token_ttl: int = 7 * 24 * 3600
    refresh_token_ttl: int = 30 * 24 * 3600
    clock_start: datetime | None = None
    cors_origins: tuple[str, ...] = ()
    demo_content: bool = True
    render_budget: float = 1.5
    render_workers: int = 2
    database_pool_size: int = 10
    database_pool_timeout: float = 3.0

    @property
    def is_prod(self) -> bool:
        return self.app_env == "prod"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        app_env = env.get("APP_ENV", "dev").strip().lower() or "dev"
        if app_env not in {"dev", "prod"}:
            raise SettingsError(f"APP_ENV must be 'dev' or 'prod', not {app_env!r}")
        var_dir = Path(env.get("PYDOTORG_VAR_DIR", "var")).resolve()
        database_url = env.get("DATABASE_URL", "").strip()
        allow_sqlite = _bool(env.get("ALLOW_SQLITE_IN_PROD"))
        secret = env.get("SECRET_KEY", "").strip()
        if app_env == "prod":
            if not secret:
                raise SettingsError("APP_ENV=prod needs SECRET_KEY to be set")
            if len(secret) < 32:
                raise SettingsError("SECRET_KEY must be at least 32 characters in production")
            if (not database_url or database_url.startswith("sqlite")) and not allow_sqlite:
                raise SettingsError(
                    "APP_ENV=prod needs a PostgreSQL DATABASE_URL "
                    "(set ALLOW_SQLITE_IN_PROD=1 to run on SQLite anyway)"
                )
        if not database_url:
            database_url = f"sqlite+aiosqlite:///{var_dir / 'pydotorg.sqlite3'}"
        database_url = normalise_database_url(database_url)
        if not secret:
            secret = _read_or_create_secret(var_dir)
        base_url = env.get("PUBLIC_BASE_URL", "").strip().rstrip("/") or None
        return cls(
            app_env=app_env,
            database_url=database_url,
            redis_url=env.get("REDIS_URL", "").strip() or None,
            secret_key=secret,
            var_dir=var_dir,
            public_base_url=base_url,
            allow_sqlite_in_prod=allow_sqlite,
            cache_max_age=int(env.get("CACHE_MAX_AGE", "60")),
            max_body_bytes=int(env.get("MAX_BODY_BYTES", "1048576")),
            rate_limit_enabled=_bool(env.get("RATE_LIMIT_ENABLED"), default=True),
            rate_limits=env.get("RATE_LIMITS", ""),
            trusted_proxy_hops=int(env.get("TRUSTED_PROXY_HOPS", "0")),
            redis_key_prefix=env.get("REDIS_KEY_PREFIX", "pydotorg:"),
            access_log=_bool(env.get("ACCESS_LOG"), default=app_env == "prod"),
            response_cache=_bool(env.get("RESPONSE_CACHE"), default=True),
            jobs_expire_days=int(env.get("JOBS_EXPIRE_DAYS", "90")),
            access_token_ttl=int(env.get("ACCESS_TOKEN_TTL_SECONDS", str(7 * 24 * 3600))),
            refresh_token_ttl=int(env.get("REFRESH_TOKEN_TTL_SECONDS", str(30 * 24 * 3600))),
            clock_start=_instant(env.get("CLOCK_START", "").strip(), "CLOCK_START"),
            cors_origins=_origins(env.get("CORS_ORIGINS", "")),
            demo_content=_bool(env.get("DEMO_CONTENT"), default=True),
            render_budget=_number(env, "RENDER_BUDGET_SECONDS", "1.5", float, low=0.01),
            render_workers=_number(env, "RENDER_WORKERS", "2", int, low=1),
            database_pool_size=_number(env, "DATABASE_POOL_SIZE", "10", int, low=1),
            database_pool_timeout=_number(env, "DATABASE_POOL_TIMEOUT", "3", float, low=0.1),
        )


N = TypeVar("N", int, float)


def _number(env: dict[str, str], name: str, default: str, kind: type[N], *, low: N) -> N:
    """A number setting of at least ``low``; anything else refuses to start, naming it."""
    text = env.get(name, "").strip() or default
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not low <= value < float("inf"):
        raise SettingsError(f"{name} must be a number of at least {low}, not {text!r}")
    return value


_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?$|^\*$")


def _origins(value: str) -> tuple[str, ...]:
    """``CORS_ORIGINS``: comma-separated origins (``https://example.org``), or ``*`` for any."""
    origins = tuple(part.strip().rstrip("/") for part in value.split(",") if part.strip())
    for origin in origins:
        if not _ORIGIN.match(origin):
            raise SettingsError(
                f"CORS_ORIGINS entries must be origins such as https://example.org, or *; "
                f"not {origin!r}"
            )
    if "*" in origins and len(origins) > 1:
        raise SettingsError("CORS_ORIGINS is either * or a list of origins, not both")
    return origins


def _instant(value: str, name: str) -> datetime | None:
    """An ISO 8601 instant (UTC when it names no zone), or None for an empty value."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an ISO 8601 instant, not {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def normalise_database_url(url: str) -> str:
    """Accept the usual spellings and pick the async driver for each engine."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings.from_env()
