"""One settings object for the whole service, read from the environment.

Defaults run on a laptop with nothing installed: a SQLite file and a generated secret under
``./var/``. Production mode (``APP_ENV=prod``) refuses both unless told otherwise.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TypeVar


class SettingsError(RuntimeError):
    """The environment describes a configuration the service refuses to run with."""


def _read_or_create_secret(var_dir: Path) -> str:
    """Return the secret kept in ``var/secret_key``, generating it on first use."""
    path = var_dir / "secret_key"
    try:
        if path.exists():
            return path.read_text().strip()
        var_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secret)
    except OSError as exc:
        raise SettingsError(
            f"PYDOTORG_VAR_DIR must be a directory this user can write, or SECRET_KEY set: "
            f"cannot keep the secret in {str(path)!r} ({exc.strerror or exc})"
        ) from exc
    return secret


LOOPBACK = ("127.0.0.0/8", "::1/128")


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
    metrics_enabled: bool = False
    metrics_allow: tuple[str, ...] = LOOPBACK

    @property
    def is_prod(self) -> bool:
        return self.app_env == "prod"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """The settings ``environ`` (else the process's environment) describes, every variable
        checked here, at start: a value the service cannot run with is a :class:`SettingsError`
        naming the variable and what it accepts, never a failure later in a worker."""
        env = dict(os.environ if environ is None else environ)
        app_env = env.get("APP_ENV", "dev").strip().lower() or "dev"
        if app_env not in {"dev", "prod"}:
            raise SettingsError(f"APP_ENV must be 'dev' or 'prod', not {app_env!r}")
        var_dir = _var_dir(env.get("PYDOTORG_VAR_DIR", "var"))
        database_url = env.get("DATABASE_URL", "").strip()
        allow_sqlite = _bool(env, "ALLOW_SQLITE_IN_PROD", False)
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
        database_url = _database_url(database_url)
        settings = cls(
            secret_key=secret,
            app_env=app_env,
            database_url=database_url,
            redis_url=_redis_url(env.get("REDIS_URL", "").strip()),
            var_dir=var_dir,
            public_base_url=_base_url(env.get("PUBLIC_BASE_URL", "").strip().rstrip("/")),
            allow_sqlite_in_prod=allow_sqlite,
            cache_max_age=_integer(env, "CACHE_MAX_AGE", 60, 0, 31_536_000),
            max_body_bytes=_integer(env, "MAX_BODY_BYTES", 1_048_576, 1, 2**31 - 1),
            rate_limit_enabled=_bool(env, "RATE_LIMIT_ENABLED", True),
            rate_limits=_rate_limits(env.get("RATE_LIMITS", "")),
            trusted_proxy_hops=_integer(env, "TRUSTED_PROXY_HOPS", 0, 0, 64),
            redis_key_prefix=env.get("REDIS_KEY_PREFIX", "pydotorg:"),
            access_log=_bool(env, "ACCESS_LOG", app_env == "prod"),
            response_cache=_bool(env, "RESPONSE_CACHE", True),
            jobs_expire_days=_integer(env, "JOBS_EXPIRE_DAYS", 90, 1, 36_500),
            access_token_ttl=_integer(env, "ACCESS_TOKEN_TTL_SECONDS", 7 * 24 * 3600, 1, TTL_MAX),
            refresh_token_ttl=_integer(
                env, "REFRESH_TOKEN_TTL_SECONDS", 30 * 24 * 3600, 1, TTL_MAX
            ),
            clock_start=_instant(env.get("CLOCK_START", "").strip(), "CLOCK_START"),
            cors_origins=_origins(env.get("CORS_ORIGINS", "")),
            demo_content=_bool(env, "DEMO_CONTENT", True),
            render_budget=_number(env, "RENDER_BUDGET_SECONDS", "1.5", float, low=0.01),
            render_workers=_number(env, "RENDER_WORKERS", "2", int, low=1),
            database_pool_size=_number(env, "DATABASE_POOL_SIZE", "10", int, low=1),
            database_pool_timeout=_number(env, "DATABASE_POOL_TIMEOUT", "3", float, low=0.1),
            metrics_enabled=_bool(env, "METRICS_ENABLED", False),
            metrics_allow=_networks(env.get("METRICS_ALLOW", "")),
        )
        # Last, once everything else is known good: the only step that writes (a new secret).
        if not secret:
            settings = replace(settings, secret_key=_read_or_create_secret(var_dir))
        return settings


# Token lifetimes up to ten years: a longer one would overflow the dates it is added to.
TTL_MAX = 10 * 365 * 24 * 3600
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise SettingsError(f"{name} must be 1 or 0 (or true/false, yes/no, on/off), not {value!r}")


def _integer(env: dict[str, str], name: str, default: int, least: int, most: int) -> int:
    """A whole number in decimal digits from ``least`` to ``most``; empty means ``default``."""
    value = env.get(name, "").strip()
    if not value:
        return default
    if value.isascii() and value.isdigit() and least <= int(value) <= most:
        return int(value)
    raise SettingsError(f"{name} must be a whole number from {least} to {most}, not {value!r}")


def _var_dir(value: str) -> Path:
    path = Path(value or "var").resolve()
    if path.exists() and not path.is_dir():
        raise SettingsError(
            f"PYDOTORG_VAR_DIR must be a directory (or a path where one can be made); "
            f"{str(path)!r} is a file"
        )
    return path


_DATABASE_URLS = "sqlite:///PATH or postgresql://USER@HOST[:PORT]/NAME"


def _database_url(value: str) -> str:
    """``DATABASE_URL`` with its async driver; only SQLite and PostgreSQL. The value itself is
    never repeated in a message: it can hold a password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = normalise_database_url(value)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise SettingsError(f"DATABASE_URL must be {_DATABASE_URLS}; it is not a URL") from exc
    if parsed.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
        scheme = url.partition(":")[0]
        raise SettingsError(f"DATABASE_URL must be {_DATABASE_URLS}, not a {scheme!r} URL")
    if parsed.drivername == "sqlite+aiosqlite" and not parsed.database:
        raise SettingsError(f"DATABASE_URL must be {_DATABASE_URLS}; it names no file")
    return url


def _redis_url(value: str) -> str | None:
    if not value:
        return None
    if not re.match(r"^(rediss?|unix)://", value):
        raise SettingsError(
            "REDIS_URL must be redis://[:PASSWORD@]HOST[:PORT][/DB], rediss://... or unix://PATH"
        )
    return value


def _base_url(value: str) -> str | None:
    if not value:
        return None
    if not re.match(r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[!-~]*)?$", value):
        raise SettingsError(
            f"PUBLIC_BASE_URL must be an http(s) URL such as https://www.python.org, not {value!r}"
        )
    return value


def _rate_limits(value: str) -> str:
    from pydotorg.core.ratelimit import Limits

    try:
        Limits.parse(value)
    except ValueError as exc:
        raise SettingsError(
            "RATE_LIMITS must be TIER=ANONYMOUS/SIGNED_IN/STAFF requests a minute, each at "
            "least 1, separated by ';' (tiers CRITICAL, HIGH, MEDIUM, LOW), e.g. "
            f"LOW=120/300/1500;CRITICAL=5/20/100; not {value!r}"
        ) from exc
    return value


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


def _networks(value: str) -> tuple[str, ...]:
    """``METRICS_ALLOW``: comma-separated addresses or networks (``10.0.0.0/8``); loopback if
    empty."""
    import ipaddress

    networks = []
    for part in filter(None, (part.strip() for part in value.split(","))):
        try:
            networks.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError as exc:
            raise SettingsError(
                f"METRICS_ALLOW must be addresses or networks such as 10.0.0.0/8 or ::1, "
                f"separated by commas; not {part!r}"
            ) from exc
    return tuple(networks) or LOOPBACK


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
