"""Calendars, their event categories, and event locations (venues): reading and staff edits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select

from pydotorg.core.exceptions import ConflictError
from pydotorg.core.queries import contains, id_or_slug
from pydotorg.core.resources import CrudService, to_schema
from pydotorg.events.models import Calendar, Event, EventCategory, EventLocation
from pydotorg.events.models import event_event_category as tagged
from pydotorg.events.schemas import (
    CalendarCreate,
    CalendarRead,
    EventCategoryCreate,
    EventCategoryRead,
    EventLocationCreate,
    EventLocationRead,
)


class CalendarService(CrudService[Calendar, CalendarRead]):
    """Calendars, and each one's events to subscribe to."""

    model, read_schema, create_schema = Calendar, CalendarRead, CalendarCreate
    detail_route = "getCalendar"

    def read(self, calendar: Calendar) -> CalendarRead:
        return to_schema(
            CalendarRead,
            calendar,
            ical_url=self.links.url("exportCalendarIcal", calendar.id),
            rss_url=self.links.url("calendarFeedRss", calendar.id),
            atom_url=self.links.url("calendarFeedAtom", calendar.id),
            resource_uri=self.links.url("getCalendar", calendar.id),
        )

    async def before_delete(self, calendar: Calendar) -> None:
        events = await self.rows(Event).count(Event.calendar_id == calendar.id)
        if events:
            raise ConflictError(
                f"Calendar {calendar.id} still has {events} events; delete or move them first.",
                extra={"events": events},
            )


class EventCategoryService(CrudService[EventCategory, EventCategoryRead]):
    """Categories of the events of one calendar; a used one cannot move to another calendar."""

    model, read_schema, create_schema = EventCategory, EventCategoryRead, EventCategoryCreate
    detail_route = "getEventCategory"
    columns = {"calendar": "calendar_id"}

    def filtered(self, query: Select[EventCategory], calendar: Any) -> Select[EventCategory]:
        if calendar is None:
            return query
        calendars = select(Calendar.id).where(id_or_slug(Calendar, calendar))
        return query.where(EventCategory.calendar_id.in_(calendars))

    async def validate(self, values: dict[str, Any], current: EventCategory | None) -> None:
        await super().validate(values, current)
        if "calendar_id" not in values:
            return
        await self.rows(Calendar).reference(values["calendar_id"], field="calendar")
        if current is not None and values["calendar_id"] != current.calendar_id:
            used = await self.session.scalar(
                select(func.count()).select_from(tagged).where(tagged.c.category_id == current.id)
            )
            if used:
                raise ConflictError(
                    f"Category {current.id} is used by {used} events of its calendar; "
                    "it cannot move to another calendar.",
                    extra={"events": used},
                )


class EventLocationService(CrudService[EventLocation, EventLocationRead]):
    """Venues; deleting one keeps its events, without a venue."""

    model, read_schema, create_schema = EventLocation, EventLocationRead, EventLocationCreate
    detail_route = "getEventLocation"

    def filtered(self, query: Select[EventLocation], q: Any) -> Select[EventLocation]:
        if not q:
            return query
        return query.where(or_(contains(EventLocation.name, q), contains(EventLocation.address, q)))
