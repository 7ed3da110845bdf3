"""What calendar files are written from: events as plain records, read with column queries.

A calendar file holds every event of a calendar (1,442 in Python User Groups). Loaded as ORM
objects with their occurrences, categories and venue, that took 100 to 190 ms; read as rows,
one query per table, about 30 ms (``bench/README.md``). The events are given as a list of
ids or as a query of ids (a whole calendar, however large, without a parameter per event);
rows of an event that appeared between the queries are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.events.models import (
    Event,
    EventCategory,
    EventLocation,
    EventOccurrence,
    RecurringRule,
)
from pydotorg.events.models import event_event_category as tagged
from pydotorg.events.recurrence import Occurrence, Rule
from pydotorg.events.schedule import rule_of

Ids = Sequence[int] | Select[tuple[int]]


@dataclass(frozen=True, slots=True)
class Venue:
    name: str
    address: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class ExportedEvent:
    """One event as a calendar file shows it. Occurrences and rules keep their row ids (their
    UIDs are made from them); a rule has the end of its last occurrence (None: never)."""

    id: int
    uid: str
    title: str
    description: str
    url: str
    time_zone: str
    status: str
    created: datetime
    updated: datetime
    venue: Venue | None
    categories: list[str] = field(default_factory=list)
    occurrences: list[tuple[int, Occurrence]] = field(default_factory=list)
    rules: list[tuple[int, Rule, datetime | None]] = field(default_factory=list)


EVENT_COLUMNS = (
    Event.id,
    Event.uid,
    Event.title,
    Event.description,
    Event.url,
    Event.time_zone,
    Event.status,
    Event.created,
    Event.updated,
)
VENUE_COLUMNS = (
    EventLocation.id,
    EventLocation.name,
    EventLocation.address,
    EventLocation.latitude,
    EventLocation.longitude,
)


async def exported_events(session: AsyncSession, ids: Ids) -> list[ExportedEvent]:
    """The events with these ids, oldest first."""
    if not isinstance(ids, Select) and not ids:
        return []
    rows = await session.execute(
        select(*EVENT_COLUMNS, *VENUE_COLUMNS)
        .outerjoin(EventLocation, EventLocation.id == Event.venue_id)
        .where(Event.id.in_(ids))
        .order_by(Event.first_start, Event.id)
    )
    events = [_event(*row) for row in rows]
    by_id = {event.id: event for event in events}
    occurrences = await session.execute(
        select(
            EventOccurrence.event_id,
            EventOccurrence.id,
            EventOccurrence.dt_start,
            EventOccurrence.dt_end,
            EventOccurrence.all_day,
        )
        .where(EventOccurrence.event_id.in_(ids))
        .order_by(EventOccurrence.dt_start, EventOccurrence.id)
    )
    for event_id, occurrence_id, start, end, all_day in occurrences:
        if event_id in by_id:
            by_id[event_id].occurrences.append((occurrence_id, Occurrence(start, end, all_day)))
    rules = await session.scalars(
        select(RecurringRule).where(RecurringRule.event_id.in_(ids)).order_by(RecurringRule.id)
    )
    for rule in rules:
        if rule.event_id in by_id:
            by_id[rule.event_id].rules.append((rule.id, rule_of(rule), rule.last_end))
    categories = await session.execute(
        select(tagged.c.event_id, EventCategory.name)
        .join(EventCategory, EventCategory.id == tagged.c.category_id)
        .where(tagged.c.event_id.in_(ids))
        .order_by(EventCategory.id)
    )
    for event_id, name in categories:
        if event_id in by_id:
            by_id[event_id].categories.append(name)
    return events


def _event(
    event_id: int,
    uid: str,
    title: str,
    description: str,
    url: str,
    time_zone: str,
    status: str,
    created: datetime,
    updated: datetime,
    venue_id: int | None,
    *venue: Any,
) -> ExportedEvent:
    return ExportedEvent(
        event_id,
        uid,
        title,
        description,
        url,
        time_zone,
        status,
        created,
        updated,
        None if venue_id is None else Venue(*venue),
    )
