"""The ``pydotorg`` command, run as a user runs it: in a fresh directory, as a process."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from pydotorg.db.migrate import MIGRATIONS_DIR, head_revision
from tests.support import free_port, seeded_sqlite

PYDOTORG = [sys.executable, "-m", "pydotorg"]


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PYDOTORG, *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def wait_ready(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("server did not become ready")


def serve_once(cwd: Path) -> str:
    """Start ``pydotorg serve`` in cwd, fetch the latest release, stop it with SIGTERM."""
    port = free_port()
    process = subprocess.Popen(
        [*PYDOTORG, "serve", "--port", str(port), "--workers", "1"],
        cwd=cwd,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}", process)
        latest = httpx.get(f"http://127.0.0.1:{port}/api/v1/releases/latest").json()
        assert latest["version"] == 3 and latest["is_latest"] is True
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    return stderr


def test_serve_migrates_and_seeds_once_then_reuses_the_database(tmp_path: Path) -> None:
    first = serve_once(tmp_path)
    assert (
        "loaded python.org data: 5 os, 26 release cycle, 667 releases, 3359 release files" in first
    )
    assert (tmp_path / "var" / "pydotorg.sqlite3").exists()
    assert (tmp_path / "var" / "secret_key").exists()
    second = serve_once(tmp_path)
    assert "loaded python.org data" not in second


def test_db_seed_and_openapi_commands(tmp_path: Path) -> None:
    upgraded = run(["db", "upgrade"], tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    head = head_revision()
    assert f"current: {head}; head: {head}" in upgraded.stdout
    seeded = run(["seed"], tmp_path)
    assert "added: 5 os, 26 release cycle, 667 releases, 3359 release files" in seeded.stdout
    again = run(["seed"], tmp_path)
    added = again.stdout.removeprefix("added: ").strip().split(", ")
    assert added and all(item.startswith("0 ") for item in added), again.stdout
    backed_up = run(["db", "backup", "backup.sqlite3"], tmp_path)
    assert backed_up.stdout.startswith("backed up "), backed_up.stderr
    assert (tmp_path / "backup.sqlite3").stat().st_size > 0
    down = run(["db", "downgrade", "base"], tmp_path)
    assert "current: (empty database)" in down.stdout
    spec = run(["openapi"], tmp_path)
    assert json.loads(spec.stdout)["info"]["title"] == "Python.org API"


def test_db_revision_needs_the_database_at_the_head(tmp_path: Path) -> None:
    """Autogenerate compares the models with a database at the newest migration; one behind
    is a one-line refusal, and no migration is written."""
    shipped = sorted(path.name for path in (MIGRATIONS_DIR / "versions").glob("*.py"))
    assert run(["db", "upgrade", "0018"], tmp_path).returncode == 0
    result = run(["db", "revision", "-m", "Something"], tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "pydotorg: cannot write a migration: Target database is not up to date.\n"
    )
    assert sorted(path.name for path in (MIGRATIONS_DIR / "versions").glob("*.py")) == shipped


def test_seed_without_demo_content_then_with_it(tmp_path: Path) -> None:
    bare = (
        "added: 5 os, 26 release cycle, 667 releases, 3359 release files, 4 sponsorship programs, "
        "12 sponsorship packages, 47 sponsorship benefits, 83 sponsors, 67 sponsorships, "
        "667 search documents (no demo content"
    )
    assert run(["seed", "--no-demo"], tmp_path).stdout.startswith(bare)
    again = run(["seed"], tmp_path, DEMO_CONTENT="0").stdout
    assert again.startswith("added: 0 os, 0 release cycle, 0 releases, 0 release files, 0 spons")
    assert "83 sponsors" not in again and "(no demo" in again
    demo = run(["seed"], tmp_path).stdout
    assert "0 releases" in demo and "2228 events" in demo and "196 jobs" in demo, demo
    assert "no demo content" not in demo


def test_createsuperuser_with_flags_prints_a_working_api_key(tmp_path: Path) -> None:
    made = run(
        [
            "createsuperuser",
            "--username",
            "admin",
            "--email",
            "admin@example.org",
            "--no-password",
            "--api-key",
            "release-tools",
        ],
        tmp_path,
    )
    assert made.returncode == 0, made.stderr
    key = made.stdout.split("API key")[1].split(": ")[-1].strip()
    assert key.startswith("pdo_")
    duplicate = run(
        ["createsuperuser", "--username", "ADMIN", "--email", "x@example.org", "--no-password"],
        tmp_path,
    )
    assert duplicate.returncode == 1 and "already taken" in duplicate.stderr
    weak = run(
        ["createsuperuser", "--username", "root2", "--email", "r@example.org", "--password", "123"],
        tmp_path,
    )
    assert weak.returncode == 1 and "8 characters" in weak.stderr


def test_production_mode_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    result = run(["db", "current"], tmp_path, APP_ENV="prod", SECRET_KEY="")
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr


def test_workers_log_json_and_finish_in_flight_requests_on_sigterm(tmp_path: Path) -> None:
    seeded_sqlite(tmp_path / "var" / "pydotorg.sqlite3")  # as `pydotorg seed` leaves it
    port = free_port()
    process = subprocess.Popen(
        [*PYDOTORG, "serve", "--port", str(port), "--workers", "2", "--access-log"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, process)
    tagged = httpx.get(f"{url}/api/v1/os/", headers={"X-Request-ID": "trace-me-123456"})
    assert tagged.headers["x-request-id"] == "trace-me-123456"

    results: list[object] = []

    def fetch() -> None:
        """One raw HTTP request; classify what came back, byte for byte."""
        received = b""
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(
                    b"GET /api/v1/files/?limit=1000 HTTP/1.1\r\n"
                    b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                while chunk := sock.recv(65536):
                    received += chunk
        except OSError:
            pass  # refused or reset: judged by what was received before it
        if not received:
            results.append("refused")  # never answered at all: not an in-flight request
            return
        head, _, body = received.partition(b"\r\n\r\n")
        length = re.search(rb"(?i)content-length: (\d+)", head)
        complete = head.startswith(b"HTTP/1.1 200") and length and len(body) == int(length[1])
        results.append(len(json.loads(body)) if complete else received[:200])

    threads = [threading.Thread(target=fetch) for _ in range(24)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join(timeout=60)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0
    assert all(r in (1000, "refused") for r in results), results
    assert results.count(1000) >= 1

    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "pydotorg.access"]
    traced = [line for line in access if line["request_id"] == "trace-me-123456"]
    assert traced and traced[0]["path"] == "/api/v1/os" and traced[0]["status"] == 200
    assert {"method", "duration_ms", "client", "time", "level"} <= set(traced[0])


def test_createsuperuser_asks_interactively(tmp_path: Path) -> None:
    """Without flags it prompts; with no terminal, getpass reads the password from stdin."""
    answers = "ada\nada@example.org\nlovelace analytical engine\nlovelace analytical engine\n"
    made = subprocess.run(
        [*PYDOTORG, "createsuperuser"],
        cwd=tmp_path,
        input=answers,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        start_new_session=True,
    )
    assert made.returncode == 0, made.stderr
    assert "created superuser 'ada'" in made.stdout
    mismatch = subprocess.run(
        [*PYDOTORG, "createsuperuser"],
        cwd=tmp_path,
        input="bob\nbob@example.org\nfirst password 1\nsecond password 2\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        start_new_session=True,
    )
    assert mismatch.returncode == 1 and "do not match" in mismatch.stderr


def test_serve_refuses_a_port_another_server_holds(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run(["serve", "--port", str(port)], tmp_path, PYDOTORG_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"pydotorg: port {port} on 127.0.0.1 is in use; choose another with --port"
    )
    assert not (tmp_path / "pydotorg.sqlite3").exists()  # refused before touching anything


def test_two_servers_started_at_once_on_one_port_one_refuses(tmp_path: Path) -> None:
    """Both find the port free at the same moment; only one may go on to listen."""
    port = free_port()
    processes = []
    for name in ("first", "second"):
        seeded_sqlite(tmp_path / name / "var" / "pydotorg.sqlite3")
    for name in ("first", "second"):
        processes.append(
            subprocess.Popen(
                [*PYDOTORG, "serve", "--port", str(port)],
                cwd=tmp_path / name,
                env={k: v for k, v in os.environ.items() if k != "PYDOTORG_VAR_DIR"},
                stderr=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                text=True,
            )
        )
    try:
        deadline = time.monotonic() + 30
        while all(p.poll() is None for p in processes) and time.monotonic() < deadline:
            time.sleep(0.1)
        refused = [p for p in processes if p.poll() is not None]
        assert len(refused) == 1, "both servers are serving the same port"
        assert refused[0].returncode == 2
        assert refused[0].communicate()[1].strip() == (
            f"pydotorg: port {port} on 127.0.0.1 is in use; choose another with --port"
        )
        serving = next(p for p in processes if p is not refused[0])
        wait_ready(f"http://127.0.0.1:{port}", serving)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.communicate(timeout=30)


def test_openapi_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    """As ``pydotorg openapi | head -n 1``: the reader leaves after one line."""
    process = subprocess.Popen(
        [*PYDOTORG, "openapi"],
        cwd=tmp_path,
        env={**os.environ, "PYDOTORG_VAR_DIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline() == b"{\n"
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0, errors
    assert "Traceback" not in errors and "BrokenPipe" not in errors


def test_createsuperuser_with_nothing_to_read_names_the_flags(tmp_path: Path) -> None:
    result = subprocess.run(
        [*PYDOTORG, "createsuperuser", "--username", "root"],
        cwd=tmp_path,
        env={**os.environ, "PYDOTORG_VAR_DIR": str(tmp_path)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "pydotorg: no answer on standard input; give --username, --email and --password "
        "(or --no-password)"
    )


def test_version_and_defaults_in_help(tmp_path: Path) -> None:
    version = run(["--version"], tmp_path)
    assert version.returncode == 0 and re.fullmatch(r"pydotorg \d+\.\d+\.\d+\n", version.stdout)
    serve_help = run(["serve", "--help"], tmp_path).stdout
    assert "(default: 8000)" in serve_help and "(default: 127.0.0.1)" in serve_help
    for command in ("db", "seed", "openapi", "createsuperuser"):
        assert run([command, "--help"], tmp_path).returncode == 0, command


@pytest.mark.parametrize(
    ("args", "env", "error"),
    [
        (["db", "current"], {"DATABASE_URL": "mysql://x"}, "DATABASE_URL must be sqlite:///PATH"),
        (["db", "current"], {"DATABASE_URL": "::::"}, "DATABASE_URL must be sqlite:///PATH"),
        (["db", "current"], {"PYDOTORG_VAR_DIR": "/etc/passwd"}, "PYDOTORG_VAR_DIR must be a"),
        (["db", "current"], {"ACCESS_TOKEN_TTL_SECONDS": "abc"}, "ACCESS_TOKEN_TTL_SECONDS must"),
        (["serve"], {"RATE_LIMITS": "garbage"}, "RATE_LIMITS must be TIER="),
        (["db", "current"], {"MAX_BODY_BYTES": "-5"}, "MAX_BODY_BYTES must be a whole number"),
        (["db", "current"], {"TRUSTED_PROXY_HOPS": "-1"}, "TRUSTED_PROXY_HOPS must be a whole"),
        (["db", "current"], {"RESPONSE_CACHE": "maybe"}, "RESPONSE_CACHE must be 1 or 0"),
        (["db", "current"], {"REDIS_URL": "http://x"}, "REDIS_URL must be redis://"),
        (
            ["db", "current"],
            {"DATABASE_URL": "postgresql://nobody:pw@127.0.0.1:1/none"},
            "cannot use the database at postgresql+asyncpg://nobody:***@127.0.0.1:1/none: "
            "ConnectionRefusedError",
        ),
        (["db", "downgrade", "zzz"], {}, "cannot downgrade to 'zzz': Can't locate revision"),
        (["import", "pages", "/nonexistent"], {}, "/nonexistent is not a directory"),
        (["db", "current"], {}, "no database at "),
        (["db", "revision", "-m", "x"], {}, "no database at "),
        (["db", "backup", "b.sqlite3"], {}, "no database at "),
        (
            ["db", "backup", "b.dump"],
            {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "PATH": "/nonexistent"},
            "pg_dump is not on PATH",
        ),
        (
            ["createsuperuser", "--username", "root", "--email", "notanemail", "--no-password"],
            {},
            "--email must be an e-mail address, not 'notanemail'",
        ),
        (["serve", "--port", "99999"], {}, "argument --port: must be a whole number from 1 to"),
    ],
)
def test_an_operators_mistake_is_one_line_and_status_2(
    tmp_path: Path, args: list[str], env: dict[str, str], error: str
) -> None:
    """Whatever the mistake: one line naming what is wrong and what is accepted, exit status
    2, no traceback, and nothing made (no database, no secret)."""
    if args[:2] == ["db", "downgrade"]:
        assert run(["db", "upgrade"], tmp_path).returncode == 0
    before = sorted(tmp_path.rglob("*"))
    result = run(args, tmp_path, **env)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith(("usage:", " "))]
    assert len(lines) == 1 and error in lines[0], result.stderr
    assert "Traceback" not in result.stderr and "pw" not in result.stderr
    made = [path for path in sorted(tmp_path.rglob("*")) if path not in before]
    assert not [path for path in made if path.name != "secret_key" and path.name != "var"], made


def test_metrics_use_the_operators_multiprocess_directory_emptied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydotorg.cli import MULTIPROCESS_VARIABLE, prepare_metrics
    from tests.support import make_settings

    metered = make_settings("sqlite+aiosqlite:///x", tmp_path, metrics_enabled=True)
    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "counter_123.db").write_bytes(b"stale")
    (directory / "keep.txt").write_text("not ours")
    monkeypatch.setenv(MULTIPROCESS_VARIABLE, str(directory))
    assert prepare_metrics(metered, workers=1) == directory
    assert [path.name for path in directory.iterdir()] == ["keep.txt"]
    assert os.environ[MULTIPROCESS_VARIABLE] == str(directory)
    monkeypatch.setenv(MULTIPROCESS_VARIABLE, "")
    assert prepare_metrics(metered, workers=1) is None  # one worker: its own values
    monkeypatch.setenv(MULTIPROCESS_VARIABLE, str(directory))
    off = make_settings("sqlite+aiosqlite:///x", tmp_path)
    assert prepare_metrics(off, workers=4) is None  # metrics off: nothing is written
    assert MULTIPROCESS_VARIABLE not in os.environ
