"""HTTP endpoints of events, at the guide's paths; ``ROUTES`` lists every events controller."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from pydotorg.core.pagination import Page, Window
from pydotorg.core.parameters import Key, Query
from pydotorg.core.resources import Id, ResourceController
from pydotorg.events.calendar_controllers import (
    CalendarController,
    EventCategoryController,
    EventLocationController,
    ical_file,
)
from pydotorg.events.filters import FILTERS, EventFilters
from pydotorg.events.ical import MEDIA_TYPE
from pydotorg.events.occurrence_controllers import EventOccurrenceController
from pydotorg.events.schemas import EventRead
from pydotorg.events.services import EventService

UpcomingFilter = Annotated[
    bool | None,
    Parameter(
        description="`true`: only events whose next occurrence is now or later (one that has "
        "not ended yet), ordered by it; `false`: only past events."
    ),
]


async def list_filters(
    event_filters: NamedDependency[EventFilters], upcoming: UpcomingFilter = None
) -> EventFilters:
    return replace(event_filters, upcoming=upcoming)


class EventController(ResourceController):
    path = "/api/v1/events"
    tags = ["Events"]
    service, noun, plural = EventService, "Event", "Events"
    filters = list_filters
    dependencies = {"event_filters": FILTERS["filters"]}
    options = {
        "list": {
            "description": "Newest first, or with `upcoming=true` by next occurrence. A date "
            "range keeps events with an occurrence in it, recurring ones included. Unapproved "
            "events are listed to staff and to their submitter only.",
            "errors": (422,),
        },
        "create": {
            "description": "Approved at once. Give `occurrences` (timed: `dt_start`, `dt_end`; "
            "all-day: `all_day`, `start_date`, inclusive `end_date`) and/or recurring `rules` "
            "(the first occurrence, `frequency`, `interval`, `count` or `until`, `by_day`). "
            "Datetimes without an offset are local to `time_zone`."
        },
        "update": {
            "description": "`occurrences` or `rules`, when given, replace the event's whole list."
        },
        "submit": {
            "description": "As python.org's 'submit an event': the event is `pending`, visible to "
            "you and staff only until staff approve it."
        },
    }

    @get(
        "/upcoming",
        operation_id="listUpcomingEvents",
        summary="Upcoming events",
        description="One entry per event whose next occurrence has not ended, ordered by that "
        "occurrence (in `next_occurrence`).",
        errors=(422,),
    )
    async def upcoming(
        self,
        service: NamedDependency[EventService],
        event_filters: NamedDependency[EventFilters],
        window: NamedDependency[Window],
    ) -> Page[EventRead]:
        return await service.page(window, replace(event_filters, upcoming=True))

    @get(
        "/featured",
        operation_id="listFeaturedEvents",
        summary="Featured upcoming events",
        description="Events staff feature (the seeded data features PyCon US), still to come, "
        "ordered by next occurrence.",
    )
    async def featured(
        self,
        service: NamedDependency[EventService],
        window: NamedDependency[Window],
        calendar: Query[Key, Parameter(description="Calendar id or slug.")] = None,
    ) -> Page[EventRead]:
        filters = EventFilters(calendar=calendar, featured=True, upcoming=True)
        return await service.page(window, filters)

    @get(
        "/ical",
        operation_id="exportEventsIcal",
        summary="Events as iCalendar",
        description="The list `GET /api/v1/events/` returns for the same filters and page, as "
        "an RFC 5545 calendar (oldest first).",
        media_type=MEDIA_TYPE,
        errors=(422,),
    )
    async def export(
        self,
        service: NamedDependency[EventService],
        filters: NamedDependency[EventFilters],
        window: NamedDependency[Window],
    ) -> Response[bytes]:
        body = await service.ical(filters, window)
        return ical_file(body, "python-events")

    @get(
        "/{event_id:int}/ical",
        operation_id="exportEventIcal",
        summary="One event as iCalendar",
        media_type=MEDIA_TYPE,
    )
    async def export_event(
        self, event_id: Id, service: NamedDependency[EventService]
    ) -> Response[bytes]:
        return ical_file(*await service.event_ical(event_id))


ROUTES = [
    EventController,
    EventOccurrenceController,
    CalendarController,
    EventCategoryController,
    EventLocationController,
]
