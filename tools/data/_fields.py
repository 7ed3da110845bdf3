"""What every dataset module does: read one normalised source file, keep only chosen fields."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def source(derived: Path, name: str) -> list[dict[str, Any]]:
    """The records of ``derived/<name>.json``, in the file's order."""
    with (derived / f"{name}.json").open(encoding="utf-8") as handle:
        records: list[dict[str, Any]] = json.load(handle)
    return records


def keep(records: Iterable[dict[str, Any]], fields: Iterable[str]) -> list[dict[str, Any]]:
    """Each record with only ``fields`` (every one must be there: a source that lost a field is
    an error, not a silently thinner dataset), in the same order."""
    names = tuple(fields)
    return [{name: record[name] for name in names} for record in records]
