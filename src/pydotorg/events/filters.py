"""The list filters every events endpoint shares (calendar, category, venue, dates, text), and
the dependency that reads them from the query string. Dates lie in the years
``core.days`` supports; others are 400 naming the parameter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

from litestar.di import Provide
from litestar.params import Parameter
from sqlalchemy import Select, or_, select

from pydotorg.core.days import DateRange, supported_day
from pydotorg.core.parameters import Key, Query
from pydotorg.core.queries import contains, id_or_slug
from pydotorg.events.models import (
    Calendar,
    Event,
    EventCategory,
    EventLocation,
    EventOccurrence,
    RuleOccurrence,
    event_event_category,
)

AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class EventFilters:
    """The guide's filters: calendar, category, location (each an id or a slug), featured,
    status, a text query, a date range and whether the event is still to come."""

    calendar: str | None = None
    category: str | None = None
    location: str | None = None
    featured: bool | None = None
    status: str | None = None
    q: str | None = None
    upcoming: bool | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def dates(self) -> DateRange | None:
        return DateRange.of(self.date_from, self.date_to)

    def apply(self, query: AnySelect, now: datetime, longest: timedelta | None = None) -> AnySelect:
        """The filters as SQL conditions; ``longest``, the longest written-out occurrence,
        bounds the starts a date range looks at (without it every earlier start is)."""
        if self.calendar is not None:
            query = query.where(
                Event.calendar_id.in_(
                    select(Calendar.id).where(id_or_slug(Calendar, self.calendar))
                )
            )
        if self.category is not None:
            query = query.where(
                select(event_event_category.c.event_id)
                .join(EventCategory, EventCategory.id == event_event_category.c.category_id)
                .where(
                    event_event_category.c.event_id == Event.id,
                    id_or_slug(EventCategory, self.category),
                )
                .exists()
            )
        if self.location is not None:
            query = query.where(
                Event.venue_id.in_(
                    select(EventLocation.id).where(id_or_slug(EventLocation, self.location))
                )
            )
        if self.featured is not None:
            query = query.where(Event.featured.is_(self.featured))
        if self.status is not None:
            query = query.where(Event.status == self.status)
        if self.q:
            query = query.where(
                or_(contains(Event.title, self.q), contains(Event.description, self.q))
            )
        if self.upcoming is not None:
            still_to_come = or_(Event.ends_never.is_(True), Event.last_end >= now)
            query = query.where(still_to_come if self.upcoming else ~still_to_come)
        dates = self.dates
        if dates is not None:
            query = query.where(or_(single_in(dates), rule_hits(dates, longest)))
        return query


def single_in(dates: DateRange) -> Any:
    """A single occurrence of the event overlaps the range (exact)."""
    query = select(EventOccurrence.id).where(EventOccurrence.event_id == Event.id)
    if dates.before is not None:
        query = query.where(EventOccurrence.dt_start < dates.before)
    if dates.after is not None:
        query = query.where(EventOccurrence.dt_end > dates.after)
    return query.exists()


def rule_hits(dates: DateRange, longest: timedelta | None = None) -> Any:
    """An occurrence a rule of the event makes overlaps the range (exact: they are written
    out, ``RuleOccurrence``; the index on event and start finds them)."""
    query = select(RuleOccurrence.id).where(RuleOccurrence.event_id == Event.id)
    return in_range(query, RuleOccurrence, dates, longest).exists()


def in_range(
    query: AnySelect,
    table: type[RuleOccurrence] | type[EventOccurrence],
    dates: DateRange,
    longest: timedelta | None = None,
) -> AnySelect:
    """``query``'s occurrences of ``table`` that overlap the range; with ``longest`` (the
    longest of them), only starts from that long before the range are looked at."""
    if dates.before is not None:
        query = query.where(table.dt_start < dates.before)
    if dates.after is not None:
        query = query.where(table.dt_end > dates.after)
        if longest is not None:
            query = query.where(table.dt_start >= dates.after - longest)
    return query


async def provide_filters(
    calendar: Query[Key, Parameter(description="Calendar id or slug.")] = None,
    category: Query[Key, Parameter(description="Event category id or slug.")] = None,
    location: Query[Key, Parameter(description="Event location id or slug.")] = None,
    featured: Annotated[bool | None, Parameter(description="Featured events, or others.")] = None,
    status: Annotated[
        Literal["approved", "pending", "rejected"] | None,
        Parameter(description="Review status (others than approved: staff and submitters)."),
    ] = None,
    q: Query[Key, Parameter(description="Text in the title or description (any case).")] = None,
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
        date_from=supported_day(date_from, "date_from"),
        date_to=supported_day(date_to, "date_to"),
    )


FILTERS = {"filters": Provide(provide_filters)}
