"""The documentation cannot rot: its examples are run and the site is built in strict mode.

Every example in README.md and docs/*.md is one of these fenced blocks (docs/development.md,
"Examples that are run"):

- ``console``: lines starting with ``$ curl`` (continued by a trailing backslash), each followed
  by what it prints. ``http://127.0.0.1:8000`` stands for the server, ``$TOKEN`` for a staff
  account's API key and ``$USERNAME`` for that account's name. Each command is run with curl
  against a test server, on SQLite and on PostgreSQL. Output that is JSON must be a subset of
  the answer (an object: the keys shown; an array: its first items; a string holding ``...``:
  any text there). With ``-i`` the status line and the headers shown must be in the answer,
  then a blank line and the body as above. Other output is lines that must appear in that
  order, ``...`` standing for any text. Without ``-i`` the status must be below 400.
- ``pycon``: a doctest session (``...`` matches any text), run against the same servers.
- ``python``: an excerpt of the source whose first line names its file
  (``# src/pydotorg/downloads/services.py``): its lines must be in that file, in that order.

A ``curl`` command in any other block fails the suite, so no example escapes being run.
"""

from __future__ import annotations

import doctest
import importlib.util
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pydotorg.cli import build_parser
from tests.support import (
    SETTINGS_VARIABLES,
    LiveServer,
    free_port,
    missing_service,
    seeded_server,
)

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOCS_BASE_URL = "http://127.0.0.1:8000"
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
ELLIPSIS = "..."


@dataclass(frozen=True)
class Block:
    """A fenced block of a document: its language, its text (unindented) and where it starts."""

    path: Path
    line: int
    lang: str
    text: str

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    source = path.read_text()
    found = []
    for match in FENCE.finditer(source):
        indent = len(match["indent"])
        lines = [line[indent:] for line in match["body"].splitlines()]
        line = source.count("\n", 0, match.start()) + 1
        found.append(Block(path, line, match["lang"], "\n".join(lines) + "\n"))
    return found


ALL_BLOCKS = [block for path in DOCUMENTS for block in blocks(path)]


def of_lang(*langs: str) -> list[pytest.ParameterSet]:
    return [pytest.param(b, id=b.name) for b in ALL_BLOCKS if b.lang in langs]


@dataclass(frozen=True)
class Command:
    argv: list[str]
    expected: str


def commands(block: Block) -> list[Command]:
    """A console block's commands (``$ ...`` with continuation lines) and what each prints."""
    found: list[Command] = []
    lines = block.text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        assert line.startswith("$ "), f"{block.name}: output before any command: {line!r}"
        command = line[2:]
        while command.endswith("\\"):
            index += 1
            command = command[:-1] + lines[index]
        index += 1
        output = []
        while index < len(lines) and not lines[index].startswith("$ "):
            output.append(lines[index])
            index += 1
        found.append(Command(shlex.split(command), "\n".join(output).strip()))
    return found


def matches(pattern: str, text: str) -> bool:
    """``text`` is ``pattern``, each ``...`` in it standing for any text."""
    regex = ".*".join(re.escape(part) for part in pattern.split(ELLIPSIS))
    return re.fullmatch(regex, text, re.S) is not None


def subset(expected: object, actual: object, where: str = "$") -> None:
    """``expected`` is part of ``actual``: an object's keys shown, an array's first items."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}: no key {key!r} in {sorted(actual)}"
            subset(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected an array, got {actual!r}"
        assert len(actual) >= len(expected), f"{where}: {len(actual)} items, not {len(expected)}+"
        for position, (want, got) in enumerate(zip(expected, actual, strict=False)):
            subset(want, got, f"{where}[{position}]")
    elif isinstance(expected, str) and ELLIPSIS in expected:
        assert isinstance(actual, str) and matches(expected, actual), f"{where}: {actual!r}"
    else:
        assert expected == actual, f"{where}: expected {expected!r}, got {actual!r}"


def lines_in_order(expected: str, actual: str) -> None:
    remaining = iter(actual.splitlines())
    for want in (line.strip() for line in expected.splitlines()):
        if want and not any(matches(want, got.strip()) for got in remaining):
            pytest.fail(f"line {want!r} not found (in order) in:\n{actual}")


def check_body(expected: str, body: str) -> None:
    if not expected:
        return
    try:
        wanted = json.loads(expected)
    except ValueError:
        lines_in_order(expected, body)
        return
    subset(wanted, json.loads(body))


def check_head(expected: str, head: str) -> None:
    status_line, *header_lines = head.splitlines()
    want_status, *want_headers = expected.splitlines()
    assert matches(want_status.strip(), status_line.strip()), (
        f"{status_line!r} is not {want_status!r}"
    )
    headers = [line.partition(":") for line in header_lines]
    for want in want_headers:
        name, _, value = want.partition(":")
        found = [v.strip() for n, _, v in headers if n.strip().lower() == name.strip().lower()]
        assert any(matches(value.strip(), v) for v in found), f"no {want!r} in:\n{head}"


def substitute(argument: str, live: LiveServer) -> str:
    return (
        argument.replace(DOCS_BASE_URL, live.base_url)
        .replace("$TOKEN", live.credentials["staff"])
        .replace("$USERNAME", "staffer")
    )


def run_curl(command: Command, live: LiveServer, cwd: Path) -> None:
    curl = shutil.which("curl")
    if curl is None:
        missing_service("the documentation's curl examples need the curl program")
        return
    assert command.argv[0] == "curl", f"console examples run curl only, not {command.argv[0]!r}"
    arguments = [substitute(argument, live) for argument in command.argv[1:]]
    options = ["--silent", "--show-error", "--max-time", "30", "--write-out", "\n%{http_code}"]
    result = subprocess.run(
        [curl, *options, *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    output, _, status = result.stdout.replace("\r\n", "\n").rpartition("\n")
    expected = command.expected.replace(DOCS_BASE_URL, live.base_url)
    if {"-i", "--include"} & set(arguments):
        head, _, body = output.partition("\n\n")
        want_head, _, want_body = expected.partition("\n\n")
        check_head(want_head, head)
    else:
        assert 200 <= int(status) < 400, f"status {status}:\n{output}"
        body, want_body = output, expected
    check_body(want_body.strip(), body)


@pytest.fixture(scope="session")
def docs_sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with seeded_server("sqlite", tmp_path_factory.mktemp("docs-sqlite")) as live:
        yield live


@pytest.fixture(scope="session")
def docs_postgresql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with seeded_server("postgresql", tmp_path_factory.mktemp("docs-postgresql")) as live:
        yield live


@pytest.fixture(params=["sqlite", "postgresql"])
def docs_server(request: pytest.FixtureRequest) -> LiveServer:
    """Servers of the examples' own (some examples write), one per engine, for the session."""
    live: LiveServer = request.getfixturevalue(f"docs_{request.param}_server")
    return live


@pytest.mark.parametrize("block", of_lang("console"))
def test_curl_example(block: Block, docs_server: LiveServer, tmp_path: Path) -> None:
    for command in commands(block):
        run_curl(command, docs_server, tmp_path)


@pytest.mark.parametrize("block", of_lang("pycon"))
def test_python_example(
    block: Block, docs_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKEN", docs_server.credentials["staff"])
    text = block.text.replace(DOCS_BASE_URL, docs_server.base_url)
    test = doctest.DocTestParser().get_doctest(text, {}, block.name, str(block.path), block.line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()


@pytest.mark.parametrize("block", of_lang("python"))
def test_source_excerpt(block: Block) -> None:
    first, *lines = block.text.splitlines()
    named = re.fullmatch(r"# (src/\S+\.py)\b.*", first)
    assert named, f"{block.name}: a python block starts with '# src/<file>.py' naming its source"
    source = iter(line.strip() for line in (ROOT / named[1]).read_text().splitlines())
    for line in (line.strip() for line in lines):
        if line and line not in (ELLIPSIS, f"# {ELLIPSIS}") and line not in source:
            pytest.fail(f"{block.name}: {line!r} is not in {named[1]} (in this order)")


def test_every_curl_example_is_run() -> None:
    """``curl`` only in console blocks, and console blocks hold only commands that are run."""
    for block in ALL_BLOCKS:
        if block.lang == "console":
            assert commands(block), f"{block.name}: an empty console block"
        elif block.lang not in ("pycon", "python"):
            assert not re.search(r"(^|[\s$(])curl\s", block.text), (
                f"{block.name}: a curl example outside a console block is never run"
            )


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    command = next(line for line in readme.splitlines() if "python -m pytest" in line)
    assert command in (ROOT / ".ci" / "run").read_text().splitlines()


def test_site_builds_in_strict_mode(tmp_path: Path) -> None:
    if importlib.util.find_spec("mkdocs") is None:
        missing_service("building the documentation needs MkDocs (pip install -e '.[test]')")
    config, site = str(ROOT / "mkdocs.yml"), str(tmp_path / "site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", site],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "operations" / "index.html").is_file()


def test_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    table = {
        line.split("|")[1].strip().strip("`")
        for line in readme.splitlines()
        if line.startswith("| `")
    }
    assert set(SETTINGS_VARIABLES.values()) <= table


def containerfile_instruction(name: str) -> list[str]:
    text = (ROOT / "Containerfile").read_text()
    found = re.search(rf"^{name} (\[.*\])$", text, re.M)
    assert found, f"the Containerfile has no {name} in exec form"
    words: list[str] = json.loads(found[1])
    return words


def test_containerfile_runs_pydotorg_serve_with_flags_it_has() -> None:
    assert containerfile_instruction("ENTRYPOINT") == ["pydotorg"]
    args = build_parser().parse_args(containerfile_instruction("CMD"))
    assert (args.command, args.host, args.port) == ("serve", "0.0.0.0", 8000)  # noqa: S104
    copied = re.findall(r"^COPY (.+) \S+$", (ROOT / "Containerfile").read_text(), re.M)
    for source in (name for line in copied for name in line.split()):
        assert (ROOT / source).exists(), f"the Containerfile copies {source}, which is not there"


def test_container_image_serves_the_api() -> None:
    """Build the Containerfile and run it as docs/operations.md says (minutes; opt-in)."""
    if os.environ.get("PYDOTORG_TEST_CONTAINERS") != "1":
        pytest.skip(
            "PYDOTORG_TEST_CONTAINERS=1 builds and runs the Containerfile (podman or docker)"
        )
    runtime = next(filter(None, map(shutil.which, ("podman", "docker"))), None)
    if runtime is None:
        missing_service("building the Containerfile needs podman or docker")
        return
    tag = f"pydotorg-test-{uuid.uuid4().hex[:8]}"
    build = [runtime, "build", "-t", tag, "-f", "Containerfile", "."]
    subprocess.run(build, cwd=ROOT, check=True, timeout=1800)
    port = free_port()
    run = [runtime, "run", "-d", "--rm", "-p", f"127.0.0.1:{port}:8000", tag]
    container = subprocess.run(run, capture_output=True, text=True, check=True).stdout.strip()
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        latest = httpx.get(f"http://127.0.0.1:{port}/api/v1/releases/latest", timeout=10)
        assert latest.status_code == 200 and latest.json()["name"].startswith("Python 3.")
    finally:
        subprocess.run([runtime, "rm", "-f", container], check=False, capture_output=True)
        subprocess.run([runtime, "rmi", "-f", tag], check=False, capture_output=True)
