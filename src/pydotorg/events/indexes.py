"""Events in the site-wide search: every event is indexed; anyone sees approved ones, the
submitter their own, staff all."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from pydotorg.core.search import IndexSpec, Role, SearchIndex
from pydotorg.events.models import STATUS_APPROVED, Event

EVENT_INDEX = SearchIndex("event", 2)


def document(event: Event) -> tuple[str, str]:
    venue = event.venue
    place = f"{venue.name} {venue.address} {venue.country}" if venue is not None else ""
    return event.title, f"{event.description}\n{place}\n{event.calendar.name}"


def visible(role: Role, user_id: int | None) -> ColumnElement[bool]:
    if role == "staff":
        return true()
    public = Event.status == STATUS_APPROVED
    return or_(public, Event.creator_id == user_id) if user_id is not None else public


INDEXES = [
    IndexSpec(
        name="events",
        index=EVENT_INDEX,
        model=Event,
        title=Event.title,
        date=Event.first_start,
        route="getEvent",
        visible=visible,
        document=document,
    )
]
