"""The release cycle: per minor series its status, PEP, branch, release manager and dates.

Dropped (the service has no field for them): ``start_of_development``, ``feature_freeze``,
``endoflife_date_release``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.data._fields import keep, source

OUTPUT = "release_cycle.json.gz"
FIELDS = (
    "series",
    "major",
    "status",
    "pep",
    "branch",
    "release_manager",
    "first_release",
    "end_of_bugfix",
    "end_of_life",
    "endoflife_date_eol",
    "source",
)


def records(derived: Path) -> list[dict[str, Any]]:
    return keep(source(derived, "release_cycle"), FIELDS)
