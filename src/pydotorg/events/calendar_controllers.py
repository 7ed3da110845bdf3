"""HTTP endpoints of calendars (with their iCalendar file and feeds), event categories and
event locations."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import Parameter, PathParameter

from pydotorg.core.parameters import Key, Query
from pydotorg.core.resources import ResourceController, feed_endpoints
from pydotorg.core.services import services
from pydotorg.events.calendar_services import (
    CalendarService,
    EventCategoryService,
    EventLocationService,
)
from pydotorg.events.feeds import FEED_SIZE
from pydotorg.events.ical import MEDIA_TYPE
from pydotorg.events.services import EventService


def ical_file(body: bytes, name: str) -> Response[bytes]:
    """An iCalendar file to show or subscribe to, saved as ``{name}.ics``."""
    return Response(
        body,
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{name}.ics"'},
    )


CalendarKey = Annotated[
    str, PathParameter(max_length=200, description="Calendar id or slug (`python-events`).")
]


async def by_calendar(
    calendar: Query[Key, Parameter(description="Calendar id or slug.")] = None,
) -> str | None:
    return calendar


async def by_text(
    q: Query[Key, Parameter(description="Text in the name or address.")] = None,
) -> str | None:
    return q


class CalendarController(ResourceController):
    path = "/api/v1/calendars"
    tags = ["Events"]
    service, noun, plural = CalendarService, "Calendar", "Calendars"
    dependencies = services(events=EventService)
    options = {"delete": {"summary": "Delete a calendar that has no events (staff)"}}

    @get(
        "/{calendar:str}/ical",
        operation_id="exportCalendarIcal",
        summary="A calendar's events as iCalendar",
        description="Every event of the calendar as an RFC 5545 file to subscribe to in any "
        "calendar app.",
        media_type=MEDIA_TYPE,
    )
    async def export_calendar(
        self, calendar: CalendarKey, events: NamedDependency[EventService]
    ) -> Response[bytes]:
        return ical_file(*await events.calendar_ical(calendar))

    rss, atom = feed_endpoints(
        "/{calendar:str}/feed",
        "calendarFeed",
        "a calendar's upcoming events",
        service=EventService,
        named="events",
        method="calendar_feed",
        key=("calendar", CalendarKey),
        description=f"The next {FEED_SIZE} events, soonest first.",
    )


class EventCategoryController(ResourceController):
    path = "/api/v1/event-categories"
    tags = ["Events"]
    service, noun, plural = EventCategoryService, "EventCategory", "EventCategories"
    id_parameter = "category_id"
    filters = by_calendar
    options = {
        "update": {"description": "A category events use cannot move to another calendar (409)."},
        "delete": {"description": "Events keep existing, without this category."},
    }


class EventLocationController(ResourceController):
    path = "/api/v1/event-locations"
    tags = ["Events"]
    service, noun, plural = EventLocationService, "EventLocation", "EventLocations"
    id_parameter = "location_id"
    filters = by_text
    options = {"delete": {"description": "Events held there keep existing, without a venue."}}
