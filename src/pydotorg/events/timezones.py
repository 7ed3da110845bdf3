"""VTIMEZONE components: a zone's real offset changes, over the years a calendar file covers.

A zone's changes are found by reading its UTC offset once a week and bisecting each change to
the second: weekly readings find every change that daily ones find, in every zone of tzdata
from 1969 to 2102, at a quarter of the cost (``bench/ical_library.py``). They are found once per
zone and year and kept for the life of the process (at most every zone times the 133 years a
VTIMEZONE may cover), and each VTIMEZONE is kept too: an export pays for a zone once, in
proportion to the years it covers, and then only for a lookup. Years outside the supported ones
are never computed: a file that covers more (rows written before the rule) gets the supported
years' changes.

Written here rather than with icalendar's ``Timezone.from_tzinfo``: that writes the onset of
daylight saving time in the new offset's local time (an hour late, read as RFC 5545 says, in
``TZOFFSETFROM``) and misses changes less than 64 days apart (34 of Casablanca's 187 since
1970), as ``bench/ical_library.py`` shows.

Each observance (offsets, name, daylight or not) is one component: its first onset in
``DTSTART`` and the later ones in ``RDATE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from pydotorg.core.days import FIRST_YEAR, LAST_YEAR

STEP = 7 * 24 * 3600
FIRST_COVERED, LAST_COVERED = FIRST_YEAR - 1, LAST_YEAR + 1
"""Years a VTIMEZONE may cover: instants in the supported years, a day either side in UTC."""


@dataclass(frozen=True)
class Observance:
    """What clocks show from an onset on: the offsets before and after, the name, and whether
    it is daylight saving time."""

    before: timedelta
    after: timedelta
    name: str
    daylight: bool


def _offset(tz: ZoneInfo, moment: int) -> timedelta:
    return datetime.fromtimestamp(moment, tz).utcoffset() or timedelta(0)


def _observance(tz: ZoneInfo, moment: int, before: timedelta) -> Observance:
    local = datetime.fromtimestamp(moment, tz)
    after = local.utcoffset() or timedelta(0)
    return Observance(before, after, local.tzname() or "", bool(local.dst()))


@cache
def changes(key: str, year: int) -> tuple[tuple[int, Observance], ...]:
    """The zone's offset changes in one UTC year, as (Unix time, observance from then on)."""
    tz = ZoneInfo(key)
    moment = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
    offset = _offset(tz, moment)
    found = []
    while moment < end:
        following = min(moment + STEP, end)
        if _offset(tz, following) != offset:
            low, high = moment, following
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(tz, middle) == offset:
                    low = middle
                else:
                    high = middle
            observance = _observance(tz, high, offset)
            found.append((high, observance))
            offset = observance.after
        moment = following
    return tuple(found)


def covered_years(first: datetime, last: datetime) -> tuple[int, int]:
    """The UTC years from ``first`` to ``last``, kept inside the ones a VTIMEZONE may cover."""
    low = min(max(first.year, FIRST_COVERED), LAST_COVERED)
    return low, min(max(last.year, low), LAST_COVERED)


def _local(moment: int, offset: timedelta) -> str:
    return f"{datetime.fromtimestamp(moment, UTC) + offset:%Y%m%dT%H%M%S}"


def _utc_offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


@lru_cache(maxsize=2048)
def vtimezone(key: str, first_year: int, last_year: int) -> tuple[str, ...]:
    """The VTIMEZONE of a zone from the start of ``first_year`` to the end of ``last_year``
    (unfolded lines; names are plain text, as tzdata's are)."""
    tz = ZoneInfo(key)
    start = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
    initial = _observance(tz, start, _offset(tz, start))
    onsets: dict[Observance, list[str]] = {initial: [_local(start, initial.after)]}
    for year in range(first_year, last_year + 1):
        for moment, observance in changes(key, year):
            onsets.setdefault(observance, []).append(_local(moment, observance.before))
    lines = ["BEGIN:VTIMEZONE", f"TZID:{key}"]
    for observance, starts in onsets.items():
        kind = "DAYLIGHT" if observance.daylight else "STANDARD"
        lines += [f"BEGIN:{kind}", f"DTSTART:{starts[0]}"]
        if len(starts) > 1:
            lines.append("RDATE:" + ",".join(starts[1:]))
        lines += [
            f"TZOFFSETFROM:{_utc_offset(observance.before)}",
            f"TZOFFSETTO:{_utc_offset(observance.after)}",
            f"TZNAME:{observance.name}",
            f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    return tuple(lines)
