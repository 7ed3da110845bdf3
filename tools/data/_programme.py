"""Reading python.org's own sponsorship programme fixture (``sponsors/fixtures/sponsors.json`` of
python/pythondotorg, Apache-2.0), which sits beside the normalised data as
``../pythondotorg/fixtures/sponsors.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SOURCE = "python/pythondotorg sponsors/fixtures/sponsors.json (2022 programme)"


def fixture(derived: Path) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """The fixture's objects by model name: ``(pk, fields)`` in the file's order."""
    path = derived.parent / "pythondotorg" / "fixtures" / "sponsors.json"
    with path.open(encoding="utf-8") as handle:
        objects: list[dict[str, Any]] = json.load(handle)
    models: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for item in objects:
        models.setdefault(item["model"].split(".")[-1], []).append((item["pk"], item["fields"]))
    return models
