"""CPython releases: version, name, slug, dates, state and release page URL.

The order is the source's (1.0.1 first): the seed numbers releases in this order, so it must
not change. Dropped: the derivation's bookkeeping (``slug_source``, ``file_count``,
``is_latest``, ``is_latest_in_series``, which the service computes itself), per-release
``pep`` and ``endoflife_date`` (the release cycle has them per series) and free-text ``note``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.data._fields import keep, source

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
    return keep(source(derived, "releases"), FIELDS)
