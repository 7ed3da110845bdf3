"""python.org's own ids of releases and release files, from answers of its ``/api/v2/`` API.

Clients keep python.org's URIs (``/api/v2/downloads/release/146/``) and some hard-code ids, so
the shipped records carry python.org's id where one is known: a release's by its name (the
lower id where python.org has one name twice), a file's by its URL. The ids are facts read
from ``ducktools-pythonfinder/tests/sources/`` beside the derived folder, captures of
python.org's answers. Records python.org's answers do not have (releases before 2.0 and after
the capture, scheduled ones) are numbered after the highest known id, in the file's order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CAPTURES = Path("ducktools-pythonfinder") / "tests" / "sources"


def capture(derived: Path, name: str) -> list[dict[str, Any]]:
    """python.org's captured answer ``name`` (``release``, ``release_file``): its records."""
    with (derived.parent / CAPTURES / f"{name}.json").open(encoding="utf-8") as handle:
        records: list[dict[str, Any]] = json.load(handle)
    return records


def _id_of(resource_uri: str) -> int:
    return int(resource_uri.rstrip("/").rsplit("/", 1)[1])


def _known(derived: Path, name: str, key: str) -> dict[str, int]:
    known: dict[str, int] = {}
    for record in capture(derived, name):
        number = _id_of(record["resource_uri"])
        known[record[key]] = min(number, known.get(record[key], number))
    return known


def numbered(
    records: list[dict[str, Any]], derived: Path, capture: str, key: str
) -> list[dict[str, Any]]:
    """``records`` with an ``id`` first: python.org's where its capture has ``record[key]``,
    else the next after the highest id of the capture."""
    known = _known(derived, capture, key)
    following = max(known.values(), default=0)
    result = []
    for record in records:
        number = known.get(record[key])
        if number is None:
            following += 1
            number = following
        result.append({"id": number, **record})
    return result
