"""The PSF's sponsor-members as the PSF wiki listed them (about 2018): facts only.

Each entry keeps the organisation's name, its status on the list (approved, cancelled, denied),
the month (or year) its membership began, its representative's name and the source. The raw line
and the spelled-out date are not shipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.data._fields import keep, source

OUTPUT = "sponsors.json.gz"
FIELDS = ("name", "status", "since", "representative", "source")


def records(derived: Path) -> list[dict[str, Any]]:
    return keep(source(derived, "sponsors"), FIELDS)
