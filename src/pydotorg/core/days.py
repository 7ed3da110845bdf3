"""Days and instants from clients: the years a filter may name, a range of whole UTC days,
and datetimes UTC can hold.

A day filter (``date_from``, ``date_to``) names a day of the years ``FIRST_YEAR`` to
``LAST_YEAR``, else it is a 400 naming the parameter; a range whose end comes before its start
is a 422 naming ``date_to``. Every list with a date range reads it through here.

The service keeps and compares every instant in UTC. A datetime whose offset carries it past
the years Python's datetime holds (``0001-01-01T00:00:00+01:00`` is in year 0 in UTC,
``9999-12-31T23:59:59-05:00`` in year 10000) has no UTC equivalent: converting it raises
``OverflowError``. Every datetime a request carries passes :func:`outside_utc` or
:func:`in_utc`, request bodies as they are decoded (``web.requests``) and python.org's filters
as they are read (``compat.lookups``), so such a value is a 400 naming its field wherever it is
sent. Naive datetimes are left to the domain that gives them a zone (an event's own zone),
which checks their years first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec

from pydotorg.core import clock
from pydotorg.core.exceptions import FieldError, ParameterError

FIRST_YEAR, LAST_YEAR = 1970, 2100
MAX_RANGE_DAYS = 5 * 366


def supported_day(day: date | None, name: str) -> date | None:
    """``day``, or a 400 naming ``name`` when it lies outside the supported years."""
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ParameterError(name, f"must be a day of the years {FIRST_YEAR} to {LAST_YEAR}")
    return day


@dataclass(frozen=True)
class DateRange:
    """Whole UTC days, both ends included, as the instants ``[after, before)``; an open end is
    None."""

    after: datetime | None
    before: datetime | None

    @classmethod
    def of(cls, first: date | None, last: date | None) -> DateRange | None:
        if first is None and last is None:
            return None
        if first is not None and last is not None and last < first:
            raise FieldError("date_to", "must not be before date_from", source="query")
        return cls(
            datetime.combine(first, time(), UTC) if first else None,
            datetime.combine(last + timedelta(days=1), time(), UTC) if last else None,
        )

    @classmethod
    def bounded(cls, first: date | None, last: date | None, default_days: int) -> DateRange:
        """A closed range for expanding recurrences: from today, ``default_days`` long."""
        if first is None:
            first = clock.today() if last is None else last - timedelta(default_days)
        if last is None:
            last = first + timedelta(days=default_days)
        if (last - first).days > MAX_RANGE_DAYS:
            raise FieldError(
                "date_to", f"a range may span at most {MAX_RANGE_DAYS} days", source="query"
            )
        dates = cls.of(first, last)
        assert dates is not None
        return dates

    @property
    def closed(self) -> bool:
        return self.after is not None and self.before is not None

    def where(self, column: Any) -> list[Any]:
        """The conditions that keep ``column`` (a UTC datetime) within the range."""
        conditions = []
        if self.after is not None:
            conditions.append(column >= self.after)
        if self.before is not None:
            conditions.append(column < self.before)
        return conditions


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
