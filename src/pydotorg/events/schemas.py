"""Request and response bodies of the events API, separate from the tables.

Datetimes in responses carry the offset of the event's own time zone (the same instant as UTC,
but readable as the local time the event is announced in). In request bodies a datetime without
an offset is a local time in the event's ``time_zone``; one with an offset is that instant.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from pydotorg.core.schemas import (
    Description,
    NamedRowCreate,
    NamedRowRead,
    OptionalUrl,
    Ref,
    Slug,
    WriteSchema,
    one_line,
    patch_of,
)

Frequency = Literal["yearly", "monthly", "weekly", "daily"]
Status = Literal["approved", "pending", "rejected"]
Title = Annotated[str, one_line(500, min_length=1)]
Address = Annotated[str, one_line(500)]
Country = Annotated[str, one_line(100)]
TimeZoneName = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=64,
        description="An IANA time zone name, e.g. 'Europe/Berlin' or 'UTC'.",
        examples=["Europe/Berlin"],
    ),
]
Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]
WeekDay = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[+-]?[0-9]{0,2}(MO|TU|WE|TH|FR|SA|SU)\Z",
        description="RFC 5545 BYDAY: 'MO'..'SU', numbered ('1MO', '-1FR') in monthly rules.",
    ),
]
Ids = Annotated[list[Ref], msgspec.Meta(max_length=50)]


# Calendars, categories, locations ------------------------------------------------------------


class CalendarRead(NamedRowRead):
    description: str
    url: str
    ical_url: str
    rss_url: str
    atom_url: str
    resource_uri: str


class CalendarCreate(NamedRowCreate):
    description: Description = ""
    url: OptionalUrl = ""


class EventCategoryRead(NamedRowRead):
    calendar: int
    resource_uri: str


class EventCategoryCreate(NamedRowCreate):
    calendar: Ref


class EventLocationRead(NamedRowRead):
    address: str
    country: str
    url: str
    latitude: float | None
    longitude: float | None
    resource_uri: str


class EventLocationCreate(NamedRowCreate):
    address: Address = ""
    country: Country = ""
    url: OptionalUrl = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None


# When events happen ---------------------------------------------------------------------------


class OccurrenceRead(msgspec.Struct):
    """One occurrence. ``start_date``/``end_date`` (last day, inclusive) are set when all-day."""

    dt_start: datetime
    dt_end: datetime
    all_day: bool
    start_date: date | None
    end_date: date | None
    id: int | None = None


class RuleRead(msgspec.Struct):
    id: int
    dt_start: datetime
    dt_end: datetime
    all_day: bool
    start_date: date | None
    end_date: date | None
    frequency: Frequency
    interval: int
    count: int | None
    until: datetime | None
    by_day: list[str]
    rrule: str


class OccurrenceWrite(WriteSchema):
    """A timed occurrence (``dt_start``, ``dt_end``) or an all-day one (``all_day``,
    ``start_date``, optional inclusive ``end_date``)."""

    dt_start: datetime | None = None
    dt_end: datetime | None = None
    all_day: bool = False
    start_date: date | None = None
    end_date: date | None = None


class RuleWrite(OccurrenceWrite):
    """The first occurrence, as in :class:`OccurrenceWrite`, and how it repeats (RFC 5545)."""

    frequency: Frequency = "weekly"
    interval: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1
    count: Annotated[int, msgspec.Meta(ge=1, le=5000)] | None = None
    until: datetime | None = None
    by_day: Annotated[list[WeekDay], msgspec.Meta(max_length=7)] = []


Occurrences = Annotated[list[OccurrenceWrite], msgspec.Meta(max_length=100)]
Rules = Annotated[list[RuleWrite], msgspec.Meta(max_length=10)]


# Events -------------------------------------------------------------------------------------


class EventRead(msgspec.Struct):
    id: int
    uid: str
    slug: str
    title: str
    description: str
    calendar: int
    calendar_slug: str
    venue: EventLocationRead | None
    categories: list[EventCategoryRead]
    featured: bool
    url: str
    time_zone: str
    status: Status
    review_note: str
    creator: int | None
    occurrences: list[OccurrenceRead]
    rules: list[RuleRead]
    next_occurrence: OccurrenceRead | None
    created: datetime
    updated: datetime
    ical_url: str
    resource_uri: str


class EventCreate(WriteSchema):
    title: Title
    calendar: Ref
    occurrences: Occurrences = []
    rules: Rules = []
    slug: Slug | None = None
    description: Description = ""
    venue: Ref | None = None
    categories: Ids = []
    featured: bool = False
    url: OptionalUrl = ""
    time_zone: TimeZoneName = "UTC"


class EventSubmit(WriteSchema):
    """What a signed-in user may propose; staff review it before anyone else sees it."""

    title: Title
    calendar: Ref
    occurrences: Occurrences = []
    rules: Rules = []
    description: Description = ""
    venue: Ref | None = None
    categories: Ids = []
    url: OptionalUrl = ""
    time_zone: TimeZoneName = "UTC"


EventUpdate = patch_of(EventCreate, not_null=("slug",))


class ExpandedOccurrenceRead(msgspec.Struct):
    """One occurrence in a date range, single or produced by a recurring rule."""

    event: int
    event_slug: str
    title: str
    calendar: int
    time_zone: str
    dt_start: datetime
    dt_end: datetime
    all_day: bool
    start_date: date | None
    end_date: date | None
    recurring: bool
    event_uri: str
