"""When events happen: reading occurrences and rules from request bodies, showing them in the
event's own time zone, and expanding everything into the occurrences of a date range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.exceptions import FieldError
from pydotorg.core.pagination import Window
from pydotorg.events.filters import DateRange, EventFilters, Viewer
from pydotorg.events.models import Event, EventOccurrence, RecurringRule
from pydotorg.events.recurrence import Occurrence, Rule, instant, local_midnight, zone
from pydotorg.events.schemas import (
    ExpandedOccurrenceRead,
    OccurrenceRead,
    OccurrenceWrite,
    RuleRead,
    RuleWrite,
)

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


def occurrence_read(
    item: Occurrence, tz: ZoneInfo, occurrence_id: int | None = None
) -> OccurrenceRead:
    start, end = item.start.astimezone(tz), item.end.astimezone(tz)
    return OccurrenceRead(
        dt_start=start,
        dt_end=end,
        all_day=item.all_day,
        start_date=start.date() if item.all_day else None,
        end_date=(end - timedelta(days=1)).date() if item.all_day else None,
        id=occurrence_id,
    )


def rule_read(row: RecurringRule, tz: ZoneInfo) -> RuleRead:
    rule = rule_of(row)
    first = occurrence_read(Occurrence(rule.start, rule.end, rule.all_day), tz)
    return RuleRead(
        id=row.id,
        dt_start=first.dt_start,
        dt_end=first.dt_end,
        all_day=rule.all_day,
        start_date=first.start_date,
        end_date=first.end_date,
        frequency=rule.frequency,  # type: ignore[arg-type]
        interval=rule.interval,
        count=rule.count,
        until=rule.until.astimezone(tz) if rule.until else None,
        by_day=list(rule.by_day),
        rrule=rule.rrule_text(tz),
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


def _expanded(
    occurrence: Occurrence, event: tuple[int, str, str, int, str], recurring: bool, base: str
) -> ExpandedOccurrenceRead:
    event_id, slug, title, calendar_id, time_zone = event
    shown = occurrence_read(occurrence, ZoneInfo(time_zone))
    return ExpandedOccurrenceRead(
        event=event_id,
        event_slug=slug,
        title=title,
        calendar=calendar_id,
        time_zone=time_zone,
        dt_start=shown.dt_start,
        dt_end=shown.dt_end,
        all_day=occurrence.all_day,
        start_date=shown.start_date,
        end_date=shown.end_date,
        recurring=recurring,
        event_uri=f"{base}/api/v1/events/{event_id}",
    )


class OccurrenceService:
    """The occurrences of a date range, recurring events expanded, for one caller."""

    def __init__(self, session: AsyncSession, *, viewer: Viewer, base: str) -> None:
        self.session = session
        self.viewer = viewer
        self.base = base

    async def between(
        self, filters: EventFilters, dates: DateRange, window: Window, event_id: int | None = None
    ) -> tuple[list[ExpandedOccurrenceRead], int]:
        after, before = dates.after, dates.before
        assert after is not None
        assert before is not None
        now = datetime.now(UTC)
        columns = (Event.id, Event.slug, Event.title, Event.calendar_id, Event.time_zone)
        single_query = (
            select(
                EventOccurrence.dt_start, EventOccurrence.dt_end, EventOccurrence.all_day, *columns
            )
            .join(Event, Event.id == EventOccurrence.event_id)
            .where(EventOccurrence.dt_start < dates.before, EventOccurrence.dt_end > dates.after)
        )
        rule_query = (
            select(RecurringRule, *columns)
            .join(Event, Event.id == RecurringRule.event_id)
            .where(RecurringRule.dt_start < dates.before)
            .where((RecurringRule.last_end.is_(None)) | (RecurringRule.last_end > dates.after))
        )
        found: list[tuple[Occurrence, tuple[int, str, str, int, str], bool]] = []
        for query, recurring in ((single_query, False), (rule_query, True)):
            query = filters.apply(self.viewer.visible(query), now)
            if event_id is not None:
                query = query.where(Event.id == event_id)
            for row in await self.session.execute(query):
                if recurring:
                    rule, *event = row
                    tz = zone(event[4])
                    for item in rule_of(rule).between(after, before, tz):
                        found.append((item, tuple(event), True))
                else:
                    start, end, all_day, *event = row
                    found.append((Occurrence(start, end, all_day), tuple(event), False))
        found.sort(key=lambda item: (item[0].start, item[1][0], item[0].end))
        page = found[window.offset : window.offset + window.limit]
        return [_expanded(o, e, r, self.base) for o, e, r in page], len(found)
