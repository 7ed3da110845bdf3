"""Calendars, their event categories, and event locations (venues): reading and staff edits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.database import commit_or_conflict
from pydotorg.core.exceptions import ConflictError, FieldError, NotFoundError
from pydotorg.core.pagination import Window
from pydotorg.core.schemas import changed_fields
from pydotorg.events.filters import contains
from pydotorg.events.models import (
    Calendar,
    Event,
    EventCategory,
    EventLocation,
    event_event_category,
)
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


def calendar_read(calendar: Calendar, base: str) -> CalendarRead:
    uri = f"{base}/api/v1/calendars/{calendar.id}"
    return CalendarRead(
        id=calendar.id,
        name=calendar.name,
        slug=calendar.slug,
        description=calendar.description,
        url=calendar.url,
        ical_url=f"{uri}/ical",
        rss_url=f"{uri}/feed/rss",
        atom_url=f"{uri}/feed/atom",
        resource_uri=uri,
    )


def category_read(category: EventCategory, base: str) -> EventCategoryRead:
    return EventCategoryRead(
        id=category.id,
        name=category.name,
        slug=category.slug,
        calendar=category.calendar_id,
        resource_uri=f"{base}/api/v1/event-categories/{category.id}",
    )


def location_read(location: EventLocation, base: str) -> EventLocationRead:
    return EventLocationRead(
        id=location.id,
        name=location.name,
        slug=location.slug,
        address=location.address,
        country=location.country,
        url=location.url,
        latitude=location.latitude,
        longitude=location.longitude,
        resource_uri=f"{base}/api/v1/event-locations/{location.id}",
    )


class CalendarService:
    """Reads and staff writes of calendars, categories and locations for one request."""

    def __init__(self, session: AsyncSession, *, base: str) -> None:
        self.session = session
        self.base = base

    async def _page(self, query: Any, window: Window) -> tuple[list[Any], int]:
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(query.limit(window.limit).offset(window.offset))
        return list(rows), total or 0

    async def _get(self, model: type[Any], key: int | str, label: str) -> Any:
        if isinstance(key, int):
            found = await self.session.get(model, key)
        else:
            found = await self.session.scalar(select(model).where(model.slug == key))
        if found is None:
            what = f"id {key}" if isinstance(key, int) else f"slug {key!r}"
            raise NotFoundError(f"No {label} with {what}.")
        return found

    async def _check_slug(self, model: type[Any], slug: str, label: str) -> None:
        if await self.session.scalar(select(model.id).where(model.slug == slug)) is not None:
            raise FieldError("slug", f"a {label} with slug {slug!r} already exists")

    async def _update(self, item: Any, changes: dict[str, Any], label: str) -> None:
        if "slug" in changes and changes["slug"] != item.slug:
            await self._check_slug(type(item), changes["slug"], label)
        for key, value in changes.items():
            setattr(item, key, value)
        await commit_or_conflict(self.session)

    # Calendars ----------------------------------------------------------------------------

    async def list_calendars(self, window: Window) -> tuple[list[CalendarRead], int]:
        rows, total = await self._page(select(Calendar).order_by(Calendar.id), window)
        return [calendar_read(row, self.base) for row in rows], total

    async def calendar(self, key: int | str) -> Calendar:
        calendar: Calendar = await self._get(Calendar, key, "calendar")
        return calendar

    async def calendar_by_id_or_slug(self, key: str) -> Calendar:
        return await self.calendar(int(key) if key.isdigit() else key)

    async def create_calendar(self, data: CalendarCreate) -> CalendarRead:
        await self._check_slug(Calendar, data.slug, "calendar")
        calendar = Calendar(
            name=data.name, slug=data.slug, description=data.description, url=data.url
        )
        self.session.add(calendar)
        await commit_or_conflict(self.session)
        return calendar_read(calendar, self.base)

    async def update_calendar(self, calendar_id: int, data: CalendarUpdate) -> CalendarRead:
        calendar = await self.calendar(calendar_id)
        await self._update(calendar, changed_fields(data), "calendar")
        return calendar_read(calendar, self.base)

    async def delete_calendar(self, calendar_id: int) -> None:
        calendar = await self.calendar(calendar_id)
        events = await self.session.scalar(
            select(func.count()).select_from(Event).where(Event.calendar_id == calendar_id)
        )
        if events:
            raise ConflictError(
                f"Calendar {calendar_id} still has {events} events; delete or move them first.",
                extra={"events": events},
            )
        await self.session.delete(calendar)
        await commit_or_conflict(self.session)

    # Categories ---------------------------------------------------------------------------

    async def list_categories(
        self, window: Window, calendar: str | None = None
    ) -> tuple[list[EventCategoryRead], int]:
        query = select(EventCategory).order_by(EventCategory.id)
        if calendar is not None:
            match = (
                Calendar.id == int(calendar) if calendar.isdigit() else Calendar.slug == calendar
            )
            query = query.where(EventCategory.calendar_id.in_(select(Calendar.id).where(match)))
        rows, total = await self._page(query, window)
        return [category_read(row, self.base) for row in rows], total

    async def category(self, key: int | str) -> EventCategoryRead:
        return category_read(await self._get(EventCategory, key, "event category"), self.base)

    async def _calendar_exists(self, calendar_id: int) -> None:
        if await self.session.get(Calendar, calendar_id) is None:
            raise FieldError("calendar", f"no calendar with id {calendar_id}")

    async def create_category(self, data: EventCategoryCreate) -> EventCategoryRead:
        await self._calendar_exists(data.calendar)
        await self._check_slug(EventCategory, data.slug, "category")
        category = EventCategory(name=data.name, slug=data.slug, calendar_id=data.calendar)
        self.session.add(category)
        await commit_or_conflict(self.session)
        return category_read(category, self.base)

    async def update_category(
        self, category_id: int, data: EventCategoryUpdate
    ) -> EventCategoryRead:
        category: EventCategory = await self._get(EventCategory, category_id, "event category")
        changes = changed_fields(data)
        if "calendar" in changes and changes["calendar"] != category.calendar_id:
            await self._calendar_exists(changes["calendar"])
            used = await self.session.scalar(
                select(func.count())
                .select_from(event_event_category)
                .where(event_event_category.c.category_id == category_id)
            )
            if used:
                raise ConflictError(
                    f"Category {category_id} is used by {used} events of its calendar; "
                    "it cannot move to another calendar.",
                    extra={"events": used},
                )
        if "calendar" in changes:
            changes["calendar_id"] = changes.pop("calendar")
        await self._update(category, changes, "category")
        return category_read(category, self.base)

    async def delete_category(self, category_id: int) -> None:
        category = await self._get(EventCategory, category_id, "event category")
        await self.session.delete(category)
        await commit_or_conflict(self.session)

    # Locations ----------------------------------------------------------------------------

    async def list_locations(
        self, window: Window, q: str | None = None
    ) -> tuple[list[EventLocationRead], int]:
        query = select(EventLocation).order_by(EventLocation.id)
        if q:
            query = query.where(
                or_(contains(EventLocation.name, q), contains(EventLocation.address, q))
            )
        rows, total = await self._page(query, window)
        return [location_read(row, self.base) for row in rows], total

    async def location(self, key: int | str) -> EventLocationRead:
        return location_read(await self._get(EventLocation, key, "event location"), self.base)

    async def create_location(self, data: EventLocationCreate) -> EventLocationRead:
        await self._check_slug(EventLocation, data.slug, "location")
        location = EventLocation(
            name=data.name,
            slug=data.slug,
            address=data.address,
            country=data.country,
            url=data.url,
            latitude=data.latitude,
            longitude=data.longitude,
        )
        self.session.add(location)
        await commit_or_conflict(self.session)
        return location_read(location, self.base)

    async def update_location(
        self, location_id: int, data: EventLocationUpdate
    ) -> EventLocationRead:
        location: EventLocation = await self._get(EventLocation, location_id, "event location")
        await self._update(location, changed_fields(data), "location")
        return location_read(location, self.base)

    async def delete_location(self, location_id: int) -> None:
        """Events held there keep existing, without a venue."""
        location = await self._get(EventLocation, location_id, "event location")
        await self.session.delete(location)
        await commit_or_conflict(self.session)
