"""Settings from the environment, and production mode's refusals."""

from __future__ import annotations

import os
import stat
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pydotorg.settings import Settings, SettingsError, normalise_database_url
from tests.support import settings_env


def test_defaults_run_on_a_laptop(tmp_path: Path) -> None:
    settings = Settings.from_env({"PYDOTORG_VAR_DIR": str(tmp_path)})
    assert settings.app_env == "dev" and settings.is_sqlite
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'pydotorg.sqlite3'}"
    assert settings.redis_url is None


def test_generated_secret_is_kept_private_and_reused(tmp_path: Path) -> None:
    first = Settings.from_env({"PYDOTORG_VAR_DIR": str(tmp_path)}).secret_key
    second = Settings.from_env({"PYDOTORG_VAR_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 48
    mode = (tmp_path / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    other = Settings.from_env({"PYDOTORG_VAR_DIR": str(tmp_path / "other")}).secret_key
    assert other != first


def test_secret_is_not_shown_in_repr(tmp_path: Path) -> None:
    settings = Settings.from_env({"PYDOTORG_VAR_DIR": str(tmp_path), "SECRET_KEY": "s" * 40})
    assert "s" * 40 not in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "postgresql://db/x"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "32 characters"),
        ({"SECRET_KEY": "k" * 40}, "PostgreSQL"),
        ({"SECRET_KEY": "k" * 40, "DATABASE_URL": "sqlite:///x.db"}, "PostgreSQL"),
        ({"APP_ENV": "staging"}, "APP_ENV"),
    ],
)
def test_production_refuses_unsafe_configuration(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    environ = {"APP_ENV": "prod", "PYDOTORG_VAR_DIR": str(tmp_path), **env}
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environ)
    assert not (tmp_path / "secret_key").exists()


def test_production_with_postgres_or_explicit_sqlite(tmp_path: Path) -> None:
    base = {"APP_ENV": "prod", "SECRET_KEY": "k" * 40, "PYDOTORG_VAR_DIR": str(tmp_path)}
    pg = Settings.from_env({**base, "DATABASE_URL": "postgres://u@db/python"})
    assert pg.is_prod and pg.database_url == "postgresql+asyncpg://u@db/python"
    lite = Settings.from_env({**base, "ALLOW_SQLITE_IN_PROD": "1"})
    assert lite.is_sqlite


def test_database_url_spellings() -> None:
    assert normalise_database_url("postgresql://a/b") == "postgresql+asyncpg://a/b"
    assert normalise_database_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    assert normalise_database_url("postgresql+asyncpg://a/b") == "postgresql+asyncpg://a/b"


def test_every_setting_reaches_a_server_through_its_environment_variable(tmp_path: Path) -> None:
    """The test servers are configured by ``settings_env``: no override may be lost on the way."""
    changed = Settings(
        app_env="prod",
        database_url="postgresql+asyncpg://u@db/python",
        redis_url="redis://127.0.0.1:6379/3",
        secret_key="k" * 40,
        var_dir=tmp_path,
        public_base_url="https://www.python.org",
        allow_sqlite_in_prod=True,
        cache_max_age=7,
        max_body_bytes=2048,
        rate_limit_enabled=False,
        rate_limits="LOW=1/2/3",
        trusted_proxy_hops=2,
        redis_key_prefix="elsewhere:",
        access_log=True,
        response_cache=False,
        jobs_expire_days=5,
        access_token_ttl=60,
        refresh_token_ttl=120,
        clock_start=datetime(2027, 6, 1, 12, 30, tzinfo=UTC),
        cors_origins=("https://example.org", "http://localhost:3000"),
        demo_content=False,
        render_budget=0.75,
        render_workers=3,
        database_pool_size=3,
        database_pool_timeout=1.5,
        metrics_enabled=True,
        metrics_allow=("10.0.0.0/8", "2001:db8::/32"),
    )
    defaults = Settings()
    assert [
        f.name for f in fields(Settings) if getattr(changed, f.name) == getattr(defaults, f.name)
    ] == []
    assert Settings.from_env(settings_env(changed)) == changed
    quiet = replace(changed, access_log=False)  # not production's default
    assert Settings.from_env(settings_env(quiet)) == quiet


def test_the_clock_starts_where_clock_start_says(tmp_path: Path) -> None:
    base = {"PYDOTORG_VAR_DIR": str(tmp_path)}
    assert Settings.from_env(base).clock_start is None
    naive = Settings.from_env({**base, "CLOCK_START": "2027-06-01T00:00:00"})
    assert naive.clock_start == datetime(2027, 6, 1, tzinfo=UTC)
    with pytest.raises(SettingsError, match="CLOCK_START must be an ISO 8601 instant"):
        Settings.from_env({**base, "CLOCK_START": "next tuesday"})


def test_cors_origins_are_origins_or_a_star(tmp_path: Path) -> None:
    base = {"PYDOTORG_VAR_DIR": str(tmp_path)}
    assert Settings.from_env(base).cors_origins == ()
    listed = Settings.from_env({**base, "CORS_ORIGINS": " https://a.example/ ,http://b:8080"})
    assert listed.cors_origins == ("https://a.example", "http://b:8080")
    assert Settings.from_env({**base, "CORS_ORIGINS": "*"}).cors_origins == ("*",)
    for wrong in ("example.org", "https://a.example/path", "ftp://a.example", "*,https://a.b"):
        with pytest.raises(SettingsError, match="CORS_ORIGINS"):
            Settings.from_env({**base, "CORS_ORIGINS": wrong})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RENDER_BUDGET_SECONDS", "0"),
        ("RENDER_BUDGET_SECONDS", "-1"),
        ("RENDER_BUDGET_SECONDS", "soon"),
        ("RENDER_BUDGET_SECONDS", "inf"),
        ("RENDER_BUDGET_SECONDS", "nan"),
        ("RENDER_WORKERS", "0"),
        ("RENDER_WORKERS", "1.5"),
    ],
)
def test_a_render_budget_and_workers_must_be_above_zero(
    tmp_path: Path, variable: str, value: str
) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({"PYDOTORG_VAR_DIR": str(tmp_path), variable: value})


def test_a_request_waits_a_few_seconds_for_a_pooled_connection(tmp_path: Path) -> None:
    base = {"PYDOTORG_VAR_DIR": str(tmp_path)}
    default = Settings.from_env(base)
    assert (default.database_pool_size, default.database_pool_timeout) == (10, 3.0)
    for name, wrong in [
        ("DATABASE_POOL_TIMEOUT", "0"),
        ("DATABASE_POOL_TIMEOUT", "-1"),
        ("DATABASE_POOL_TIMEOUT", "nan"),
        ("DATABASE_POOL_TIMEOUT", "inf"),
        ("DATABASE_POOL_TIMEOUT", "soon"),
        ("DATABASE_POOL_SIZE", "0"),
        ("DATABASE_POOL_SIZE", "2.5"),
    ]:
        with pytest.raises(SettingsError, match=f"{name} must be a number of at least"):
            Settings.from_env({**base, name: wrong})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL must be sqlite:///PATH or postgresql://"),
        ({"DATABASE_URL": "::::"}, "DATABASE_URL must be .* it is not a URL"),
        ({"DATABASE_URL": "sqlite://"}, "DATABASE_URL must be"),
        ({"ACCESS_TOKEN_TTL_SECONDS": "abc"}, "ACCESS_TOKEN_TTL_SECONDS must be a whole number"),
        ({"REFRESH_TOKEN_TTL_SECONDS": "0"}, "REFRESH_TOKEN_TTL_SECONDS must be a whole number"),
        ({"MAX_BODY_BYTES": "-5"}, "MAX_BODY_BYTES must be a whole number from 1 to"),
        ({"TRUSTED_PROXY_HOPS": "-1"}, "TRUSTED_PROXY_HOPS must be a whole number from 0 to"),
        ({"CACHE_MAX_AGE": "1.5"}, "CACHE_MAX_AGE must be a whole number"),
        ({"JOBS_EXPIRE_DAYS": "٣"}, "JOBS_EXPIRE_DAYS must be a whole number"),
        ({"RATE_LIMITS": "garbage"}, "RATE_LIMITS must be TIER="),
        ({"RATE_LIMITS": "SLOW=1/2/3"}, "RATE_LIMITS must be TIER="),
        ({"RATE_LIMITS": "LOW=1/2"}, "RATE_LIMITS must be TIER="),
        ({"RATE_LIMIT_ENABLED": "maybe"}, "RATE_LIMIT_ENABLED must be 1 or 0"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must be redis://"),
        ({"PUBLIC_BASE_URL": "www.python.org"}, "PUBLIC_BASE_URL must be an http"),
    ],
)
def test_every_setting_is_checked_at_start(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"PYDOTORG_VAR_DIR": str(tmp_path / "var"), **env})
    assert not (tmp_path / "var").exists()  # refused before anything was written


def test_metrics_are_off_and_allowed_only_from_loopback_by_default(tmp_path: Path) -> None:
    base = {"PYDOTORG_VAR_DIR": str(tmp_path)}
    default = Settings.from_env(base)
    assert (default.metrics_enabled, default.metrics_allow) == (False, ("127.0.0.0/8", "::1/128"))
    listed = Settings.from_env({**base, "METRICS_ALLOW": " 10.1.2.3/8, 192.0.2.7 ,fd00::/8"})
    assert listed.metrics_allow == ("10.0.0.0/8", "192.0.2.7/32", "fd00::/8")
    for wrong in ("10.0.0.0/33", "localhost", "*"):
        with pytest.raises(SettingsError, match="METRICS_ALLOW must be addresses or networks"):
            Settings.from_env({**base, "METRICS_ALLOW": wrong})


def test_a_file_for_a_var_dir_is_refused(tmp_path: Path) -> None:
    afile = tmp_path / "passwd"
    afile.write_text("root:x:0:0")
    with pytest.raises(SettingsError, match="PYDOTORG_VAR_DIR must be a directory"):
        Settings.from_env({"PYDOTORG_VAR_DIR": str(afile)})
    readonly = tmp_path / "readonly"
    readonly.mkdir(mode=0o500)
    if os.geteuid() != 0:  # root writes anywhere
        with pytest.raises(SettingsError, match="PYDOTORG_VAR_DIR must be a directory this user"):
            Settings.from_env({"PYDOTORG_VAR_DIR": str(readonly)})
