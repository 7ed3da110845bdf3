"""The download operating systems python.org publishes files for: ids, names and slugs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.data._fields import keep, source

OUTPUT = "os.json.gz"
FIELDS = ("id", "name", "slug")


def records(derived: Path) -> list[dict[str, Any]]:
    return keep(source(derived, "os"), FIELDS)
