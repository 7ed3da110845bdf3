"""The service's one clock.

Every value that depends on the date reads the time here: a series' support status, which
events are still to come, when a job posting expires, the default range of the occurrences
list, and the times rows are created and changed. ``CLOCK_START`` (an ISO 8601 instant) makes
the clock start at that instant when the process starts and run on from there, so tests and
demonstrations can put the service on any day; unset, it is the real time.

Credentials are the exception: their lifetimes are counted in the real time (:func:`real_now`),
as PyJWT checks tokens' expiry against it, so a moved clock never makes a sign-in, a token or
an API key last longer or shorter than it should.
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


def real_now() -> datetime:
    """The real time, whatever ``CLOCK_START`` says: what credentials' lifetimes are counted
    in (the tokens' own expiry is checked against it by PyJWT)."""
    return datetime.now(UTC)


def start_at(moment: datetime | None) -> None:
    """Run the clock on from ``moment`` (None: the real time), for this process."""
    global _offset
    _offset = timedelta(0) if moment is None else moment - datetime.now(UTC)
