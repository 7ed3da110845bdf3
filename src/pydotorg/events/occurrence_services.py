"""Every occurrence of a date range, recurring events expanded in their own time zone.

Rules are never expanded here: every occurrence a rule makes was written out when its event
was (``RuleOccurrence``). The single and the written-out occurrences are counted and read
apart (the first ``offset + limit`` of each, in order), then merged: no union of both is ever
made and sorted whole."""

from __future__ import annotations

from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from pydotorg.core.days import DateRange
from pydotorg.core.pagination import Page, Window
from pydotorg.core.services import Service
from pydotorg.events.filters import EventFilters, in_range
from pydotorg.events.models import Event, EventOccurrence, RuleOccurrence
from pydotorg.events.recurrence import Occurrence
from pydotorg.events.schedule import longest_occurrence
from pydotorg.events.schemas import ExpandedOccurrenceRead
from pydotorg.events.services import EventService, shown

EventKey = tuple[int, str, str, int, str]  # id, slug, title, calendar id, time zone


class OccurrenceService(Service):
    """The occurrences of the events the caller may see."""

    def expanded(
        self, occurrence: Occurrence, event: EventKey, recurring: bool
    ) -> ExpandedOccurrenceRead:
        event_id, slug, title, calendar_id, time_zone = event
        return ExpandedOccurrenceRead(
            event=event_id,
            event_slug=slug,
            title=title,
            calendar=calendar_id,
            time_zone=time_zone,
            **shown(occurrence, ZoneInfo(time_zone)),
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
        longest = await longest_occurrence(self.session)
        total, found = 0, list[tuple[Occurrence, EventKey, bool]]()
        for table, recurring in ((EventOccurrence, False), (RuleOccurrence, True)):
            query = select(table.dt_start, table.dt_end, table.all_day, *columns).join(
                Event, Event.id == table.event_id
            )
            if recurring:
                query = in_range(query, RuleOccurrence, dates, longest)
            else:
                query = in_range(query, EventOccurrence, dates)
            query = filters.apply(events.visible_events(query), self.now)
            if event_id is not None:
                query = query.where(Event.id == event_id)
            counted = await self.session.scalar(select(func.count()).select_from(query.subquery()))
            total += counted or 0
            first = query.order_by(table.dt_start, Event.id, table.dt_end)
            # Offsets go up to 2^63 - 1: the end of the window is kept within 64 bits.
            stop = min(window.offset + window.limit, 2**63 - 1)
            rows = await self.session.execute(first.limit(stop))
            for start, end, all_day, *event in rows:
                key = cast(EventKey, tuple(event))
                found.append((Occurrence(start, end, all_day), key, recurring))
        found.sort(key=lambda item: (item[0].start, item[1][0], item[0].end))
        page = found[window.offset : window.offset + window.limit]
        return Page([self.expanded(o, e, r) for o, e, r in page], total, window)
