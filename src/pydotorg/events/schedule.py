"""When events happen: occurrences and rules read from request bodies, every occurrence a
rule makes written out, events' next occurrences, and the span their occurrences cover.

What is reasonable is decided here, at write time (422 naming the field): every date and time
lies in the years ``FIRST_YEAR`` to ``LAST_YEAR``, an event runs for at most ``MAX_SPAN_YEARS``
from its first start to its last end, a rule produces at most ``MAX_OCCURRENCES``
occurrences (``recurrence.py``), and an event at most ``MAX_EVENT_OCCURRENCES`` in all, single
and recurring (the expansion bound; the first rule past it is named). Expanding is CPU work:
:func:`schedule` is pure, and the service runs it on a worker thread, off the event loop. Its
result is written out (:func:`write_out`), so reads never expand a rule: a date range, a date
filter and the next occurrences (:func:`next_occurrences`) are index lookups, whose cost does
not grow with the rules stored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.days import FIRST_YEAR, LAST_YEAR
from pydotorg.core.exceptions import FieldError
from pydotorg.events.models import EventOccurrence, RecurringRule, RuleOccurrence
from pydotorg.events.recurrence import (
    MAX_OCCURRENCES,
    Occurrence,
    Rule,
    TooManyOccurrences,
    instant,
    local_midnight,
    wall_time,
)
from pydotorg.events.schemas import OccurrenceWrite, RuleWrite

MAX_EVENT_OCCURRENCES = 5000
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
    rule.check_form(tz)
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


@dataclass(frozen=True)
class Schedule:
    """When an event happens, as a write decided it: its single occurrences, its rules each
    with every occurrence it makes, and the summary columns."""

    singles: list[Occurrence]
    rules: list[tuple[Rule, list[Occurrence]]]
    span: Span


def schedule(
    occurrences: Sequence[OccurrenceWrite] | None,
    rules: Sequence[RuleWrite] | None,
    kept_singles: Sequence[Occurrence],
    kept_rules: Sequence[Rule],
    old: ZoneInfo,
    tz: ZoneInfo,
) -> Schedule:
    """The occurrences and rules a write gives (None: keep the event's, moving all-day ones to
    the new zone's midnights so they stay on the same dates), every rule expanded; 422 naming
    the field when anything is unreasonable, or ``rules[n]``, the first rule past the
    expansion bound. CPU only, no database: run it on a worker thread."""
    if occurrences is not None:
        singles = [parse_occurrence(o, tz, f"occurrences[{n}]") for n, o in enumerate(occurrences)]
    else:
        singles = [rezoned(o, old, tz) for o in kept_singles]
    if rules is not None:
        parsed = [parse_rule(r, tz, f"rules[{n}]") for n, r in enumerate(rules)]
    else:
        parsed = [rezoned_rule(r, old, tz) for r in kept_rules]
    if not singles and not parsed:
        raise FieldError("occurrences", "an event needs at least one occurrence or rule")
    budget = MAX_EVENT_OCCURRENCES - len(singles)
    expanded: list[tuple[Rule, list[Occurrence]]] = []
    for number, rule in enumerate(parsed):
        try:
            if rules is None:
                rule.check_form(tz)
            made = rule.expand(tz, most=min(MAX_OCCURRENCES, budget))
        except TooManyOccurrences as exc:
            if budget >= MAX_OCCURRENCES:
                raise
            raise FieldError(
                f"rules[{number}]",
                f"an event may have at most {MAX_EVENT_OCCURRENCES} occurrences in all, single "
                f"and recurring; with this rule it would have more",
            ) from exc
        except FieldError as exc:
            if rules is not None:
                raise
            raise FieldError(f"rules[{number}]", f"in {tz.key}: {exc.message}") from exc
        budget -= len(made)
        expanded.append((rule, made))
    summary = span(singles, [(r, None if r.endless else made[-1].end) for r, made in expanded])
    return Schedule(singles, expanded, summary)


def rezoned(item: Occurrence, old: ZoneInfo, new: ZoneInfo) -> Occurrence:
    if not item.all_day or old == new:
        return item
    return Occurrence(
        instant(wall_time(item.start, old), new), instant(wall_time(item.end, old), new), True
    )


def rezoned_rule(rule: Rule, old: ZoneInfo, new: ZoneInfo) -> Rule:
    first = rezoned(Occurrence(rule.start, rule.end, rule.all_day), old, new)
    return replace(rule, start=first.start, end=first.end)


WRITE_BATCH = 500


async def write_out(
    session: AsyncSession, event_id: int, rules: Sequence[tuple[int, list[Occurrence]]]
) -> None:
    """Replace the written-out occurrences of an event's rules (rule id, its occurrences), in
    batches of ``WRITE_BATCH`` rows: each batch's statement is a trip to the database, so the
    event loop answers other requests between them."""
    await session.execute(delete(RuleOccurrence).where(RuleOccurrence.event_id == event_id))
    rows: list[dict[str, Any]] = [
        {
            "rule_id": rule_id,
            "event_id": event_id,
            "dt_start": item.start,
            "dt_end": item.end,
            "all_day": item.all_day,
            "seconds": math.ceil((item.end - item.start).total_seconds()),
        }
        for rule_id, made in rules
        for item in made
    ]
    statement = insert(cast(Table, RuleOccurrence.__table__))  # Core: no ORM bookkeeping
    for first in range(0, len(rows), WRITE_BATCH):
        await session.execute(statement, rows[first : first + WRITE_BATCH])


async def longest_occurrence(session: AsyncSession) -> timedelta:
    """How long the longest written-out occurrence lasts (an index lookup): an occurrence that
    overlaps a range starts at most this long before it (``EventFilters.apply``)."""
    seconds = await session.scalar(select(func.max(RuleOccurrence.seconds)))
    return timedelta(seconds=seconds or 0)


IDS_PER_QUERY = 1000  # well under either engine's limit of bound parameters per statement


async def next_occurrences(
    session: AsyncSession, event_ids: Sequence[int], now: datetime
) -> dict[int, Occurrence | None]:
    """Each event's first occurrence that has not ended at ``now``, single or recurring (None
    when all have). A rule's occurrences all last as long, so its first not ended is its first
    by end: one index lookup per rule (``ix_event_rule_occurrence_rule_id_dt_end``)."""
    found: dict[int, Occurrence | None] = dict.fromkeys(event_ids)
    for first in range(0, len(event_ids), IDS_PER_QUERY):
        ids = event_ids[first : first + IDS_PER_QUERY]
        for query in _next_queries(ids, now):
            for event_id, start, end, all_day in await session.execute(query):
                candidate = Occurrence(start, end, all_day)
                current = found[event_id]
                if current is None or candidate < current:
                    found[event_id] = candidate
    return found


def _next_queries(
    event_ids: Sequence[int], now: datetime
) -> tuple[Select[int, datetime, datetime, bool], Select[int, datetime, datetime, bool]]:
    singles = select(
        EventOccurrence.event_id,
        EventOccurrence.dt_start,
        EventOccurrence.dt_end,
        EventOccurrence.all_day,
    ).where(EventOccurrence.event_id.in_(event_ids), EventOccurrence.dt_end >= now)
    first_of_rule = (
        select(RuleOccurrence.id)
        .where(RuleOccurrence.rule_id == RecurringRule.id, RuleOccurrence.dt_end >= now)
        .order_by(RuleOccurrence.dt_end, RuleOccurrence.id)
        .limit(1)
        .correlate(RecurringRule)
        .scalar_subquery()
    )
    firsts = select(first_of_rule).where(RecurringRule.event_id.in_(event_ids))
    recurring = select(
        RuleOccurrence.event_id,
        RuleOccurrence.dt_start,
        RuleOccurrence.dt_end,
        RuleOccurrence.all_day,
    ).where(RuleOccurrence.id.in_(firsts))
    return singles, recurring
