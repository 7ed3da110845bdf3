"""Who may see which events, and the list filters every events endpoint shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from litestar import Request
from sqlalchemy import Select, or_, select

from pydotorg.core.auth import current_identity
from pydotorg.core.exceptions import FieldError
from pydotorg.events.models import (
    STATUS_APPROVED,
    Calendar,
    Event,
    EventCategory,
    EventLocation,
    EventOccurrence,
    RecurringRule,
    event_event_category,
)

AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])
MAX_RANGE_DAYS = 5 * 366


@dataclass(frozen=True)
class Viewer:
    """The caller as visibility sees them: staff see everything, a user also their own
    submissions, everyone else approved events only."""

    user_id: int | None = None
    staff: bool = False

    @classmethod
    def of(cls, request: Request[Any, Any, Any]) -> Viewer:
        identity = current_identity(request)
        if identity is None:
            return cls()
        return cls(user_id=identity.id, staff=identity.is_staff)

    def visible(self, query: AnySelect) -> AnySelect:
        if self.staff:
            return query
        if self.user_id is None:
            return query.where(Event.status == STATUS_APPROVED)
        return query.where(or_(Event.status == STATUS_APPROVED, Event.creator_id == self.user_id))


@dataclass(frozen=True)
class DateRange:
    """Whole UTC days, both ends included, as the instants ``[after, before)``; an open end is
    None."""

    after: datetime | None
    before: datetime | None

    @classmethod
    def of(cls, first: date | None, last: date | None) -> DateRange | None:
        if first is None and last is None:
            return None
        if first is not None and last is not None and last < first:
            raise FieldError("date_to", "must not be before date_from", source="query")
        return cls(
            datetime.combine(first, time(), UTC) if first else None,
            datetime.combine(last + timedelta(days=1), time(), UTC) if last else None,
        )

    @classmethod
    def bounded(cls, first: date | None, last: date | None, default_days: int) -> DateRange:
        """A closed range for expanding recurrences: from today, ``default_days`` long."""
        if first is None:
            first = datetime.now(UTC).date() if last is None else last - timedelta(default_days)
        if last is None:
            last = first + timedelta(days=default_days)
        if (last - first).days > MAX_RANGE_DAYS:
            raise FieldError(
                "date_to", f"a range may span at most {MAX_RANGE_DAYS} days", source="query"
            )
        dates = cls.of(first, last)
        assert dates is not None
        return dates

    @property
    def closed(self) -> bool:
        return self.after is not None and self.before is not None


def _id_or_slug(value: str, id_column: Any, slug_column: Any) -> Any:
    return id_column == int(value) if value.isdigit() else slug_column == value


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

    def apply(self, query: AnySelect, now: datetime) -> AnySelect:
        if self.calendar is not None:
            query = query.where(
                Event.calendar_id.in_(
                    select(Calendar.id).where(
                        _id_or_slug(self.calendar, Calendar.id, Calendar.slug)
                    )
                )
            )
        if self.category is not None:
            query = query.where(
                select(event_event_category.c.event_id)
                .join(EventCategory, EventCategory.id == event_event_category.c.category_id)
                .where(
                    event_event_category.c.event_id == Event.id,
                    _id_or_slug(self.category, EventCategory.id, EventCategory.slug),
                )
                .exists()
            )
        if self.location is not None:
            query = query.where(
                Event.venue_id.in_(
                    select(EventLocation.id).where(
                        _id_or_slug(self.location, EventLocation.id, EventLocation.slug)
                    )
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
            query = query.where(or_(single_in(dates), rule_may_hit(dates)))
        return query


def contains(column: Any, text: str) -> Any:
    """A case-insensitive substring match, with LIKE's wildcards in ``text`` taken literally."""
    literal = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{literal}%", escape="\\")


def single_in(dates: DateRange) -> Any:
    """A single occurrence of the event overlaps the range (exact)."""
    query = select(EventOccurrence.id).where(EventOccurrence.event_id == Event.id)
    if dates.before is not None:
        query = query.where(EventOccurrence.dt_start < dates.before)
    if dates.after is not None:
        query = query.where(EventOccurrence.dt_end > dates.after)
    return query.exists()


def rule_may_hit(dates: DateRange) -> Any:
    """A rule of the event spans the range. Exact for an open range (its first occurrence starts
    at ``dt_start``, its last ends at ``last_end``); a closed one is checked by expansion after."""
    query = select(RecurringRule.id).where(RecurringRule.event_id == Event.id)
    if dates.before is not None:
        query = query.where(RecurringRule.dt_start < dates.before)
    if dates.after is not None:
        query = query.where(
            or_(RecurringRule.last_end.is_(None), RecurringRule.last_end > dates.after)
        )
    return query.exists()
