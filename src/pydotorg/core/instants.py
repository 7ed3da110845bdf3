"""Datetimes from clients: each must be an instant UTC can hold.

The service keeps and compares every instant in UTC. A datetime whose offset carries it past
the years Python's datetime holds (``0001-01-01T00:00:00+01:00`` is in year 0 in UTC,
``9999-12-31T23:59:59-05:00`` in year 10000) has no UTC equivalent: converting it raises
``OverflowError``. Every datetime a request carries passes here, request bodies as they are
decoded (``core.requests``) and python.org's filters as they are read (``compat.lookups``), so
such a value is a 400 naming its field wherever it is sent. Naive datetimes are left to the
domain that gives them a zone (an event's own zone), which checks their years first.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

OUTSIDE_UTC = "must be an instant from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z"


def in_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; ``ValueError`` (saying what is allowed) when UTC cannot hold it."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(OUTSIDE_UTC) from None


def outside_utc(value: Any, path: str = "") -> str | None:
    """Where in a decoded body (``occurrences[0].dt_start``) the first aware datetime UTC
    cannot hold is, or None. ``""`` is the body itself."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return None
        try:
            in_utc(value)
        except ValueError:
            return path
        return None
    if isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            found = outside_utc(getattr(value, name), f"{path}.{name}" if path else name)
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = outside_utc(item, f"{path}[{index}]")
            if found is not None:
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            found = outside_utc(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    return None
