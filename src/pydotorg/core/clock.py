"""The service's one clock.

Every value that depends on the date reads the time here: a series' support status, which
events are still to come, when a job posting expires, the default range of the occurrences
list, and the times rows are created and changed. ``CLOCK_START`` (an ISO 8601 instant) makes
the clock start at that instant when the process starts and run on from there, so tests and
demonstrations can put the service on any day; unset, it is the real time.

Credentials are the exception: JSON Web Tokens are signed and checked against the real time by
PyJWT, so a moved clock never makes a token last longer or shorter than its lifetime.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

_offset = timedelta(0)


def now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(UTC) + _offset


def today() -> date:
    """The current day, in UTC."""
    return now().date()


def start_at(moment: datetime | None) -> None:
    """Run the clock on from ``moment`` (None: the real time), for this process."""
    global _offset
    _offset = timedelta(0) if moment is None else moment - datetime.now(UTC)
