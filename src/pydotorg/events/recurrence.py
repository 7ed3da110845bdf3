"""Recurring events: the RFC 5545 RRULE subset python.org needs, expanded with dateutil.

A rule repeats in its event's *local* time: a weekly 18:00 meeting in Berlin stays at 18:00 on
both sides of a daylight-saving change, so its UTC instant moves by an hour. Expansion therefore
runs on naive wall-clock times in the event's zone, and each occurrence is made aware (and UTC)
only at the end. All-day rules repeat local dates.

What a rule may cost is bounded when it is written: it produces at most ``MAX_OCCURRENCES``
occurrences, a rule without an end counted up to the end of ``LAST_YEAR``, and an event at most
``MAX_EVENT_OCCURRENCES`` in all (``occurrences.py``). Every occurrence is then written out
(``Rule.expand``), so reads never expand a rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import (
    DAILY,
    FR,
    MO,
    MONTHLY,
    SA,
    SU,
    TH,
    TU,
    WE,
    WEEKLY,
    YEARLY,
    rrule,
)

from pydotorg.core.days import LAST_YEAR
from pydotorg.core.exceptions import FieldError

FREQUENCIES = {"yearly": YEARLY, "monthly": MONTHLY, "weekly": WEEKLY, "daily": DAILY}
WEEKDAYS = {"MO": MO, "TU": TU, "WE": WE, "TH": TH, "FR": FR, "SA": SA, "SU": SU}
BY_DAY = re.compile(r"^([+-]?(?:[1-9]|[1-4][0-9]|5[0-3]))?(MO|TU|WE|TH|FR|SA|SU)$")
MAX_OCCURRENCES = 5000
"""The years every date and time of an event lies in (local to the event's zone)."""


def zone(name: str, field: str = "time_zone") -> ZoneInfo:
    """The IANA zone of that name; anything else is a 422 naming the field."""
    if name not in _zone_names():
        raise FieldError(field, f"{name!r} is not an IANA time zone such as 'Europe/Berlin'")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise FieldError(field, f"{name!r} is not a known time zone") from exc


_ZONES: set[str] = set()


NOT_A_ZONE = frozenset({"Factory"})
"""In IANA's list but no place's zone: tzdata's stand-in for "no zone set" (abbreviated -00)."""


def _zone_names() -> set[str]:
    """IANA's zone names, as the tzdata package lists them, less :data:`NOT_A_ZONE`. Not
    ``zoneinfo.available_timezones()``: that also lists the host's own files, ``localtime``
    (whatever zone the host is set to) among them."""
    if not _ZONES:
        listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
        _ZONES.update(set(listed.split()) - NOT_A_ZONE)
        _ZONES.add("UTC")
    return _ZONES


def wall_time(moment: datetime, tz: ZoneInfo) -> datetime:
    """The naive local time a clock in ``tz`` shows at an instant."""
    return moment.astimezone(tz).replace(tzinfo=None)


def instant(local: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time in ``tz`` (the earlier one when ambiguous)."""
    return local.replace(tzinfo=tz).astimezone(UTC)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return instant(datetime.combine(day, time()), tz)


@dataclass(frozen=True)
class Rule:
    """One recurrence: the first occurrence (``start``..``end``) and how it repeats."""

    start: datetime
    end: datetime
    frequency: str
    interval: int = 1
    count: int | None = None
    until: datetime | None = None
    by_day: tuple[str, ...] = ()
    all_day: bool = False

    def _rrule(self, tz: ZoneInfo) -> rrule:
        weekdays = []
        for item in self.by_day:
            match = BY_DAY.match(item)
            if match is None:
                raise FieldError("by_day", f"{item!r} is not a weekday such as 'MO' or '-1FR'")
            ordinal, day = match.groups()
            weekdays.append(WEEKDAYS[day](int(ordinal)) if ordinal else WEEKDAYS[day])
        return rrule(
            FREQUENCIES[self.frequency],
            dtstart=wall_time(self.start, tz),
            interval=self.interval,
            count=self.count,
            until=wall_time(self.until, tz) if self.until else None,
            byweekday=weekdays or None,
        )

    def _local_length(self, tz: ZoneInfo) -> timedelta:
        return wall_time(self.end, tz) - wall_time(self.start, tz)

    def starts(self, tz: ZoneInfo) -> Iterator[datetime]:
        """Every start, as UTC instants, in order (endless when the rule never ends)."""
        for local in self._rrule(tz):
            yield instant(local, tz)

    def between(self, after: datetime, before: datetime, tz: ZoneInfo) -> list[Occurrence]:
        """The occurrences overlapping ``[after, before)``."""
        length = self._local_length(tz)
        rule = self._rrule(tz)
        low = wall_time(after, tz) - length - timedelta(days=1)
        high = wall_time(before, tz) + timedelta(days=1)
        found = []
        for local in rule.between(low, high, inc=True):
            occurrence = Occurrence(instant(local, tz), instant(local + length, tz), self.all_day)
            if occurrence.start < before and occurrence.end > after:
                found.append(occurrence)
        return found

    def next_after(
        self, moment: datetime, tz: ZoneInfo, *, strict: bool = False
    ) -> Occurrence | None:
        """The first occurrence that has not ended at ``moment`` (``strict``: ends after it)."""
        length = self._local_length(tz)
        rule = self._rrule(tz)
        local = rule.after(wall_time(moment, tz) - length - timedelta(days=1), inc=True)
        while local is not None:
            occurrence = Occurrence(instant(local, tz), instant(local + length, tz), self.all_day)
            if occurrence.end > moment or (occurrence.end == moment and not strict):
                return occurrence
            local = rule.after(local)
        return None

    @property
    def endless(self) -> bool:
        return self.count is None and self.until is None

    def expand(self, tz: ZoneInfo, most: int = MAX_OCCURRENCES) -> list[Occurrence]:
        """Every occurrence, in order (of a rule without an end, those by the end of
        ``LAST_YEAR``): what is written out for reads. 422 when the rule makes none, or an
        occurrence ending after ``LAST_YEAR``; :class:`TooManyOccurrences` past ``most``, found
        without stepping further."""
        rule = self._rrule(tz)
        if self.endless:
            rule = rule.replace(until=datetime(LAST_YEAR + 1, 1, 1) - timedelta(seconds=1))
        length = self._local_length(tz)
        found: list[Occurrence] = []
        last: datetime | None = None
        for local in rule:
            if len(found) == most:
                raise TooManyOccurrences(most, endless=self.endless)
            found.append(Occurrence(instant(local, tz), instant(local + length, tz), self.all_day))
            last = local
        if last is None:
            raise FieldError("rules", "the rule produces no occurrences before its end")
        if not self.endless and (last + length).year > LAST_YEAR:
            raise FieldError("rules", f"the last occurrence must end by the end of {LAST_YEAR}")
        return found

    def last_end(self, tz: ZoneInfo) -> datetime | None:
        """The end of the last occurrence; None when the rule repeats for ever."""
        if self.endless:
            return None
        return self.expand(tz)[-1].end

    def check(self, tz: ZoneInfo) -> None:
        """RFC 5545 leaves a start that is not itself an occurrence undefined: refuse it; and
        refuse a rule that runs past ``LAST_YEAR`` or produces too many occurrences."""
        self.check_form(tz)
        self.expand(tz)

    def check_form(self, tz: ZoneInfo) -> None:
        """What can be refused without expanding the rule (``check`` expands it too)."""
        if self.count is not None and self.until is not None:
            raise FieldError("rules", "give 'count' or 'until', not both")
        if self.until is not None and self.until < self.start:
            raise FieldError("until", "must not be before the first occurrence")
        if self.frequency not in ("monthly", "yearly") and any(day[:-2] for day in self.by_day):
            raise FieldError("by_day", "numbered weekdays ('1MO') need a monthly or yearly rule")
        first = next(iter(self._rrule(tz)), None)
        if first != wall_time(self.start, tz):
            raise FieldError(
                "by_day", "the first occurrence's start must itself match the rule's weekdays"
            )

    def rrule_text(self, tz: ZoneInfo) -> str:
        """The rule as an RFC 5545 RRULE value (UNTIL in UTC, or a date for all-day rules)."""
        parts = [f"FREQ={self.frequency.upper()}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            if self.all_day:
                parts.append(f"UNTIL={self.until.astimezone(tz).date():%Y%m%d}")
            else:
                parts.append(f"UNTIL={self.until.astimezone(UTC):%Y%m%dT%H%M%SZ}")
        if self.by_day:
            parts.append("BYDAY=" + ",".join(self.by_day))
        return ";".join(parts)


class TooManyOccurrences(FieldError):
    """A rule that makes more occurrences than it may (422 naming ``rules``)."""

    def __init__(self, most: int, *, endless: bool, field: str = "rules") -> None:
        counted = f" by the end of {LAST_YEAR} (it has no end)" if endless else ""
        super().__init__(field, f"a rule may produce at most {most} occurrences{counted}")


@dataclass(frozen=True, order=True)
class Occurrence:
    """When an event happens once: UTC instants; all-day ones span whole local days."""

    start: datetime
    end: datetime
    all_day: bool = False
