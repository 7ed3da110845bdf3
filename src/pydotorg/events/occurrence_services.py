"""Every occurrence of a date range, recurring events expanded in their own time zone.

Rules are never expanded here: every occurrence a rule makes was written out when its event
was (``RuleOccurrence``), so a page is one ordered, indexed query over the single and the
written-out occurrences, and its total one count."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, select, union_all

from pydotorg.core.days import DateRange
from pydotorg.core.pagination import Page, Window
from pydotorg.core.services import Service
from pydotorg.events.filters import EventFilters
from pydotorg.events.models import Event, EventOccurrence, RuleOccurrence
from pydotorg.events.recurrence import Occurrence
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
        events = EventService(self.context)
        parts = []
        for table, recurring in ((EventOccurrence, False), (RuleOccurrence, True)):
            query = (
                select(
                    table.dt_start,
                    table.dt_end,
                    table.all_day,
                    literal(recurring).label("recurring"),
                    *columns,
                )
                .join(Event, Event.id == table.event_id)
                .where(table.dt_start < before, table.dt_end > after)
            )
            query = filters.apply(events.visible_events(query), self.now)
            if event_id is not None:
                query = query.where(Event.id == event_id)
            parts.append(query)
        found = union_all(*parts).subquery()
        total = await self.session.scalar(select(func.count()).select_from(found))
        rows = await self.session.execute(
            select(found)
            .order_by(found.c.dt_start, found.c.id, found.c.dt_end)
            .offset(window.offset)
            .limit(window.limit)
        )
        page = [
            self.expanded(Occurrence(start, end, all_day), tuple(event), bool(recurring))
            for start, end, all_day, recurring, *event in rows
        ]
        return Page(page, total or 0, window)
