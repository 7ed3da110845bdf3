"""What the events API can do: list, read, create, edit, review and delete events.

Services own the rules and the transaction; controllers only translate HTTP. When events happen
is in ``occurrences.py`` and ``recurrence.py``; calendars, categories and venues in
``calendars.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.database import commit_or_conflict
from pydotorg.core.exceptions import FieldError, NotFoundError
from pydotorg.core.pagination import Window
from pydotorg.core.schemas import changed_fields
from pydotorg.core.text import slugify as slugify_text
from pydotorg.events.calendars import category_read, location_read
from pydotorg.events.filters import EventFilters, Viewer, single_in
from pydotorg.events.models import (
    STATUS_APPROVED,
    STATUS_REJECTED,
    Calendar,
    Event,
    EventCategory,
    EventLocation,
    EventOccurrence,
    RecurringRule,
)
from pydotorg.events.occurrences import (
    next_occurrence,
    occurrence_read,
    parse_occurrence,
    parse_rule,
    rule_of,
    rule_read,
    singles,
    span,
)
from pydotorg.events.recurrence import Occurrence, Rule, instant, wall_time, zone
from pydotorg.events.schemas import EventCreate, EventRead, EventSubmit, EventUpdate

NEWEST_FIRST = (Event.first_start.desc(), Event.id.desc())


def slugify(text: str) -> str:
    return slugify_text(text, fallback="event")


def event_read(event: Event, base: str, now: datetime) -> EventRead:
    tz = ZoneInfo(event.time_zone)
    upcoming = next_occurrence(event, now)
    uri = f"{base}/api/v1/events/{event.id}"
    return EventRead(
        id=event.id,
        uid=event.uid,
        slug=event.slug,
        title=event.title,
        description=event.description,
        calendar=event.calendar_id,
        calendar_slug=event.calendar.slug,
        venue=location_read(event.venue, base) if event.venue else None,
        categories=[category_read(c, base) for c in event.categories],
        featured=event.featured,
        url=event.url,
        time_zone=event.time_zone,
        status=event.status,  # type: ignore[arg-type]
        review_note=event.review_note,
        creator=event.creator_id,
        occurrences=[
            occurrence_read(Occurrence(o.dt_start, o.dt_end, o.all_day), tz, o.id)
            for o in event.occurrences
        ],
        rules=[rule_read(rule, tz) for rule in event.rules],
        next_occurrence=occurrence_read(upcoming, tz) if upcoming else None,
        created=event.created,
        updated=event.updated,
        ical_url=f"{uri}/ical",
        resource_uri=uri,
    )


class EventService:
    """Events for one request's session and caller."""

    def __init__(self, session: AsyncSession, *, viewer: Viewer, base: str) -> None:
        self.session = session
        self.viewer = viewer
        self.base = base
        self.now = datetime.now(UTC)

    # Reading ------------------------------------------------------------------------------

    async def list_events(
        self, filters: EventFilters, window: Window, *, by_next: bool = False
    ) -> tuple[list[EventRead], int]:
        """Newest first; ``by_next`` orders by the next occurrence instead (upcoming lists).

        SQL filters and pages exactly, except where recurrence decides: ordering by the next
        occurrence, and whether a rule hits a closed date range. Those lists are cut here.
        """
        if by_next:
            events = await self.matching(filters, by_next=True)
            shown = events[window.offset : window.offset + window.limit]
            return [event_read(e, self.base, self.now) for e in shown], len(events)
        dates = filters.dates
        if dates is not None and dates.closed:
            ids = await self.matching_ids(filters, NEWEST_FIRST)
            return await self._reads(ids[window.offset : window.offset + window.limit]), len(ids)
        query = filters.apply(self.viewer.visible(select(Event.id)), self.now)
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        page = query.order_by(*NEWEST_FIRST).limit(window.limit).offset(window.offset)
        return await self._reads(list(await self.session.scalars(page))), total or 0

    async def matching_ids(self, filters: EventFilters, order: Sequence[Any]) -> list[int]:
        """The ids of every visible event the filters match, with rules checked by expansion
        when they might hit a closed date range (single occurrences SQL checks exactly)."""
        query = filters.apply(self.viewer.visible(select(Event.id)), self.now).order_by(*order)
        dates = filters.dates
        if dates is None or dates.after is None or dates.before is None:
            return list(await self.session.scalars(query))
        after, before = dates.after, dates.before
        rows = (await self.session.execute(query.add_columns(single_in(dates)))).all()
        unsure = [event_id for event_id, hit in rows if not hit]
        rules = await self.session.execute(
            select(RecurringRule, Event.time_zone)
            .join(Event, Event.id == RecurringRule.event_id)
            .where(RecurringRule.event_id.in_(unsure))
        )
        hit_by_rule = {
            rule.event_id
            for rule, time_zone in rules
            if rule_of(rule).hits(after, before, ZoneInfo(time_zone))
        }
        return [event_id for event_id, hit in rows if hit or event_id in hit_by_rule]

    async def matching(self, filters: EventFilters, *, by_next: bool = False) -> list[Event]:
        """Every visible event the filters match, newest first or by next occurrence."""
        events = await self.load(await self.matching_ids(filters, NEWEST_FIRST))
        if by_next:
            keyed = [(next_occurrence(e, self.now), e) for e in events]
            events = [e for _, e in sorted((k for k in keyed if k[0]), key=_by_next)]
        return events

    async def load(self, ids: Sequence[int]) -> list[Event]:
        """Events with their occurrences, rules, categories and venue, in the order of ``ids``."""
        if not ids:
            return []
        found = {
            e.id: e for e in await self.session.scalars(select(Event).where(Event.id.in_(ids)))
        }
        return [found[i] for i in ids if i in found]

    async def _reads(self, ids: Sequence[int]) -> list[EventRead]:
        return [event_read(e, self.base, self.now) for e in await self.load(ids)]

    async def event(self, key: int | str, *, fresh: bool = False) -> Event:
        query = self.viewer.visible(select(Event))
        if fresh:
            query = query.execution_options(populate_existing=True)
        query = query.where(Event.id == key if isinstance(key, int) else Event.slug == key)
        event = await self.session.scalar(query)
        if event is None:
            what = f"id {key}" if isinstance(key, int) else f"slug {key!r}"
            raise NotFoundError(f"No event with {what}.")
        return event

    async def get_event(self, key: int | str, *, fresh: bool = False) -> EventRead:
        return event_read(await self.event(key, fresh=fresh), self.base, self.now)

    async def export(self, filters: EventFilters, window: Window | None = None) -> list[Event]:
        """Events for a calendar file, oldest first (all of them, or one page)."""
        ids = await self.matching_ids(filters, (Event.first_start, Event.id))
        if window is not None:
            ids = ids[window.offset : window.offset + window.limit]
        return await self.load(ids)

    # Writing ------------------------------------------------------------------------------

    async def create_event(
        self, data: EventCreate | EventSubmit, *, creator: int | None, status: str
    ) -> EventRead:
        tz = zone(data.time_zone)
        await self._check_calendar(data.calendar)
        explicit = data.slug if isinstance(data, EventCreate) else None
        if explicit:
            await self._check_slug(explicit)
            slug = explicit
        else:
            slug = await self._free_slug(slugify(data.title))
        event = Event(
            uid=f"event-{uuid.uuid4().hex}@python.org",
            slug=slug,
            title=data.title,
            description=data.description,
            calendar_id=data.calendar,
            venue_id=await self._venue(data.venue),
            featured=data.featured if isinstance(data, EventCreate) else False,
            url=data.url,
            time_zone=data.time_zone,
            status=status,
            creator_id=creator,
            occurrences=[],
            rules=[],
            categories=await self._categories(data.categories, data.calendar),
        )
        self._retime(event, data.occurrences, data.rules, tz, tz)
        self.session.add(event)
        await commit_or_conflict(self.session)
        return await self.get_event(event.id, fresh=True)

    async def update_event(self, event_id: int, data: EventUpdate) -> EventRead:
        event = await self.event(event_id)
        changes = changed_fields(data)
        old_zone = ZoneInfo(event.time_zone)
        tz = zone(changes["time_zone"]) if "time_zone" in changes else old_zone
        if "calendar" in changes:
            await self._check_calendar(changes["calendar"])
            event.calendar_id = changes.pop("calendar")
        if changes.get("slug", event.slug) != event.slug:
            await self._check_slug(changes["slug"])
        if "venue" in changes:
            event.venue_id = await self._venue(changes.pop("venue"))
        wanted = changes.pop("categories", [c.id for c in event.categories])
        event.categories = await self._categories(wanted, event.calendar_id)
        occurrences, rules = changes.pop("occurrences", None), changes.pop("rules", None)
        if occurrences is not None or rules is not None or tz != old_zone:
            self._retime(event, occurrences, rules, old_zone, tz)
        for key, value in changes.items():
            setattr(event, key, value)
        await commit_or_conflict(self.session)
        return await self.get_event(event.id, fresh=True)

    async def review(self, event_id: int, *, approve: bool, reason: str = "") -> EventRead:
        """Approve (publish) or reject an event; a rejection tells the submitter why."""
        event = await self.event(event_id)
        event.status = STATUS_APPROVED if approve else STATUS_REJECTED
        event.review_note = "" if approve else reason
        await commit_or_conflict(self.session)
        return await self.get_event(event.id, fresh=True)

    async def delete_event(self, event_id: int) -> None:
        event = await self.event(event_id)
        await self.session.delete(event)
        await commit_or_conflict(self.session)

    # Helpers ------------------------------------------------------------------------------

    def _retime(
        self,
        event: Event,
        occurrences: list[Any] | None,
        rules: list[Any] | None,
        old_zone: ZoneInfo,
        tz: ZoneInfo,
    ) -> None:
        """Replace the lists given; keep the others (and their ids, which calendar UIDs use),
        moving all-day ones to the new zone's midnights so they stay on the same dates."""
        if occurrences is not None:
            parsed = [
                parse_occurrence(o, tz, f"occurrences[{n}]") for n, o in enumerate(occurrences)
            ]
            event.occurrences = [
                EventOccurrence(dt_start=o.start, dt_end=o.end, all_day=o.all_day) for o in parsed
            ]
        else:
            for row in event.occurrences:
                moved = _rezoned(Occurrence(row.dt_start, row.dt_end, row.all_day), old_zone, tz)
                row.dt_start, row.dt_end = moved.start, moved.end
        if rules is not None:
            new_rules = [parse_rule(r, tz, f"rules[{n}]") for n, r in enumerate(rules)]
            event.rules = [_rule_row(r, r.last_end(tz)) for r in new_rules]
        else:
            for number, rule_row in enumerate(event.rules):
                moved_rule = _rezoned_rule(rule_of(rule_row), old_zone, tz)
                try:
                    moved_rule.check(tz)
                except FieldError as exc:
                    raise FieldError(f"rules[{number}]", f"in {tz.key}: {exc.message}") from exc
                rule_row.dt_start, rule_row.dt_end = moved_rule.start, moved_rule.end
                rule_row.last_end = moved_rule.last_end(tz)
        if not event.occurrences and not event.rules:
            raise FieldError("occurrences", "an event needs at least one occurrence or rule")
        summary = span(singles(event), [(rule_of(r), r.last_end) for r in event.rules])
        event.first_start = summary.first_start
        event.last_end = summary.last_end
        event.ends_never = summary.ends_never

    async def _check_calendar(self, calendar_id: int) -> None:
        if await self.session.get(Calendar, calendar_id) is None:
            raise FieldError("calendar", f"no calendar with id {calendar_id}")

    async def _venue(self, venue_id: int | None) -> int | None:
        if venue_id is not None and await self.session.get(EventLocation, venue_id) is None:
            raise FieldError("venue", f"no event location with id {venue_id}")
        return venue_id

    async def _categories(self, ids: list[int], calendar_id: int) -> list[EventCategory]:
        found = {
            c.id: c
            for c in await self.session.scalars(
                select(EventCategory).where(EventCategory.id.in_(ids))
            )
        }
        for category_id in ids:
            category = found.get(category_id)
            if category is None:
                raise FieldError("categories", f"no event category with id {category_id}")
            if category.calendar_id != calendar_id:
                raise FieldError(
                    "categories", f"category {category_id} belongs to another calendar"
                )
        return [found[i] for i in dict.fromkeys(ids)]

    async def _check_slug(self, slug: str) -> None:
        if await self.session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
            raise FieldError("slug", f"an event with slug {slug!r} already exists")

    async def _free_slug(self, wanted: str) -> str:
        taken = set(
            await self.session.scalars(
                select(Event.slug).where((Event.slug == wanted) | Event.slug.like(f"{wanted}-%"))
            )
        )
        slug, number = wanted, 2
        while slug in taken:
            slug, number = f"{wanted}-{number}", number + 1
        return slug


def _by_next(item: tuple[Occurrence | None, Event]) -> tuple[datetime, int]:
    upcoming, event = item
    assert upcoming is not None
    return upcoming.start, event.id


def _rule_row(rule: Rule, last_end: datetime | None) -> RecurringRule:
    return RecurringRule(
        dt_start=rule.start,
        dt_end=rule.end,
        all_day=rule.all_day,
        frequency=rule.frequency,
        interval=rule.interval,
        count=rule.count,
        until=rule.until,
        by_day=",".join(rule.by_day),
        last_end=last_end,
    )


def _rezoned(item: Occurrence, old: ZoneInfo, new: ZoneInfo) -> Occurrence:
    if not item.all_day or old == new:
        return item
    return Occurrence(
        instant(wall_time(item.start, old), new), instant(wall_time(item.end, old), new), True
    )


def _rezoned_rule(rule: Rule, old: ZoneInfo, new: ZoneInfo) -> Rule:
    first = _rezoned(Occurrence(rule.start, rule.end, rule.all_day), old, new)
    return replace(rule, start=first.start, end=first.end)
