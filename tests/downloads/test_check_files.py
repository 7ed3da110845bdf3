"""``pydotorg check files``: counts of classified release files, and the files no rule knows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.factories import FTP, token, unique_number
from tests.support import LiveServer


def check_files(cwd: Path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pydotorg", *(command or ("check", "files"))],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_files_on_the_shipped_data(tmp_path: Path) -> None:
    seeded = check_files(tmp_path, "seed", "--no-demo")
    assert seeded.returncode == 0, seeded.stderr
    result = check_files(tmp_path, DEMO_CONTENT="0")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "release files: 3359"
    assert "unclassified: 0" in lines
    assert "unclassified of 3.x releases: 0" in lines
    assert "  windows: 1971" in lines and "  source: 908" in lines
    assert "  macos: 450" in lines and "  android: 30" in lines


def test_check_files_names_a_file_no_rule_knows(
    server: LiveServer, staff: httpx.Client, tmp_path: Path
) -> None:
    minor = unique_number(50, 950)
    release = staff.post(
        "/api/v1/releases/",
        json={"name": f"Python 6.{minor}.0", "release_date": "2031-05-01T12:00:00+00:00"},
    ).json()
    url = f"{FTP}/6.{minor}.0/mystery-{token(8)}.bin"
    created = staff.post(
        "/api/v1/files/", json={"name": "Mystery", "os": 1, "release": release["id"], "url": url}
    )
    assert created.status_code == 201, created.text
    try:
        result = check_files(tmp_path, DATABASE_URL=server.database_url)
        assert result.returncode == 0, result.stderr
        assert f"  file {created.json()['id']}: {url}" in result.stdout.splitlines()
        unclassified = next(
            line for line in result.stdout.splitlines() if line.startswith("unclassified: ")
        )
        assert int(unclassified.split(": ")[1]) >= 1
    finally:
        staff.delete(release["resource_uri"])
