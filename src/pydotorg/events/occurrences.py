"""When events happen: occurrences and rules read from request bodies, an event's next
occurrence, and the span its occurrences cover."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pydotorg.core.exceptions import FieldError
from pydotorg.events.models import Event, RecurringRule
from pydotorg.events.recurrence import Occurrence, Rule, instant, local_midnight
from pydotorg.events.schemas import OccurrenceWrite, RuleWrite

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def _aware(value: datetime, tz: ZoneInfo, field: str) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise FieldError(field, f"must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
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
        if not EARLIEST_YEAR <= item.start_date.year <= last.year <= LATEST_YEAR:
            raise FieldError(f"{field}.start_date", "is out of the supported years")
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
    starts = [o.start for o in occurrences] + [r.start for r, _ in rules]
    ends = [o.end for o in occurrences] + [end for _, end in rules if end is not None]
    return Span(
        first_start=min(starts, default=None),
        last_end=max(ends, default=None),
        ends_never=any(end is None for _, end in rules),
    )
