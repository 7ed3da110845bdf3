"""Python conferences 2017-2028 (python-organizers): title, dates, place, deadlines, URLs.

One record per CSV row, in the source's order (the seed numbers events in this order).
Dropped: ``country_iso3``, which the service does not use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.data._fields import keep, source

OUTPUT = "conferences.json.gz"
FIELDS = (
    "title",
    "start",
    "end",
    "location",
    "venue",
    "tutorial_deadline",
    "talk_deadline",
    "url",
    "proposal_url",
    "sponsorship_url",
    "source",
)


def records(derived: Path) -> list[dict[str, Any]]:
    return keep(source(derived, "conferences"), FIELDS)
