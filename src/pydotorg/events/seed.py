"""Loading the shipped events: python.org's two Google calendars (2012-2019) and the Python
conferences list (2017-2028). Only missing rows are added, so re-running changes nothing and
never overwrites what staff edited through the API. The shipped data are facts (titles, times,
places, URLs); each event's description is a line composed here from them.

The data has no time zones: calendar times are UTC instants and conference dates are whole days,
so every seeded event is in ``UTC``. Calendar all-day ends are exclusive (iCalendar's DTEND);
conference end dates are the last day, inclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.data import load
from pydotorg.events.models import (
    STATUS_APPROVED,
    Calendar,
    Event,
    EventCategory,
    EventLocation,
    EventOccurrence,
    event_event_category,
)
from pydotorg.events.services import slugify

CALENDARS = [
    {
        "id": 1,
        "name": "Python Events",
        "slug": "python-events",
        "description": "Conferences and other larger Python events worldwide.",
        "url": "https://www.python.org/events/python-events/",
    },
    {
        "id": 2,
        "name": "Python User Groups",
        "slug": "python-user-groups",
        "description": "Meetings of local Python user groups.",
        "url": "https://www.python.org/events/python-user-group/",
    },
]
CATEGORIES = [
    {"id": 1, "name": "Conference", "slug": "conference", "calendar_id": 1},
    {"id": 2, "name": "User group meeting", "slug": "user-group-meeting", "calendar_id": 2},
]
CATEGORY_OF_CALENDAR = {1: 1, 2: 2}
FEATURED = re.compile(r"^PyCon US\b")


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@dataclass
class Places:
    """Venues, one per distinct place, numbered in order of first appearance."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    by_key: dict[tuple[Any, ...], int] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)

    def add(self, key: tuple[Any, ...], slug: str, **values: Any) -> int:
        if key in self.by_key:
            return self.by_key[key]
        base, number = slug[:190], 2
        while slug in self.slugs:
            slug, number = f"{base}-{number}", number + 1
        self.slugs.add(slug)
        row = {"id": len(self.rows) + 1, "slug": slug, **values}
        self.rows.append(row)
        self.by_key[key] = row["id"]
        return int(row["id"])

    def of_calendar_event(self, record: dict[str, Any]) -> int | None:
        country = _clean(record["country"])
        if record["location"]:
            name = _clean(record["location"])[:200]
            country = country or name.rpartition(",")[2].strip()
            return self.add(
                ("named", name),
                slugify(name),
                name=name,
                address=name,
                country=country,
                latitude=record["latitude"],
                longitude=record["longitude"],
            )
        lat, lon = record["latitude"], record["longitude"]
        if lat is None or lon is None:
            return None
        where = country or "Unknown"
        return self.add(
            ("point", where, round(lat, 3), round(lon, 3)),
            f"{slugify(where)}-{abs(lat):.3f}{'n' if lat >= 0 else 's'}-"
            f"{abs(lon):.3f}{'e' if lon >= 0 else 'w'}".replace(".", "-"),
            name=f"{where} ({lat:.3f}, {lon:.3f})",
            address="",
            country=country,
            latitude=lat,
            longitude=lon,
        )

    def of_conference(self, record: dict[str, Any]) -> int | None:
        address = _clean(record["location"])
        name = _clean(record["venue"]) or address
        if not name:
            return None
        country = address.rpartition(",")[2].strip() if address else ""
        return self.add(
            ("venue", name, address),
            slugify(name),
            name=name[:200],
            address=address,
            country=country[:100],
            latitude=None,
            longitude=None,
        )


def _day(value: str) -> datetime:
    return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)


def calendar_times(record: dict[str, Any]) -> tuple[datetime, datetime, bool]:
    """Timed entries are UTC instants; all-day ones have an exclusive end date."""
    if len(record["start"]) == 10:
        start, end = _day(record["start"]), _day(record["end"])
        return start, max(end, start + timedelta(days=1)), True
    start = datetime.fromisoformat(record["start"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(record["end"].replace("Z", "+00:00"))
    return start, max(start, end), False


def conference_times(record: dict[str, Any]) -> tuple[datetime, datetime, bool]:
    """All-day, last day inclusive. One row ends a year before it starts (a typo for the
    start's year); an end that is still before the start becomes a one-day event."""
    start = date.fromisoformat(record["start"])
    end = date.fromisoformat(record["end"]) if record["end"] else start
    if end < start:
        end = end.replace(year=start.year)
    end = max(end, start)
    return _day(start.isoformat()), _day(end.isoformat()) + timedelta(days=1), True


def calendar_description(record: dict[str, Any]) -> str:
    """The project's own line about a calendar event, made of its facts (the organisers' text
    is not shipped)."""
    calendar = next(c["name"] for c in CALENDARS if c["slug"] == record["calendar"])
    where = _clean(record["location"]) or _clean(record["country"])
    line = f"{_clean(record['title'])}{f', {where}' if where else ''}: an entry of python.org's "
    line += f'"{calendar}" calendar.'
    return f"{line} Details: {record['url']}" if record["url"] else line


def conference_description(record: dict[str, Any]) -> str:
    lines = [
        ("Location", _clean(record["location"])),
        ("Venue", _clean(record["venue"])),
        ("Call for proposals", record["proposal_url"]),
        ("Talk deadline", record["talk_deadline"]),
        ("Tutorial deadline", record["tutorial_deadline"]),
        ("Sponsorship", record["sponsorship_url"]),
    ]
    return "\n".join(f"{label}: {value}" for label, value in lines if value)


def shipped_events() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every shipped event as table rows (with its one occurrence), and the venues they use."""
    calendar_ids = {c["slug"]: c["id"] for c in CALENDARS}
    places = Places()
    events: list[dict[str, Any]] = []
    slugs: set[str] = set()
    uids: set[str] = set()

    def add(record: dict[str, Any], **values: Any) -> None:
        start, end, all_day = values.pop("times")
        slug = base = f"{slugify(values['title'])[:170]}-{start:%Y-%m-%d}"
        number = 2
        while slug in slugs:
            slug, number = f"{base}-{number}", number + 1
        slugs.add(slug)
        uid, number = values.pop("uid"), 2
        unique = uid
        while unique in uids:
            unique, number = uid.replace("@", f"-{number}@", 1), number + 1
        uids.add(unique)
        events.append(
            {
                "id": len(events) + 1,
                "uid": unique,
                "slug": slug,
                "featured": values["calendar_id"] == 1 and bool(FEATURED.match(values["title"])),
                "time_zone": "UTC",
                "status": STATUS_APPROVED,
                "creator_id": None,
                "first_start": start,
                "last_end": end,
                "ends_never": False,
                "occurrence": {"dt_start": start, "dt_end": end, "all_day": all_day},
                **values,
            }
        )

    for record in load("events_calendar"):
        add(
            record,
            uid=record["uid"],
            times=calendar_times(record),
            title=_clean(record["title"])[:500],
            description=calendar_description(record),
            calendar_id=calendar_ids[record["calendar"]],
            venue_id=places.of_calendar_event(record),
            url=(record["url"] or "")[:500],
        )
    for record in load("conferences"):
        times = conference_times(record)
        add(
            record,
            uid=f"conference-{times[0]:%Y%m%d}-{slugify(record['title'])}@python.org",
            times=times,
            title=_clean(record["title"])[:500],
            description=conference_description(record),
            calendar_id=1,
            venue_id=places.of_conference(record),
            url=(record["url"] or "")[:500],
        )
    return events, places.rows


async def _missing(
    session: AsyncSession, column: Any, rows: list[dict[str, Any]], key: str
) -> list[dict[str, Any]]:
    existing = set(await session.scalars(select(column)))
    return [row for row in rows if row[key] not in existing]


async def seed(session: AsyncSession) -> dict[str, int]:
    """Insert the shipped calendars, categories, venues and events that are not there yet."""
    counts: dict[str, int] = {}
    new = await _missing(session, Calendar.slug, CALENDARS, "slug")
    if new:
        await session.execute(insert(Calendar), new)
    counts["event_calendars"] = len(new)

    new = await _missing(session, EventCategory.slug, CATEGORIES, "slug")
    if new:
        await session.execute(insert(EventCategory), new)
    counts["event_categories"] = len(new)

    events, places = shipped_events()
    new = await _missing(session, EventLocation.slug, places, "slug")
    if new:
        await session.execute(insert(EventLocation), new)
    counts["event_locations"] = len(new)

    venue_ids = dict((await session.execute(select(EventLocation.slug, EventLocation.id))).all())
    place_slugs: dict[int | None, str] = {row["id"]: row["slug"] for row in places}
    new = await _missing(session, Event.uid, events, "uid")
    if new:
        occurrences = [{"id": row["id"], "event_id": row["id"], **row["occurrence"]} for row in new]
        rows = [
            {
                **{k: v for k, v in row.items() if k != "occurrence"},
                "venue_id": venue_ids.get(place_slugs.get(row["venue_id"], "")),
            }
            for row in new
        ]
        await session.execute(insert(Event), rows)
        await session.execute(insert(EventOccurrence), occurrences)
        links = [
            {"event_id": row["id"], "category_id": CATEGORY_OF_CALENDAR[row["calendar_id"]]}
            for row in new
        ]
        await session.execute(insert(event_event_category), links)
    counts["events"] = len(new)
    return counts
