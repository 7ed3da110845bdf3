"""python.org's two Google calendars, 2012-2019: each event's uid, title, calendar, times,
place (location, country, coordinates) and URL.

Not shipped: ``description_html``, the event organisers' own text (the seed composes a line
from the facts instead), and ``google_event_url``, which the service does not use. The order is
the source's: the seed numbers events in this order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.data._fields import keep, source

OUTPUT = "events_calendar.json.gz"
FIELDS = (
    "uid",
    "title",
    "calendar",
    "start",
    "end",
    "location",
    "country",
    "latitude",
    "longitude",
    "url",
    "source",
)


def records(derived: Path) -> list[dict[str, Any]]:
    return keep(source(derived, "events_calendar"), FIELDS)
