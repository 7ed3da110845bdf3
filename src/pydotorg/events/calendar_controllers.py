"""HTTP endpoints of calendars (with their iCalendar file and feeds), event categories and
event locations."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, Parameter, PathParameter
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.auth import BEARER_SECURITY, requires_staff
from pydotorg.core.feeds import ATOM_MEDIA_TYPE, RSS_MEDIA_TYPE, atom_feed, rss_feed
from pydotorg.core.openapi import error_responses
from pydotorg.core.pagination import LIMIT_OFFSET, PAGE_HEADERS, Window, page_response
from pydotorg.core.ratelimit import Tier, rate_tier
from pydotorg.core.response_cache import public_read
from pydotorg.core.responses import created
from pydotorg.core.urls import base_url
from pydotorg.events import ical
from pydotorg.events.calendars import CalendarService, calendar_read
from pydotorg.events.feeds import FEED_SIZE, feed_items
from pydotorg.events.filters import EventFilters, Viewer
from pydotorg.events.models import Calendar
from pydotorg.events.schemas import (
    CalendarCreate,
    CalendarRead,
    CalendarUpdate,
    EventCategoryCreate,
    EventCategoryRead,
    EventCategoryUpdate,
    EventLocationCreate,
    EventLocationRead,
    EventLocationUpdate,
)
from pydotorg.events.services import EventService

STAFF_WRITE: dict[str, Any] = {
    "guards": [requires_staff],
    "security": BEARER_SECURITY,
    "opt": rate_tier(Tier.HIGH),
}
CalendarKey = Annotated[str, PathParameter(description="Calendar id or slug.")]


async def provide_calendars(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> CalendarService:
    return CalendarService(db_session, base=base_url(request))


async def provide_calendar_events(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> EventService:
    return EventService(db_session, viewer=Viewer.of(request), base=base_url(request))


class CalendarController(Controller):
    path = "/api/v1/calendars"
    tags = ["Events"]
    dependencies = {
        "calendars": Provide(provide_calendars),
        "events": Provide(provide_calendar_events),
        **LIMIT_OFFSET,
    }

    @get(
        "/",
        summary="List calendars",
        operation_id="listCalendars",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400),
    )
    async def list_calendars(
        self,
        request: Request[Any, Any, Any],
        calendars: NamedDependency[CalendarService],
        window: NamedDependency[Window],
    ) -> Response[list[CalendarRead]]:
        items, total = await calendars.list_calendars(window)
        return page_response(request, items, total, window)

    @get(
        "/{calendar_id:int}",
        summary="Get a calendar by id",
        operation_id="getCalendar",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_calendar(
        self, calendar_id: FromPath[int], calendars: NamedDependency[CalendarService]
    ) -> CalendarRead:
        return calendar_read(await calendars.calendar(calendar_id), calendars.base)

    @get(
        "/slug/{slug:str}",
        summary="Get a calendar by slug",
        operation_id="getCalendarBySlug",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_calendar_by_slug(
        self, slug: FromPath[str], calendars: NamedDependency[CalendarService]
    ) -> CalendarRead:
        return calendar_read(await calendars.calendar(slug), calendars.base)

    @get(
        "/{calendar:str}/ical",
        summary="A calendar's events as iCalendar",
        description="Every event of the calendar as an RFC 5545 file to subscribe to in any "
        "calendar app. `calendar` is an id or a slug (`python-events`).",
        operation_id="exportCalendarIcal",
        opt=public_read(),
        media_type=ical.MEDIA_TYPE,
        responses=error_responses(404),
    )
    async def export_calendar(
        self,
        calendar: CalendarKey,
        calendars: NamedDependency[CalendarService],
        events: NamedDependency[EventService],
    ) -> Response[bytes]:
        found = await calendars.calendar_by_id_or_slug(calendar)
        items = await events.export(EventFilters(calendar=str(found.id)))
        body = ical.calendar(items, name=found.name, base=events.base)
        return Response(
            body,
            media_type=ical.MEDIA_TYPE,
            headers={"Content-Disposition": f'inline; filename="{found.slug}.ics"'},
        )

    async def _feed_items(self, calendar: Calendar, events: EventService) -> list[Any]:
        upcoming = await events.matching(
            EventFilters(calendar=str(calendar.id), upcoming=True), by_next=True
        )
        return feed_items(upcoming[:FEED_SIZE], events.base, events.now)

    @get(
        "/{calendar:str}/feed/rss",
        summary="RSS 2.0 feed of a calendar's upcoming events",
        description=f"The next {FEED_SIZE} events, soonest first. `calendar` is an id or slug.",
        operation_id="calendarFeedRss",
        opt=public_read(),
        media_type=RSS_MEDIA_TYPE,
        responses=error_responses(404),
    )
    async def rss(
        self,
        request: Request[Any, Any, Any],
        calendar: CalendarKey,
        calendars: NamedDependency[CalendarService],
        events: NamedDependency[EventService],
    ) -> bytes:
        found = await calendars.calendar_by_id_or_slug(calendar)
        return rss_feed(
            title=found.name,
            link=found.url or calendar_read(found, events.base).resource_uri,
            description=found.description or f"Upcoming events of {found.name}.",
            self_url=f"{events.base}{request.url.path}",
            items=await self._feed_items(found, events),
        )

    @get(
        "/{calendar:str}/feed/atom",
        summary="Atom feed of a calendar's upcoming events",
        description=f"The next {FEED_SIZE} events, soonest first. `calendar` is an id or slug.",
        operation_id="calendarFeedAtom",
        opt=public_read(),
        media_type=ATOM_MEDIA_TYPE,
        responses=error_responses(404),
    )
    async def atom(
        self,
        request: Request[Any, Any, Any],
        calendar: CalendarKey,
        calendars: NamedDependency[CalendarService],
        events: NamedDependency[EventService],
    ) -> bytes:
        found = await calendars.calendar_by_id_or_slug(calendar)
        uri = calendar_read(found, events.base).resource_uri
        return atom_feed(
            title=found.name,
            link=found.url or uri,
            feed_id=uri,
            self_url=f"{events.base}{request.url.path}",
            items=await self._feed_items(found, events),
        )

    @post(
        "/",
        summary="Create a calendar (staff)",
        operation_id="createCalendar",
        responses=error_responses(400, 401, 403, 409, 422),
        **STAFF_WRITE,
    )
    async def create_calendar(
        self, data: JSONBody[CalendarCreate], calendars: NamedDependency[CalendarService]
    ) -> Response[CalendarRead]:
        item = await calendars.create_calendar(data)
        return created(item, item.resource_uri)

    @patch(
        "/{calendar_id:int}",
        summary="Update a calendar (staff)",
        operation_id="updateCalendar",
        responses=error_responses(400, 401, 403, 404, 409, 422),
        **STAFF_WRITE,
    )
    async def update_calendar(
        self,
        calendar_id: FromPath[int],
        data: JSONBody[CalendarUpdate],
        calendars: NamedDependency[CalendarService],
    ) -> CalendarRead:
        return await calendars.update_calendar(calendar_id, data)

    @delete(
        "/{calendar_id:int}",
        summary="Delete a calendar that has no events (staff)",
        operation_id="deleteCalendar",
        responses=error_responses(401, 403, 404, 409),
        **STAFF_WRITE,
    )
    async def delete_calendar(
        self, calendar_id: FromPath[int], calendars: NamedDependency[CalendarService]
    ) -> None:
        await calendars.delete_calendar(calendar_id)


class EventCategoryController(Controller):
    path = "/api/v1/event-categories"
    tags = ["Events"]
    dependencies = {"calendars": Provide(provide_calendars), **LIMIT_OFFSET}

    @get(
        "/",
        summary="List event categories",
        operation_id="listEventCategories",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400),
    )
    async def list_categories(
        self,
        request: Request[Any, Any, Any],
        calendars: NamedDependency[CalendarService],
        window: NamedDependency[Window],
        calendar: Annotated[str | None, Parameter(description="Calendar id or slug.")] = None,
    ) -> Response[list[EventCategoryRead]]:
        items, total = await calendars.list_categories(window, calendar)
        return page_response(request, items, total, window)

    @get(
        "/{category_id:int}",
        summary="Get an event category by id",
        operation_id="getEventCategory",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_category(
        self, category_id: FromPath[int], calendars: NamedDependency[CalendarService]
    ) -> EventCategoryRead:
        return await calendars.category(category_id)

    @get(
        "/slug/{slug:str}",
        summary="Get an event category by slug",
        operation_id="getEventCategoryBySlug",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_category_by_slug(
        self, slug: FromPath[str], calendars: NamedDependency[CalendarService]
    ) -> EventCategoryRead:
        return await calendars.category(slug)

    @post(
        "/",
        summary="Create an event category (staff)",
        operation_id="createEventCategory",
        responses=error_responses(400, 401, 403, 409, 422),
        **STAFF_WRITE,
    )
    async def create_category(
        self, data: JSONBody[EventCategoryCreate], calendars: NamedDependency[CalendarService]
    ) -> Response[EventCategoryRead]:
        item = await calendars.create_category(data)
        return created(item, item.resource_uri)

    @patch(
        "/{category_id:int}",
        summary="Update an event category (staff)",
        description="A category events use cannot move to another calendar (409).",
        operation_id="updateEventCategory",
        responses=error_responses(400, 401, 403, 404, 409, 422),
        **STAFF_WRITE,
    )
    async def update_category(
        self,
        category_id: FromPath[int],
        data: JSONBody[EventCategoryUpdate],
        calendars: NamedDependency[CalendarService],
    ) -> EventCategoryRead:
        return await calendars.update_category(category_id, data)

    @delete(
        "/{category_id:int}",
        summary="Delete an event category (staff)",
        description="Events keep existing, without this category.",
        operation_id="deleteEventCategory",
        responses=error_responses(401, 403, 404),
        **STAFF_WRITE,
    )
    async def delete_category(
        self, category_id: FromPath[int], calendars: NamedDependency[CalendarService]
    ) -> None:
        await calendars.delete_category(category_id)


class EventLocationController(Controller):
    path = "/api/v1/event-locations"
    tags = ["Events"]
    dependencies = {"calendars": Provide(provide_calendars), **LIMIT_OFFSET}

    @get(
        "/",
        summary="List event locations",
        operation_id="listEventLocations",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(400),
    )
    async def list_locations(
        self,
        request: Request[Any, Any, Any],
        calendars: NamedDependency[CalendarService],
        window: NamedDependency[Window],
        q: Annotated[
            str | None, Parameter(max_length=200, description="Text in the name or address.")
        ] = None,
    ) -> Response[list[EventLocationRead]]:
        items, total = await calendars.list_locations(window, q)
        return page_response(request, items, total, window)

    @get(
        "/{location_id:int}",
        summary="Get an event location by id",
        operation_id="getEventLocation",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_location(
        self, location_id: FromPath[int], calendars: NamedDependency[CalendarService]
    ) -> EventLocationRead:
        return await calendars.location(location_id)

    @get(
        "/slug/{slug:str}",
        summary="Get an event location by slug",
        operation_id="getEventLocationBySlug",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_location_by_slug(
        self, slug: FromPath[str], calendars: NamedDependency[CalendarService]
    ) -> EventLocationRead:
        return await calendars.location(slug)

    @post(
        "/",
        summary="Create an event location (staff)",
        operation_id="createEventLocation",
        responses=error_responses(400, 401, 403, 409, 422),
        **STAFF_WRITE,
    )
    async def create_location(
        self, data: JSONBody[EventLocationCreate], calendars: NamedDependency[CalendarService]
    ) -> Response[EventLocationRead]:
        item = await calendars.create_location(data)
        return created(item, item.resource_uri)

    @patch(
        "/{location_id:int}",
        summary="Update an event location (staff)",
        operation_id="updateEventLocation",
        responses=error_responses(400, 401, 403, 404, 409, 422),
        **STAFF_WRITE,
    )
    async def update_location(
        self,
        location_id: FromPath[int],
        data: JSONBody[EventLocationUpdate],
        calendars: NamedDependency[CalendarService],
    ) -> EventLocationRead:
        return await calendars.update_location(location_id, data)

    @delete(
        "/{location_id:int}",
        summary="Delete an event location (staff)",
        description="Events held there keep existing, without a venue.",
        operation_id="deleteEventLocation",
        responses=error_responses(401, 403, 404),
        **STAFF_WRITE,
    )
    async def delete_location(
        self, location_id: FromPath[int], calendars: NamedDependency[CalendarService]
    ) -> None:
        await calendars.delete_location(location_id)
