"""RSS and Atom feeds of a calendar's upcoming events, built with ``core.feeds``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from pydotorg.core.feeds import FeedItem
from pydotorg.events.ical import plain_text
from pydotorg.events.models import Event
from pydotorg.events.recurrence import Occurrence

FEED_SIZE = 50


def describe(occurrence: Occurrence, time_zone: str) -> str:
    """When, in the event's own zone: '19 Dec 2026 - 20 Dec 2026' or
    'Thu 18 Mar 2027, 18:00 - 20:00 (Europe/Berlin)'."""
    tz = ZoneInfo(time_zone)
    start, end = occurrence.start.astimezone(tz), occurrence.end.astimezone(tz)
    if occurrence.all_day:
        last = (end - timedelta(days=1)).date()
        first = start.date()
        return f"{first:%d %b %Y}" + (f" - {last:%d %b %Y}" if last != first else "")
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %d %b %Y, %H:%M}"
    return f"{start:%a %d %b %Y, %H:%M} - {until} ({time_zone})"


def feed_items(
    events: Sequence[Event],
    upcoming_of: Mapping[int, Occurrence | None],
    url: Callable[[int], str],
) -> list[FeedItem]:
    """Feed items of ``events``, each with its next occurrence (``upcoming_of``)."""
    items = []
    for event in events:
        upcoming = upcoming_of[event.id]
        lines = []
        if upcoming is not None:
            lines.append(f"When: {describe(upcoming, event.time_zone)}")
        if event.venue is not None:
            lines.append(f"Where: {event.venue.name}")
        if event.description:
            lines += ["", plain_text(event.description)]
        uri = url(event.id)
        items.append(
            FeedItem(
                title=event.title,
                link=event.url or uri,
                guid=uri,
                published=event.created,
                updated=event.updated,
                summary="\n".join(lines),
                categories=[c.name for c in event.categories],
            )
        )
    return items
