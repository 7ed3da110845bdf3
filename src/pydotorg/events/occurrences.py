"""When events happen: occurrences and rules read from request bodies, an event's next
occurrence, and the span its occurrences cover.

What is reasonable is decided here, at write time (422 naming the field): every date and time
lies in the years ``FIRST_YEAR`` to ``LAST_YEAR``, an event runs for at most ``MAX_SPAN_YEARS``
from its first start to its last end, and a rule produces at most ``MAX_OCCURRENCES``
occurrences (``recurrence.py``). So whatever is stored, reading, expanding and exporting it
stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pydotorg.core.days import FIRST_YEAR, LAST_YEAR
from pydotorg.core.exceptions import FieldError
from pydotorg.events.models import Event, RecurringRule
from pydotorg.events.recurrence import (
    Occurrence,
    Rule,
    instant,
    local_midnight,
)
from pydotorg.events.schemas import OccurrenceWrite, RuleWrite

MAX_SPAN_YEARS = 20
MAX_SPAN_DAYS = MAX_SPAN_YEARS * 365 + MAX_SPAN_YEARS // 4
YEARS = f"must be between the years {FIRST_YEAR} and {LAST_YEAR}"


def _aware(value: datetime, tz: ZoneInfo, field: str) -> datetime:
    local = value.astimezone(tz) if value.tzinfo is not None else value
    if not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise FieldError(field, YEARS)
    return instant(value, tz) if value.tzinfo is None else value.astimezone(UTC)


def parse_occurrence(item: OccurrenceWrite, tz: ZoneInfo, field: str) -> Occurrence:
    """A request's occurrence as UTC instants; naive datetimes are local to the event's zone."""
    if item.all_day:
        if item.dt_start is not None or item.dt_end is not None:
            raise FieldError(field, "an all-day occurrence takes start_date and end_date")
        if item.start_date is None:
            raise FieldError(f"{field}.start_date", "required for an all-day occurrence")
        last = item.end_date or item.start_date
        if last < item.start_date:
            raise FieldError(f"{field}.end_date", "must not be before start_date")
        if not FIRST_YEAR <= item.start_date.year <= last.year <= LAST_YEAR:
            raise FieldError(f"{field}.start_date", YEARS)
        return Occurrence(
            local_midnight(item.start_date, tz),
            local_midnight(last + timedelta(days=1), tz),
            all_day=True,
        )
    if item.start_date is not None or item.end_date is not None:
        raise FieldError(field, "start_date and end_date are for all-day occurrences")
    if item.dt_start is None:
        raise FieldError(f"{field}.dt_start", "required (or set all_day with start_date)")
    if item.dt_end is None:
        raise FieldError(f"{field}.dt_end", "required (or set all_day with start_date)")
    start = _aware(item.dt_start, tz, f"{field}.dt_start")
    end = _aware(item.dt_end, tz, f"{field}.dt_end")
    if end < start:
        raise FieldError(f"{field}.dt_end", "must not be before dt_start")
    return Occurrence(start, end)


def parse_rule(item: RuleWrite, tz: ZoneInfo, field: str) -> Rule:
    first = parse_occurrence(item, tz, field)
    until = None
    if item.until is not None:
        until = _aware(item.until, tz, f"{field}.until")
    rule = Rule(
        start=first.start,
        end=first.end,
        frequency=item.frequency,
        interval=item.interval,
        count=item.count,
        until=until,
        by_day=tuple(day.upper() for day in item.by_day),
        all_day=first.all_day,
    )
    rule.check(tz)
    return rule


def rule_of(row: RecurringRule) -> Rule:
    return Rule(
        start=row.dt_start,
        end=row.dt_end,
        frequency=row.frequency,
        interval=row.interval,
        count=row.count,
        until=row.until,
        by_day=tuple(filter(None, row.by_day.split(","))),
        all_day=row.all_day,
    )


def singles(event: Event) -> list[Occurrence]:
    return [Occurrence(o.dt_start, o.dt_end, o.all_day) for o in event.occurrences]


def next_occurrence(event: Event, now: datetime) -> Occurrence | None:
    """The first occurrence that has not ended yet, single or recurring."""
    tz = ZoneInfo(event.time_zone)
    candidates = [o for o in singles(event) if o.end >= now]
    for row in event.rules:
        found = rule_of(row).next_after(now, tz)
        if found is not None:
            candidates.append(found)
    return min(candidates, default=None)


@dataclass(frozen=True)
class Span:
    """The summary columns of an event that let lists filter and sort in SQL."""

    first_start: datetime | None
    last_end: datetime | None
    ends_never: bool


def span(occurrences: list[Occurrence], rules: list[tuple[Rule, datetime | None]]) -> Span:
    """The summary of an event's occurrences and rules; 422 when it runs for more than
    ``MAX_SPAN_YEARS`` from its first start to its last end."""
    starts = [o.start for o in occurrences] + [r.start for r, _ in rules]
    ends = [o.end for o in occurrences] + [end for _, end in rules if end is not None]
    first_start, last_end = min(starts, default=None), max(ends, default=None)
    if first_start and last_end and last_end - first_start > timedelta(days=MAX_SPAN_DAYS):
        field = "occurrences" if last_end in (o.end for o in occurrences) else "rules"
        raise FieldError(
            field,
            f"an event may run for at most {MAX_SPAN_YEARS} years from its first start to its "
            f"last end (this one runs for {(last_end - first_start).days // 365} years)",
        )
    return Span(
        first_start=first_start,
        last_end=last_end,
        ends_never=any(end is None for _, end in rules),
    )
