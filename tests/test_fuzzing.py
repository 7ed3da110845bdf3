"""Schemathesis over every operation of the OpenAPI document, as an outsider would fuzz it.

It runs against a real server (granian, rate limits off) anonymously and with a staff API key,
on SQLite, and anonymously on PostgreSQL with fewer examples and without the coverage phase.
It fails on any server error, any response that violates the documented schema, any
undocumented status code or content type, and any ``Allow`` header that does not list a path's
methods. One more anonymous run also checks that every schema-valid request is accepted
(``positive_data_acceptance``): the document declares every rule a request's shape must keep
(no control characters in a query string, ``currentPage``'s maximum, the calendar's years,
autocomplete's two letters or digits, positive ids, the search indexes by name), so valid data
never meets a 400. A body can still be valid JSON and break a rule no schema can say (a
duplicate name, an end before its start): that is a documented 422, which the run accepts
(``schemathesis.toml``). The seed and the number of examples are fixed, so a run is repeatable
and fits the suite's time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import LiveServer, seeded_server

SEED = "20261129"
# Every check runs by default; naming them with ``--checks all`` would override the few
# operations ``schemathesis.toml`` exempts from one check, so the runs name only exclusions.
CHECKS = [
    "--exclude-checks",
    "positive_data_acceptance",
    "--phases",
    "examples,coverage,fuzzing",
    "--seed",
    SEED,
    "--workers",
    "2",
    "--suppress-health-check",
    "all",
]
# Every check, positive data acceptance too (schemathesis.toml says which statuses answer
# valid data).
ACCEPTING = [arg for arg in CHECKS if arg not in ("--exclude-checks", "positive_data_acceptance")]
# A staff key fuzzing these would revoke or demote itself, and the rest of the run would only
# see 401s; they are fuzzed in the anonymous pass.
SELF_HARM = ["revokeAllApiKeys", "revokeApiKey", "updateUser", "logout", "changePassword"]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A SQLite server of the fuzzer's own: what it writes no other test sees."""
    with seeded_server("sqlite", tmp_path_factory.mktemp("var-fuzzed")) as live:
        yield live


@pytest.fixture(scope="module")
def fuzzed_postgresql(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with seeded_server("postgresql", tmp_path_factory.mktemp("var-fuzzed-postgresql")) as live:
        yield live


def schemathesis() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert found, "schemathesis is a test dependency: pip install -e '.[test]'"
    return found


CONFIG = Path(__file__).with_name("schemathesis.toml")


def fuzz(
    server: LiveServer,
    examples: int,
    *extra: str,
    config: Path = CONFIG,
    checks: list[str] = CHECKS,
) -> subprocess.CompletedProcess[str]:
    """One schemathesis run; operations that only met a runtime error of the tool's own are
    run again, alone and on one worker, and the run counts as clean if they then pass."""
    result = run_schemathesis(server, examples, *checks, *extra, config=config)
    again = tool_errors(result.stdout + result.stderr)
    if not again:
        return result
    named = [arg for name in again for arg in ("--include-name", name)]
    rerun = run_schemathesis(
        server, examples, *checks, *extra, *named, "--workers", "1", config=config
    )
    if rerun.returncode != 0:
        return rerun
    return subprocess.CompletedProcess(result.args, 0, result.stdout, result.stderr)


def run_schemathesis(
    server: LiveServer, examples: int, *args: str, config: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            schemathesis(),
            "--config-file",
            str(config),
            "run",
            f"{server.base_url}/api/openapi.json",
            "--max-examples",
            str(examples),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={"NO_COLOR": "1", "PATH": str(Path(sys.executable).parent)},
    )


# What the tool's own race leaves in a runtime error's report (see tool_errors).
TOOL_RACES = (
    "hypothesis.errors.FlakyFailure",
    "AST constructor recursion depth mismatch",
)


def tool_errors(report: str) -> list[str]:
    """The operations of a run whose only trouble was a runtime error raised inside hypothesis
    while it drew a value (two worker threads reading its lambdas' source at once can trip
    CPython 3.11's ``compile``: seen in CI as a ``FlakyFailure``, and as ``compile``'s own
    "AST constructor recursion depth mismatch" raised in hypothesis's ``lambda_sources``);
    empty when the run failed a check or met any other error, which must fail the test as it
    is."""
    if "FAILURES" in report or "ERRORS" not in report:
        return []
    parts = re.split(r"^_{3,} (\S+ \S+) _{3,}$", report[report.index("ERRORS") :], flags=re.M)
    names, bodies = parts[1::2], parts[2::2]
    own = all(
        body.lstrip().startswith("Runtime Error") and any(sign in body for sign in TOOL_RACES)
        for body in bodies
    )
    return names if names and own else []


def failures_of(report: str) -> str:
    """The report's failures, first, with very long values (fuzzed bodies) cut short."""
    start = report.find("FAILURES")
    text = report[start:] if start != -1 else report
    return re.sub(r"\S{300,}", lambda found: found.group(0)[:200] + "...", text)[:8000]


def assert_clean(result: subprocess.CompletedProcess[str], operations: int = 90) -> None:
    report = result.stdout + result.stderr
    assert result.returncode == 0, failures_of(report)
    tested = re.search(r"Tested: (\d+)", report)
    assert tested and int(tested.group(1)) >= operations, report[-2000:]
    assert re.search(r"\d+ generated, \d+ passed", report), report[-3000:]


def test_anonymous_fuzzing_finds_nothing_and_valid_data_is_accepted(fuzzed: LiveServer) -> None:
    """Every check, positive data acceptance too: a request the document calls valid is never
    a 400. The boundary values of the coverage phase are the staff run's: anonymous, every
    write stops at its 401 before its body is read."""
    assert_clean(fuzz(fuzzed, 3, "--phases", "examples,fuzzing", checks=ACCEPTING))


def test_staff_fuzzing_finds_nothing_and_valid_data_is_accepted(fuzzed: LiveServer) -> None:
    """python.org's v1 and v2 take no ``Bearer`` token (a write is a 401, a read anonymous):
    their operations are the anonymous run's, and the v1 run's with a staff ``ApiKey``."""
    key = fuzzed.credentials["staff"]
    excluded = [arg for op in SELF_HARM for arg in ("--exclude-operation-id", op)]
    header = f"Authorization: Bearer {key}"
    python_orgs = ["--exclude-tag-regex", "^python\\.org v[12]$"]
    result = fuzz(fuzzed, 4, "-H", header, *excluded, *python_orgs, checks=ACCEPTING)
    assert_clean(result, operations=150)


def test_staff_fuzzing_of_python_orgs_v1_finds_nothing(fuzzed: LiveServer) -> None:
    """python.org's v1 takes a staff key as ``ApiKey <username>:<key>`` only (a ``Bearer``
    header is a 401 there), so its operations are fuzzed again with that header. One worker:
    these few operations take seconds, and two threads drawing their bodies at once can trip
    CPython 3.11's ``compile`` (hypothesis reads its lambdas' source), a runtime error of the
    tool's own."""
    key = fuzzed.credentials["staff"]
    only_v1 = ["--include-tag", "python.org v1", "--workers", "1"]
    header = f"Authorization: ApiKey staffer:{key}"
    result = fuzz(
        fuzzed, 4, "-H", header, *only_v1, config=CONFIG.with_name("schemathesis-v1.toml")
    )
    assert_clean(result, operations=25)


def test_anonymous_fuzzing_on_postgresql_finds_nothing(fuzzed_postgresql: LiveServer) -> None:
    # the boundary values of the coverage phase are the engine-independent part: SQLite's
    # runs have them; this one keeps to examples and random cases (a later --phases wins)
    assert_clean(fuzz(fuzzed_postgresql, 2, "--phases", "examples,fuzzing"))


TOOL_RACE = """\
==================================== ERRORS ====================================
__________________________ POST /api/v1/downloads/os/ __________________________
Runtime Error

Inconsistent results: A test case failed on the first run but now succeeds
  | hypothesis.errors.FlakyFailure: Inconsistent results (1 sub-exception)
"""


def test_only_the_tools_own_races_are_run_again() -> None:
    assert tool_errors(TOOL_RACE) == ["POST /api/v1/downloads/os/"]
    compile_race = TOOL_RACE.replace(
        "  | hypothesis.errors.FlakyFailure: Inconsistent results (1 sub-exception)",
        "AST constructor recursion depth mismatch (before=210, after=135)",
    )
    assert "FlakyFailure" not in compile_race
    assert tool_errors(compile_race) == ["POST /api/v1/downloads/os/"]
    failed = TOOL_RACE.replace("=== ERRORS", "=== FAILURES ===\n_ GET /x _\nStatus 500\n=== ERRORS")
    assert tool_errors(failed) == []
    assert tool_errors(TOOL_RACE.replace("hypothesis.errors.FlakyFailure", "KeyError")) == []
    assert tool_errors(TOOL_RACE.replace("Runtime Error", "Network Error")) == []
    assert tool_errors("Tested: 250 operations") == []
