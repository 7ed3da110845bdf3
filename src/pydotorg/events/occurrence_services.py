"""Every occurrence of a date range, recurring events expanded in their own time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from pydotorg.core.days import DateRange
from pydotorg.core.pagination import Page, Window
from pydotorg.core.queries import AnySelect
from pydotorg.core.services import Service
from pydotorg.events.filters import EventFilters
from pydotorg.events.models import Event, EventOccurrence, RecurringRule
from pydotorg.events.occurrences import rule_of
from pydotorg.events.recurrence import Occurrence, zone
from pydotorg.events.schemas import ExpandedOccurrenceRead
from pydotorg.events.services import EventService, occurrence_read

EventKey = tuple[int, str, str, int, str]  # id, slug, title, calendar id, time zone


class OccurrenceService(Service):
    """The occurrences of the events the caller may see."""

    def expanded(
        self, occurrence: Occurrence, event: EventKey, recurring: bool
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
            event_uri=self.links.url("getEvent", event_id),
        )

    async def between(
        self, filters: EventFilters, dates: DateRange, window: Window, event_id: int | None = None
    ) -> Page[ExpandedOccurrenceRead]:
        after, before = dates.after, dates.before
        assert after is not None
        assert before is not None
        columns = (Event.id, Event.slug, Event.title, Event.calendar_id, Event.time_zone)
        single_query = (
            select(
                EventOccurrence.dt_start, EventOccurrence.dt_end, EventOccurrence.all_day, *columns
            )
            .join(Event, Event.id == EventOccurrence.event_id)
            .where(EventOccurrence.dt_start < before, EventOccurrence.dt_end > after)
        )
        rule_query = (
            select(RecurringRule, *columns)
            .join(Event, Event.id == RecurringRule.event_id)
            .where(RecurringRule.dt_start < before)
            .where((RecurringRule.last_end.is_(None)) | (RecurringRule.last_end > after))
        )
        found: list[tuple[Occurrence, EventKey, bool]] = []
        events = EventService(self.context)
        queries: list[tuple[AnySelect, bool]] = [(single_query, False), (rule_query, True)]
        for query, recurring in queries:
            query = filters.apply(events.visible_events(query), self.now)
            if event_id is not None:
                query = query.where(Event.id == event_id)
            for row in await self.session.execute(query):
                if recurring:
                    rule: RecurringRule = row[0]
                    event: EventKey = tuple(row[1:])
                    for item in rule_of(rule).between(after, before, zone(event[4])):
                        found.append((item, event, True))
                else:
                    single = Occurrence(row[0], row[1], row[2])
                    found.append((single, tuple(row[3:]), False))
        found.sort(key=lambda item: (item[0].start, item[1][0], item[0].end))
        page = found[window.offset : window.offset + window.limit]
        return Page([self.expanded(o, e, r) for o, e, r in page], len(found), window)
