"""Why the iCalendar export keeps its own writer and VTIMEZONE code instead of the icalendar
package (issue 11 asked to consider ``Timezone.from_tzinfo``): the measured reasons.

1. VTIMEZONE. For every zone of tzdata over 1969-2102, the offset changes that
   ``events/timezones.py`` finds (weekly readings, bisected to the second) are compared with a
   daily reading bisected the same way (the former writer's method), and with what
   ``icalendar.Timezone.from_tzinfo`` writes, read back as RFC 5545 says (DTSTART and RDATE
   in the offset before the onset, TZOFFSETFROM). Also the CPU each takes.
2. The writer. The 1,442 events of Python User Groups (a fresh seeded SQLite database) are
   written with this project's writer and, with the same content, with icalendar's
   ``Calendar``/``Event`` components and ``to_ical()``.

    .venv/bin/python bench/ical_library.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import icalendar
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.db.migrate import upgrade
from pydotorg.db.seed import seed
from pydotorg.domains import DOMAINS
from pydotorg.events import ical
from pydotorg.events.exports import ExportedEvent, exported_events
from pydotorg.events.models import Event
from pydotorg.events.timezones import changes
from tests.events.conftest import onsets

FIRST, LAST = 1969, 2102
Change = tuple[int, timedelta, timedelta]


def daily(key: str) -> list[Change]:
    """The former writer's method: a reading a day, each change bisected to the second."""
    tz = ZoneInfo(key)

    def offset(moment: int) -> timedelta:
        return datetime.fromtimestamp(moment, tz).utcoffset() or timedelta(0)

    moment = int(datetime(FIRST, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(LAST, 1, 1, tzinfo=UTC).timestamp())
    found, current = [], offset(moment)
    while moment < end:
        following = moment + 86400
        if offset(following) != current:
            low, high = moment, following
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == current else (low, middle)
            found.append((high, current, offset(high)))
            current = offset(high)
        moment = following
    return found


def weekly(key: str) -> list[Change]:
    return [
        (moment, o.before, o.after)
        for year in range(FIRST, LAST)
        for moment, o in changes(key, year)
    ]


def from_tzinfo(key: str) -> list[Change]:
    component = icalendar.Timezone.from_tzinfo(
        ZoneInfo(key), key, date(FIRST, 1, 1), date(LAST, 1, 1)
    )
    found = onsets(component)[1:]  # the first is the initial observance
    return [(int(moment.timestamp()), before, after) for moment, before, after, _ in found]


def compare_zones() -> None:
    keys = sorted(available_timezones())
    timings = {"daily": 0.0, "weekly": 0.0, "from_tzinfo": 0.0}
    results: dict[str, dict[str, list[Change]]] = {}
    for key in keys:
        results[key] = {}
        for name, method in (("daily", daily), ("weekly", weekly), ("from_tzinfo", from_tzinfo)):
            started = time.process_time()
            results[key][name] = method(key)
            timings[name] += time.process_time() - started
    total = sum(len(r["daily"]) for r in results.values())
    print(f"{len(keys)} zones, {total} offset changes {FIRST}-{LAST} (daily readings)")
    for name in ("weekly", "from_tzinfo"):
        differ = [k for k, r in results.items() if r[name] != r["daily"]]
        missing = sum(len(set(r["daily"]) - set(r[name])) for r in results.values())
        late = sum(
            1
            for r in results.values()
            for moment, before, after in r[name]
            if (moment - 3600, before, after) in set(r["daily"])
        )
        print(
            f"  {name:12} {timings[name] / len(keys) * 1000:6.2f} ms CPU per zone; zones that "
            f"differ: {len(differ)}; changes missing or misplaced: {missing} "
            f"(of which an hour late: {late})"
        )
        casablanca = results["Africa/Casablanca"]
        print(f"    Africa/Casablanca: {len(casablanca[name])} of {len(casablanca['daily'])} found")
    print(f"  {'daily':12} {timings['daily'] / len(keys) * 1000:6.2f} ms CPU per zone")


async def user_groups(url: str) -> list[ExportedEvent]:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await exported_events(session, select(Event.id).where(Event.calendar_id == 2))
    finally:
        await engine.dispose()


def with_icalendar(events: list[ExportedEvent]) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", ical.PRODID)
    calendar.add("version", "2.0")
    for event in events:
        for component in ical.components(event):
            item = icalendar.Event()
            item.add("uid", component.uid)
            item.add("dtstamp", event.updated)
            item.add("dtstart", component.when.start)
            item.add("dtend", component.when.end)
            item.add("summary", event.title)
            item.add("description", ical.plain_text(event.description))
            item.add("url", event.url.replace("\n", "") or f"https://example.org/{event.id}")
            if event.venue is not None:
                item.add("location", event.venue.name)
            item.add("categories", event.categories)
            item.add("created", event.created)
            item.add("last-modified", event.updated)
            calendar.add_component(item)
    return calendar.to_ical()


def compare_writers() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        upgrade(url)
        asyncio.run(seed(url, DOMAINS))
        events = asyncio.run(user_groups(url))
    for name, write in (
        ("this project's writer", lambda: ical.calendar(events, name="x", url=str)),
        ("icalendar", lambda: with_icalendar(events)),
    ):
        write()
        runs = []
        for _ in range(5):
            started = time.process_time()
            body = write()
            runs.append(time.process_time() - started)
        print(
            f"  {name:22} {min(runs) * 1000:7.1f} ms CPU (best of 5) for {len(events)} events, "
            f"{len(body):,} bytes"
        )


if __name__ == "__main__":
    print("VTIMEZONE:")
    compare_zones()
    print("Writing Python User Groups:")
    compare_writers()
