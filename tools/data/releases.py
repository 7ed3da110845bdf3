"""CPython releases: version, name, slug, dates, state and release page URL.

The order is the source's (1.0.1 first). Each release carries python.org's id where known,
else one numbered after them in this order (``_pythonorg_ids``). Dropped: the derivation's
bookkeeping (``slug_source``, ``file_count``, ``is_latest``, ``is_latest_in_series``, which the
service computes itself), per-release
``pep`` and ``endoflife_date`` (the release cycle has them per series) and free-text ``note``.

A release the sources give no date (three python.org lists but the PEPs' release table does
not: 2.7.12rc1, 3.5.0rc4, 3.9.0b2) takes python.org's own: the UTC day of its
``release_date`` in python.org's captured answer (``_pythonorg_ids``), with
``pythonorg-api`` added to its ``sources``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.data._fields import keep, source
from tools.data._pythonorg_ids import capture, numbered

OUTPUT = "releases.json.gz"
FIELDS = (
    "version",
    "name",
    "slug",
    "major",
    "minor",
    "micro",
    "series",
    "pre_release",
    "stage",
    "stage_number",
    "release_date",
    "state",
    "release_page_url",
    "sources",
)


PYTHON_ORG = "pythonorg-api"


def records(derived: Path) -> list[dict[str, Any]]:
    kept = dated(keep(source(derived, "releases"), FIELDS), derived)
    return numbered(kept, derived, "release", "name")


def dated(records: list[dict[str, Any]], derived: Path) -> list[dict[str, Any]]:
    """``records``, each without a ``release_date`` given python.org's day for it, if its
    captured answer has one (``2020-06-09T00:25:00Z`` -> ``2020-06-09``)."""
    days = {
        answer["name"]: answer["release_date"][:10]
        for answer in capture(derived, "release")
        if answer.get("release_date")
    }
    result = []
    for record in records:
        day = days.get(record["name"]) if record["release_date"] is None else None
        if day is not None:
            record = {**record, "release_date": day, "sources": [*record["sources"], PYTHON_ORG]}
        result.append(record)
    return result
