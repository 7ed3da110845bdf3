"""HTTP endpoints of events, at the guide's paths; ``ROUTES`` lists every events controller."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from litestar import Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from pydotorg.core.auth import Access
from pydotorg.core.endpoints import ApiController
from pydotorg.core.pagination import Page, Window
from pydotorg.core.ratelimit import Tier
from pydotorg.core.resources import Id
from pydotorg.core.responses import document
from pydotorg.core.services import services
from pydotorg.events.calendar_controllers import (
    CalendarController,
    EventCategoryController,
    EventLocationController,
)
from pydotorg.events.filters import FILTERS, EventFilters, Key
from pydotorg.events.ical import MEDIA_TYPE
from pydotorg.events.occurrence_controllers import EventOccurrenceController
from pydotorg.events.schemas import EventCreate, EventRead, EventRejection, EventSubmit, EventUpdate
from pydotorg.events.services import EventService

UpcomingFilter = Annotated[
    bool | None,
    Parameter(
        description="`true`: only events whose next occurrence is now or later (one that has "
        "not ended yet), ordered by it; `false`: only past events."
    ),
]


class EventController(ApiController):
    path = "/api/v1/events"
    tags = ["Events"]
    dependencies = {**services(events=EventService), **FILTERS}

    @get(
        "/",
        operation_id="listEvents",
        summary="List events",
        description="Newest first, or with `upcoming=true` by next occurrence. A date range "
        "keeps events with an occurrence in it, recurring ones included. Unapproved events are "
        "listed to staff and to their submitter only.",
        errors=(422,),
    )
    async def list_events(
        self,
        events: NamedDependency[EventService],
        filters: NamedDependency[EventFilters],
        window: NamedDependency[Window],
        upcoming: UpcomingFilter = None,
    ) -> Page[EventRead]:
        return await events.list_events(
            replace(filters, upcoming=upcoming), window, by_next=bool(upcoming)
        )

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
        events: NamedDependency[EventService],
        filters: NamedDependency[EventFilters],
        window: NamedDependency[Window],
    ) -> Page[EventRead]:
        return await events.list_events(replace(filters, upcoming=True), window, by_next=True)

    @get(
        "/featured",
        operation_id="listFeaturedEvents",
        summary="Featured upcoming events",
        description="Events staff feature (the seeded data features PyCon US), still to come, "
        "ordered by next occurrence.",
    )
    async def featured(
        self,
        events: NamedDependency[EventService],
        window: NamedDependency[Window],
        calendar: Annotated[Key, Parameter(description="Calendar id or slug.")] = None,
    ) -> Page[EventRead]:
        filters = EventFilters(calendar=calendar, featured=True, upcoming=True)
        return await events.list_events(filters, window, by_next=True)

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
        events: NamedDependency[EventService],
        filters: NamedDependency[EventFilters],
        window: NamedDependency[Window],
        upcoming: UpcomingFilter = None,
    ) -> Response[bytes]:
        body = await events.ical(replace(filters, upcoming=upcoming), window)
        return document(body, media_type=MEDIA_TYPE, filename="python-events.ics")

    @get("/{event_id:int}", operation_id="getEvent", summary="Get an event by id")
    async def get_event(self, event_id: Id, events: NamedDependency[EventService]) -> EventRead:
        return await events.get_event(event_id)

    @get("/slug/{slug:str}", operation_id="getEventBySlug", summary="Get an event by slug")
    async def get_event_by_slug(
        self,
        slug: Annotated[str, Parameter(max_length=200)],
        events: NamedDependency[EventService],
    ) -> EventRead:
        return await events.get_event(slug)

    @get(
        "/{event_id:int}/ical",
        operation_id="exportEventIcal",
        summary="One event as iCalendar",
        media_type=MEDIA_TYPE,
    )
    async def export_event(
        self, event_id: Id, events: NamedDependency[EventService]
    ) -> Response[bytes]:
        body, name = await events.event_ical(event_id)
        return document(body, media_type=MEDIA_TYPE, filename=f"{name}.ics")

    @post(
        "/",
        operation_id="createEvent",
        summary="Create an event (staff)",
        description="Approved at once. Give `occurrences` (timed: `dt_start`, `dt_end`; all-day: "
        "`all_day`, `start_date`, inclusive `end_date`) and/or recurring `rules` (the first "
        "occurrence, `frequency`, `interval`, `count` or `until`, `by_day`). Datetimes without "
        "an offset are local to `time_zone`.",
    )
    async def create_event(
        self, data: JSONBody[EventCreate], events: NamedDependency[EventService]
    ) -> EventRead:
        return await events.create_event(data)

    @post(
        "/submit",
        operation_id="submitEvent",
        summary="Submit an event for review (signed in)",
        description="As python.org's 'submit an event': the event is `pending`, visible to you "
        "and staff only until staff approve it.",
        access=Access.SIGNED_IN,
        tier=Tier.CRITICAL,
    )
    async def submit_event(
        self, data: JSONBody[EventSubmit], events: NamedDependency[EventService]
    ) -> EventRead:
        return await events.submit_event(data)

    @patch(
        "/{event_id:int}",
        operation_id="updateEvent",
        summary="Update an event (staff)",
        description="`occurrences` or `rules`, when given, replace the event's whole list.",
    )
    async def update_event(
        self, event_id: Id, data: JSONBody[EventUpdate], events: NamedDependency[EventService]
    ) -> EventRead:
        return await events.update_event(event_id, data)

    @post(
        "/{event_id:int}/approve",
        operation_id="approveEvent",
        summary="Approve a submitted event (staff)",
        status_code=200,
    )
    async def approve(self, event_id: Id, events: NamedDependency[EventService]) -> EventRead:
        return await events.review(event_id, approve=True)

    @post(
        "/{event_id:int}/reject",
        operation_id="rejectEvent",
        summary="Reject a submitted event, with a reason for the submitter (staff)",
        description="The event stays visible to its submitter and staff only, as `rejected`, "
        "with the reason in `review_note`.",
        status_code=200,
    )
    async def reject(
        self, event_id: Id, data: JSONBody[EventRejection], events: NamedDependency[EventService]
    ) -> EventRead:
        return await events.review(event_id, approve=False, reason=data.reason)

    @delete("/{event_id:int}", operation_id="deleteEvent", summary="Delete an event (staff)")
    async def delete_event(self, event_id: Id, events: NamedDependency[EventService]) -> None:
        await events.delete_event(event_id)


ROUTES = [
    EventController,
    EventOccurrenceController,
    CalendarController,
    EventCategoryController,
    EventLocationController,
]
