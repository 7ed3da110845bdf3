"""What the events API can do: list, read, create, edit, review and delete events.

When events happen is in ``occurrences.py`` and ``recurrence.py``; calendars, categories and
venues in ``calendar_services.py``; the occurrences of a date range in
``occurrence_services.py``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, select

from pydotorg.core.exceptions import FieldError
from pydotorg.core.feeds import FeedAbout, feed_document
from pydotorg.core.metrics import ICAL_SECONDS, timed
from pydotorg.core.pagination import Page, Window
from pydotorg.core.queries import AnySelect, free_slug, page_of
from pydotorg.core.resources import CrudService, to_schema
from pydotorg.core.schemas import changed_fields
from pydotorg.core.services import Context
from pydotorg.core.text import slugify as slugify_text
from pydotorg.core.workflow import Move, Workflow
from pydotorg.events import ical
from pydotorg.events.calendar_services import (
    CalendarService,
    EventCategoryService,
    EventLocationService,
)
from pydotorg.events.exports import exported_events
from pydotorg.events.feeds import FEED_SIZE, feed_items
from pydotorg.events.filters import EventFilters
from pydotorg.events.models import (
    STATUS_APPROVED,
    STATUS_PENDING,
    STATUS_REJECTED,
    Calendar,
    Event,
    EventCategory,
    EventLocation,
    EventOccurrence,
    RecurringRule,
)
from pydotorg.events.recurrence import Occurrence, Rule, zone
from pydotorg.events.schedule import (
    Schedule,
    longest_occurrence,
    next_occurrences,
    rule_of,
    schedule,
    write_out,
)
from pydotorg.events.schemas import (
    EventCreate,
    EventRead,
    EventSubmit,
    EventUpdate,
    OccurrenceRead,
    RuleRead,
)

NEWEST_FIRST = (Event.first_start.desc(), Event.id.desc())


def slugify(text: str) -> str:
    return slugify_text(text, fallback="event")


def shown(item: Occurrence, tz: ZoneInfo) -> dict[str, Any]:
    """When an occurrence happens, as every answer shows it: its start and end in ``tz``, and
    for an all-day one its first and last day (``dt_start``, ``dt_end``, ``all_day``,
    ``start_date``, ``end_date``)."""
    start, end = item.start.astimezone(tz), item.end.astimezone(tz)
    return {
        "dt_start": start,
        "dt_end": end,
        "all_day": item.all_day,
        "start_date": start.date() if item.all_day else None,
        "end_date": (end - timedelta(days=1)).date() if item.all_day else None,
    }


def occurrence_read(
    item: Occurrence, tz: ZoneInfo, occurrence_id: int | None = None
) -> OccurrenceRead:
    return OccurrenceRead(**shown(item, tz), id=occurrence_id)


def rule_read(row: RecurringRule, tz: ZoneInfo) -> RuleRead:
    rule = rule_of(row)
    return RuleRead(
        id=row.id,
        **shown(Occurrence(rule.start, rule.end, rule.all_day), tz),
        frequency=rule.frequency,  # type: ignore[arg-type]
        interval=rule.interval,
        count=rule.count,
        until=rule.until.astimezone(tz) if rule.until else None,
        by_day=list(rule.by_day),
        rrule=rule.rrule_text(tz),
    )


STATES = (STATUS_APPROVED, STATUS_PENDING, STATUS_REJECTED)
REVIEW = Workflow(
    "event",
    {
        "approve": Move.of(STATES, STATUS_APPROVED, "staff", "Approve a submitted event (staff)"),
        "reject": Move.of(
            STATES,
            STATUS_REJECTED,
            "staff",
            "Reject a submitted event, with a reason for the submitter (staff)",
            description="The event stays visible to its submitter and staff only, as "
            "`rejected`, with the reason in `review_note`.",
            reason=True,
        ),
    },
)


class EventService(CrudService[Event, EventRead]):
    """Events for one request's session and caller: approved ones for anyone, a user's own
    submissions for them, everything for staff."""

    model, read_schema, create_schema, update_schema = Event, EventRead, EventCreate, EventUpdate
    submit_schema = EventSubmit
    workflow = REVIEW

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.venues = EventLocationService(context)
        self.categories = EventCategoryService(context)
        self.upcoming: dict[int, Occurrence | None] = {}
        """The next occurrence of each event read so far (``with_upcoming``)."""

    def visible_events(self, query: AnySelect) -> AnySelect:
        public: ColumnElement[bool] = Event.status == STATUS_APPROVED
        return self.visible(query, public=public, owner=Event.creator_id)

    def query(self) -> Select[Event]:
        return self.visible_events(select(Event))

    def event_url(self, event_id: int) -> str:
        return self.links.url("getEvent", event_id)

    async def with_upcoming(self, events: Sequence[Event]) -> Sequence[Event]:
        """``events``, their next occurrences looked up for :meth:`read` (one query for all)."""
        wanted = [e.id for e in events if e.id not in self.upcoming]
        self.upcoming.update(await next_occurrences(self.session, wanted, self.now))
        return events

    async def reads(self, events: Sequence[Event]) -> list[EventRead]:
        return [self.read(e) for e in await self.with_upcoming(events)]

    async def get(self, key: int | str) -> EventRead:
        return (await self.reads([await self.row(key)]))[0]

    def read(self, event: Event) -> EventRead:
        """The event as the API shows it (its next occurrence looked up by ``with_upcoming``)."""
        tz = ZoneInfo(event.time_zone)
        upcoming = self.upcoming[event.id]
        venue = event.venue
        return to_schema(
            EventRead,
            event,
            {"calendar": "calendar_id", "calendar_slug": "calendar.slug", "creator": "creator_id"},
            venue=self.venues.read(venue) if venue else None,
            categories=[self.categories.read(c) for c in event.categories],
            occurrences=[
                occurrence_read(Occurrence(o.dt_start, o.dt_end, o.all_day), tz, o.id)
                for o in event.occurrences
            ],
            rules=[rule_read(rule, tz) for rule in event.rules],
            next_occurrence=occurrence_read(upcoming, tz) if upcoming else None,
            ical_url=self.links.url("exportEventIcal", event.id),
            resource_uri=self.event_url(event.id),
        )

    async def page(self, window: Window, filters: Any = None) -> Page[EventRead]:
        """Newest first; with ``upcoming`` by the next occurrence instead. SQL filters, orders
        and pages, from the occurrences written out for every rule."""
        filters = filters or EventFilters()
        if filters.upcoming:
            ids = await self.matching_ids(filters, by_next=True)
            shown = ids[window.offset : window.offset + window.limit]
            return Page(await self.reads(await self.load(shown)), len(ids), window)
        query = filters.apply(
            self.visible_events(select(Event.id)), self.now, await self._longest(filters)
        )
        ids, total = await page_of(self.database, query.order_by(*NEWEST_FIRST), window)
        return Page(await self.reads(await self.load(ids)), total, window)

    async def matching_ids(
        self,
        filters: EventFilters,
        order: Sequence[Any] = NEWEST_FIRST,
        *,
        by_next: bool = False,
    ) -> list[int]:
        """The ids of every visible event the filters match, in ``order``, or by next
        occurrence (leaving out those with none)."""
        longest = await self._longest(filters)
        query = filters.apply(self.visible_events(select(Event.id)), self.now, longest)
        ids = list(await self.session.scalars(query.order_by(*order)))
        if not by_next:
            return ids
        self.upcoming.update(await next_occurrences(self.session, ids, self.now))
        keyed = [(upcoming.start, i) for i in ids if (upcoming := self.upcoming[i]) is not None]
        return [i for _, i in sorted(keyed)]

    async def _longest(self, filters: EventFilters) -> timedelta | None:
        dates = filters.dates
        if dates is None or dates.after is None:
            return None
        return await longest_occurrence(self.session)

    async def load(self, ids: Sequence[int]) -> list[Event]:
        """Events with their occurrences, rules, categories and venue, in the order of ``ids``."""
        return await self.rows(Event).in_order(ids)

    @timed(ICAL_SECONDS.labels("events"))
    async def ical(self, filters: EventFilters, window: Window) -> bytes:
        """A page of the events the filters match, oldest first, as an iCalendar file."""
        ids = await self.matching_ids(filters, (Event.first_start, Event.id))
        shown = await exported_events(
            self.session, ids[window.offset : window.offset + window.limit]
        )
        return ical.calendar(shown, name="Python events", url=self.event_url)

    @timed(ICAL_SECONDS.labels("calendar"))
    async def calendar_ical(self, key: str) -> tuple[bytes, str]:
        """Every event of a calendar the caller may see as an iCalendar file, and its name."""
        calendar = await CalendarService(self.context).row(key)
        ids = self.visible_events(select(Event.id).where(Event.calendar_id == calendar.id))
        shown = await exported_events(self.session, ids)
        return ical.calendar(shown, name=calendar.name, url=self.event_url), calendar.slug

    async def calendar_feed(self, key: str, kind: str) -> bytes:
        """A calendar's next events as an ``"rss"`` or ``"atom"`` document."""
        calendar = await CalendarService(self.context).row(key)
        filters = EventFilters(calendar=str(calendar.id), upcoming=True)
        ids = (await self.matching_ids(filters, by_next=True))[:FEED_SIZE]
        upcoming = await self.load(ids)
        items = feed_items(upcoming, self.upcoming, self.event_url)
        uri = self.links.url("getCalendar", calendar.id)
        about = FeedAbout(
            title=calendar.name,
            link=calendar.url or uri,
            description=calendar.description or f"Upcoming events of {calendar.name}.",
            rss_url=self.links.url("calendarFeedRss", key),
            atom_url=self.links.url("calendarFeedAtom", key),
            feed_id=uri,
        )
        return feed_document(kind, about, items)

    @timed(ICAL_SECONDS.labels("event"))
    async def event_ical(self, event_id: int) -> tuple[bytes, str]:
        """One event as an iCalendar file, and the file's name."""
        event = await self.row(event_id)
        shown = await exported_events(self.session, [event.id])
        return ical.calendar(shown, name=event.title, url=self.event_url), event.slug

    # Writing ------------------------------------------------------------------------------

    async def create(self, data: Any) -> EventRead:
        """A staff-made event, public at once."""
        return await self._create(data, status=STATUS_APPROVED)

    async def submit(self, data: EventSubmit) -> EventRead:
        """A signed-in user's proposal: pending until staff review it."""
        return await self._create(data, status=STATUS_PENDING)

    async def _create(self, data: EventCreate | EventSubmit, *, status: str) -> EventRead:
        tz = zone(data.time_zone)
        await self._check_calendar(data.calendar)
        explicit = data.slug if isinstance(data, EventCreate) else None
        if explicit:
            await self._check_slug(explicit)
            slug = explicit
        else:
            slug = await free_slug(self.session, Event.slug, slugify(data.title))
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
            creator_id=self.caller.id if self.caller else None,
            occurrences=[],
            rules=[],
            categories=await self._categories(data.categories, data.calendar),
        )
        times = await self._retime(event, data.occurrences, data.rules, tz, tz)
        self.session.add(event)
        return await self._saved(event, times)

    async def update(self, key: int, data: Any) -> EventRead:
        event = await self.row(key)
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
        times = None
        if occurrences is not None or rules is not None or tz != old_zone:
            times = await self._retime(event, occurrences, rules, old_zone, tz)
        for name, value in changes.items():
            setattr(event, name, value)
        return await self._saved(event, times)

    async def move(self, key: int, name: str, reason: str | None = None) -> EventRead:
        """Approve (publish) or reject an event; a rejection tells the submitter why."""
        event = await self.row(key)
        move = REVIEW.check(name, event.status, staff=self.staff, owner=False)
        event.status = move.target
        event.review_note = reason or ""
        return await self._saved(event)

    async def _saved(self, event: Event, times: Schedule | None = None) -> EventRead:
        await self.session.flush()
        if times is not None:
            made = [m for _, m in times.rules]
            written = [(r.id, m) for r, m in zip(event.rules, made, strict=True)]
            await write_out(self.session, event.id, written)
        await self.commit()
        self.upcoming.pop(event.id, None)
        return (await self.reads([await self.row(event.id, fresh=True)]))[0]

    # Helpers ------------------------------------------------------------------------------

    async def _retime(
        self,
        event: Event,
        occurrences: list[Any] | None,
        rules: list[Any] | None,
        old_zone: ZoneInfo,
        tz: ZoneInfo,
    ) -> Schedule:
        """Replace the lists given; keep the others (and their ids, which calendar UIDs use),
        moved to the new zone. The rules are expanded on a worker thread (``schedule``)."""
        kept_singles = [Occurrence(o.dt_start, o.dt_end, o.all_day) for o in event.occurrences]
        kept_rules = [rule_of(r) for r in event.rules]
        times = await asyncio.to_thread(
            schedule, occurrences, rules, kept_singles, kept_rules, old_zone, tz
        )
        if occurrences is not None:
            event.occurrences = [
                EventOccurrence(dt_start=o.start, dt_end=o.end, all_day=o.all_day)
                for o in times.singles
            ]
        else:
            for row, moved in zip(event.occurrences, times.singles, strict=True):
                row.dt_start, row.dt_end = moved.start, moved.end
        if rules is not None:
            event.rules = [RecurringRule() for _ in times.rules]
        for rule_row, (rule, made) in zip(event.rules, times.rules, strict=True):
            _set_rule(rule_row, rule, None if rule.endless else made[-1].end)
        event.first_start = times.span.first_start
        event.last_end = times.span.last_end
        event.ends_never = times.span.ends_never
        return times

    async def _check_calendar(self, calendar_id: int) -> None:
        await self.rows(Calendar).reference(calendar_id, field="calendar")

    async def _venue(self, venue_id: int | None) -> int | None:
        if venue_id is not None:
            await self.rows(EventLocation).reference(venue_id, field="venue")
        return venue_id

    async def _categories(self, ids: list[int], calendar_id: int) -> list[EventCategory]:
        categories = await self.rows(EventCategory).references(ids, field="categories")
        for category in categories:
            if category.calendar_id != calendar_id:
                raise FieldError(
                    "categories", f"category {category.id} belongs to another calendar"
                )
        return categories

    async def _check_slug(self, slug: str) -> None:
        await self.rows(Event).check_unique({"slug": slug}, ["slug"])


def _set_rule(row: RecurringRule, rule: Rule, last_end: datetime | None) -> None:
    row.dt_start, row.dt_end, row.all_day = rule.start, rule.end, rule.all_day
    row.frequency, row.interval, row.count = rule.frequency, rule.interval, rule.count
    row.until, row.by_day, row.last_end = rule.until, ",".join(rule.by_day), last_end
