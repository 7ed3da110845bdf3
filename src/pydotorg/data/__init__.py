"""Real python.org data shipped with the package (see SOURCES.md in this folder)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent


def load(name: str) -> list[dict[str, Any]]:
    """The records of one shipped data file, e.g. ``load("releases")``."""
    with gzip.open(DATA_DIR / f"{name}.json.gz", "rt", encoding="utf-8") as handle:
        records: list[dict[str, Any]] = json.load(handle)
    return records
