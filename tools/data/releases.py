"""CPython releases: version, name, slug, dates, state and release page URL.

The order is the source's (1.0.1 first). Each release carries python.org's id where known,
else one numbered after them in this order (``_pythonorg_ids``). Dropped: the derivation's
bookkeeping (``slug_source``, ``file_count``, ``is_latest``, ``is_latest_in_series``, which the
service computes itself), per-release
``pep`` and ``endoflife_date`` (the release cycle has them per series) and free-text ``note``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.data._fields import keep, source
from tools.data._pythonorg_ids import numbered

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


def records(derived: Path) -> list[dict[str, Any]]:
    return numbered(keep(source(derived, "releases"), FIELDS), derived, "release", "name")
