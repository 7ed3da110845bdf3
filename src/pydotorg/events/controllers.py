"""HTTP endpoints of the events domain, at the guide's paths. Thin: services do the work.

Calendars, categories and locations have theirs in ``calendar_controllers.py``; ``ROUTES``
here lists every events controller.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.auth import BEARER_SECURITY, current_identity, requires_staff, requires_user
from pydotorg.core.openapi import error_responses
from pydotorg.core.pagination import LIMIT_OFFSET, PAGE_HEADERS, Window, page_response
from pydotorg.core.ratelimit import Tier, rate_tier
from pydotorg.core.response_cache import public_read
from pydotorg.core.responses import created
from pydotorg.core.urls import base_url
from pydotorg.events import ical
from pydotorg.events.calendar_controllers import (
    CalendarController,
    EventCategoryController,
    EventLocationController,
)
from pydotorg.events.filters import DateRange, EventFilters, Viewer
from pydotorg.events.models import STATUS_APPROVED, STATUS_PENDING
from pydotorg.events.occurrences import OccurrenceService
from pydotorg.events.schemas import (
    EventCreate,
    EventRead,
    EventRejection,
    EventSubmit,
    EventUpdate,
    ExpandedOccurrenceRead,
)
from pydotorg.events.services import EventService

STAFF_WRITE: dict[str, Any] = {
    "guards": [requires_staff],
    "security": BEARER_SECURITY,
    "opt": rate_tier(Tier.HIGH),
}
UpcomingFilter = Annotated[
    bool | None,
    Parameter(
        description="`true`: only events whose next occurrence is now or later (one that has "
        "not ended yet), ordered by it; `false`: only past events."
    ),
]
DEFAULT_RANGE_DAYS = 365


async def provide_events(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> EventService:
    return EventService(db_session, viewer=Viewer.of(request), base=base_url(request))


async def provide_occurrences(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> OccurrenceService:
    return OccurrenceService(db_session, viewer=Viewer.of(request), base=base_url(request))


async def provide_filters(
    calendar: Annotated[str | None, Parameter(description="Calendar id or slug.")] = None,
    category: Annotated[str | None, Parameter(description="Event category id or slug.")] = None,
    location: Annotated[str | None, Parameter(description="Event location id or slug.")] = None,
    featured: Annotated[bool | None, Parameter(description="Featured events, or others.")] = None,
    status: Annotated[
        Literal["approved", "pending", "rejected"] | None,
        Parameter(description="Review status (others than approved: staff and submitters)."),
    ] = None,
    q: Annotated[
        str | None,
        Parameter(max_length=200, description="Text in the title or description (any case)."),
    ] = None,
    date_from: Annotated[
        date | None, Parameter(description="Happening on or after this day (UTC).")
    ] = None,
    date_to: Annotated[
        date | None, Parameter(description="Happening on or before this day (UTC).")
    ] = None,
) -> EventFilters:
    return EventFilters(
        calendar=calendar,
        category=category,
        location=location,
        featured=featured,
        status=status,
        q=q,
        date_from=date_from,
        date_to=date_to,
    )


def calendar_file(body: bytes, filename: str) -> Response[bytes]:
    return Response(
        body,
        media_type=ical.MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{filename}.ics"'},
    )


def created_event(content: EventRead) -> Response[EventRead]:
    return created(content, content.resource_uri)


class EventController(Controller):
    path = "/api/v1/events"
    tags = ["Events"]
    dependencies = {
        "events": Provide(provide_events),
        "filters": Provide(provide_filters),
        **LIMIT_OFFSET,
    }

    @get(
        "/",
        summary="List events",
        description="Newest first, or with `upcoming=true` by next occurrence. A date range "
        "keeps events with an occurrence in it, recurring ones included. Unapproved events are "
        "listed to staff and to their submitter only.",
        operation_id="listEvents",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400, 422),
    )
    async def list_events(
        self,
        request: Request[Any, Any, Any],
        events: NamedDependency[EventService],
        filters: NamedDependency[EventFilters],
        window: NamedDependency[Window],
        upcoming: UpcomingFilter = None,
    ) -> Response[list[EventRead]]:
        items, total = await events.list_events(
            replace(filters, upcoming=upcoming), window, by_next=bool(upcoming)
        )
        return page_response(request, items, total, window)

    @get(
        "/upcoming",
        summary="Upcoming events",
        description="One entry per event whose next occurrence has not ended, ordered by that "
        "occurrence (in `next_occurrence`).",
        operation_id="listUpcomingEvents",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400, 422),
    )
    async def upcoming(
        self,
        request: Request[Any, Any, Any],
        events: NamedDependency[EventService],
        filters: NamedDependency[EventFilters],
        window: NamedDependency[Window],
    ) -> Response[list[EventRead]]:
        items, total = await events.list_events(
            replace(filters, upcoming=True), window, by_next=True
        )
        return page_response(request, items, total, window)

    @get(
        "/featured",
        summary="Featured upcoming events",
        description="Events staff feature (the seeded data features PyCon US), still to come, "
        "ordered by next occurrence.",
        operation_id="listFeaturedEvents",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400),
    )
    async def featured(
        self,
        request: Request[Any, Any, Any],
        events: NamedDependency[EventService],
        window: NamedDependency[Window],
        calendar: Annotated[str | None, Parameter(description="Calendar id or slug.")] = None,
    ) -> Response[list[EventRead]]:
        filters = EventFilters(calendar=calendar, featured=True, upcoming=True)
        items, total = await events.list_events(filters, window, by_next=True)
        return page_response(request, items, total, window)

    @get(
        "/ical",
        summary="Events as iCalendar",
        description="The list `GET /api/v1/events/` returns for the same filters and page, as "
        "an RFC 5545 calendar (oldest first).",
        operation_id="exportEventsIcal",
        opt=public_read(),
        media_type=ical.MEDIA_TYPE,
        responses=error_responses(400, 422),
    )
    async def export(
        self,
        events: NamedDependency[EventService],
        filters: NamedDependency[EventFilters],
        window: NamedDependency[Window],
        upcoming: UpcomingFilter = None,
    ) -> Response[bytes]:
        found = await events.export(replace(filters, upcoming=upcoming), window)
        body = ical.calendar(found, name="Python events", base=events.base)
        return calendar_file(body, "python-events")

    @get(
        "/{event_id:int}",
        summary="Get an event by id",
        operation_id="getEvent",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_event(
        self, event_id: FromPath[int], events: NamedDependency[EventService]
    ) -> EventRead:
        return await events.get_event(event_id)

    @get(
        "/slug/{slug:str}",
        summary="Get an event by slug",
        operation_id="getEventBySlug",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_event_by_slug(
        self, slug: FromPath[str], events: NamedDependency[EventService]
    ) -> EventRead:
        return await events.get_event(slug)

    @get(
        "/{event_id:int}/ical",
        summary="One event as iCalendar",
        operation_id="exportEventIcal",
        opt=public_read(),
        media_type=ical.MEDIA_TYPE,
        responses=error_responses(404),
    )
    async def export_event(
        self, event_id: FromPath[int], events: NamedDependency[EventService]
    ) -> Response[bytes]:
        event = await events.event(event_id)
        body = ical.calendar([event], name=event.title, base=events.base)
        return calendar_file(body, event.slug)

    @post(
        "/",
        summary="Create an event (staff)",
        description="Approved at once. Give `occurrences` (timed: `dt_start`, `dt_end`; all-day: "
        "`all_day`, `start_date`, inclusive `end_date`) and/or recurring `rules` (the first "
        "occurrence, `frequency`, `interval`, `count` or `until`, `by_day`). Datetimes without "
        "an offset are local to `time_zone`.",
        operation_id="createEvent",
        responses=error_responses(400, 401, 403, 409, 422),
        **STAFF_WRITE,
    )
    async def create_event(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[EventCreate],
        events: NamedDependency[EventService],
    ) -> Response[EventRead]:
        identity = current_identity(request)
        creator = identity.id if identity else None
        return created_event(
            await events.create_event(data, creator=creator, status=STATUS_APPROVED)
        )

    @post(
        "/submit",
        summary="Submit an event for review (signed in)",
        description="As python.org's 'submit an event': the event is `pending`, visible to you "
        "and staff only until staff approve it.",
        operation_id="submitEvent",
        guards=[requires_user],
        security=BEARER_SECURITY,
        opt=rate_tier(Tier.CRITICAL),
        responses=error_responses(400, 401, 403, 409, 422),
    )
    async def submit_event(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[EventSubmit],
        events: NamedDependency[EventService],
    ) -> Response[EventRead]:
        identity = current_identity(request)
        assert identity is not None
        return created_event(
            await events.create_event(data, creator=identity.id, status=STATUS_PENDING)
        )

    @patch(
        "/{event_id:int}",
        summary="Update an event (staff)",
        description="`occurrences` or `rules`, when given, replace the event's whole list.",
        operation_id="updateEvent",
        responses=error_responses(400, 401, 403, 404, 409, 422),
        **STAFF_WRITE,
    )
    async def update_event(
        self,
        event_id: FromPath[int],
        data: JSONBody[EventUpdate],
        events: NamedDependency[EventService],
    ) -> EventRead:
        return await events.update_event(event_id, data)

    @post(
        "/{event_id:int}/approve",
        summary="Approve a submitted event (staff)",
        operation_id="approveEvent",
        status_code=200,
        responses=error_responses(401, 403, 404),
        **STAFF_WRITE,
    )
    async def approve(
        self, event_id: FromPath[int], events: NamedDependency[EventService]
    ) -> EventRead:
        return await events.review(event_id, approve=True)

    @post(
        "/{event_id:int}/reject",
        summary="Reject a submitted event, with a reason for the submitter (staff)",
        description="The event stays visible to its submitter and staff only, as `rejected`, "
        "with the reason in `review_note`.",
        operation_id="rejectEvent",
        status_code=200,
        responses=error_responses(401, 403, 404),
        **STAFF_WRITE,
    )
    async def reject(
        self,
        event_id: FromPath[int],
        data: JSONBody[EventRejection],
        events: NamedDependency[EventService],
    ) -> EventRead:
        return await events.review(event_id, approve=False, reason=data.reason)

    @delete(
        "/{event_id:int}",
        summary="Delete an event (staff)",
        operation_id="deleteEvent",
        responses=error_responses(401, 403, 404),
        **STAFF_WRITE,
    )
    async def delete_event(
        self, event_id: FromPath[int], events: NamedDependency[EventService]
    ) -> None:
        await events.delete_event(event_id)


class EventOccurrenceController(Controller):
    path = "/api/v1/event-occurrences"
    tags = ["Events"]
    dependencies = {
        "occurrences": Provide(provide_occurrences),
        "filters": Provide(provide_filters),
        **LIMIT_OFFSET,
    }

    @get(
        "/",
        summary="List event occurrences in a date range",
        description="Every occurrence between `date_from` (default today, UTC) and `date_to` "
        f"(default {DEFAULT_RANGE_DAYS} days later), recurring events expanded in their own "
        "time zone, ordered by start. A range spans at most five years.",
        operation_id="listEventOccurrences",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400, 422),
    )
    async def list_occurrences(
        self,
        request: Request[Any, Any, Any],
        occurrences: NamedDependency[OccurrenceService],
        filters: NamedDependency[EventFilters],
        window: NamedDependency[Window],
        event: Annotated[int | None, Parameter(description="Only this event's.")] = None,
    ) -> Response[list[ExpandedOccurrenceRead]]:
        dates = DateRange.bounded(filters.date_from, filters.date_to, DEFAULT_RANGE_DAYS)
        undated = replace(filters, date_from=None, date_to=None)
        items, total = await occurrences.between(undated, dates, window, event_id=event)
        return page_response(request, items, total, window)


ROUTES = [
    EventController,
    EventOccurrenceController,
    CalendarController,
    EventCategoryController,
    EventLocationController,
]
