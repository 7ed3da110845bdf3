"""Events in the site-wide search: every event is indexed; anyone sees approved ones, the
submitter their own, staff all."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from pydotorg.core.search import IndexSpec, SearchIndex, staff_or
from pydotorg.events.models import STATUS_APPROVED, Event

EVENT_INDEX = SearchIndex("event", 2)


def document(event: Event) -> tuple[str, str]:
    venue = event.venue
    place = f"{venue.name} {venue.address} {venue.country}" if venue is not None else ""
    return event.title, f"{event.description}\n{place}\n{event.calendar.name}"


def approved() -> ColumnElement[bool]:
    return Event.status == STATUS_APPROVED


INDEXES = [
    IndexSpec(
        name="events",
        index=EVENT_INDEX,
        model=Event,
        title=Event.title,
        date=Event.first_start,
        route="getEvent",
        visible=staff_or(approved, owner=Event.creator_id),
        document=document,
    )
]
