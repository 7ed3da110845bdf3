"""iCalendar (RFC 5545) export, so Python events can be subscribed to in any calendar app.

Written out by hand rather than through a library: the format is small, and owning it keeps the
rules visible. Lines end in CRLF and are folded at 75 octets without splitting a UTF-8
character; TEXT values are escaped; every timed event in a zone other than UTC names it with
TZID and the calendar carries a VTIMEZONE with that zone's real transitions; all-day events are
DATE values with an exclusive end. DTSTAMP is the event's last change, so an unchanged calendar
is byte-for-byte the same (and keeps its ETag).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pydotorg.core import clock
from pydotorg.events.models import STATUS_APPROVED, STATUS_PENDING, Event
from pydotorg.events.occurrences import rule_of
from pydotorg.events.recurrence import Occurrence, Rule

MEDIA_TYPE = "text/calendar"
PRODID = "-//Python Software Foundation//python.org events API//EN"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TAG = re.compile(r"<[^>]+>")
_URI_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
_STATUS = {STATUS_APPROVED: "CONFIRMED", STATUS_PENDING: "TENTATIVE"}
FUTURE_YEARS = 10


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, continuation lines starting with
    a space, never inside a UTF-8 character (RFC 5545 3.1)."""
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def plain_text(markup: str) -> str:
    """Descriptions may hold HTML (python.org's do); calendar apps show plain text."""
    text = re.sub(r"<br\s*/?>|</p>", "\n", markup, flags=re.IGNORECASE)
    return html.unescape(_TAG.sub("", text)).strip()


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def _when(name: str, moment: datetime, all_day: bool, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    if all_day:
        return f"{name};VALUE=DATE:{local:%Y%m%d}"
    if tz.key == "UTC":
        return f"{name}:{_utc(moment)}"
    return f"{name};TZID={tz.key}:{local:%Y%m%dT%H%M%S}"


@dataclass(frozen=True)
class Transition:
    at: datetime
    before: timedelta
    after: timedelta
    name: str
    daylight: bool


def transitions(tz: ZoneInfo, first: datetime, last: datetime) -> list[Transition]:
    """The zone's offset changes between two instants, found by daily steps and bisection."""

    def offset_at(moment: datetime) -> timedelta:
        return moment.astimezone(tz).utcoffset() or timedelta(0)

    found = []
    step = timedelta(days=1)
    moment = first
    offset = offset_at(moment)
    while moment < last:
        following = moment + step
        new = offset_at(following)
        if new != offset:
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset_at(middle) == offset:
                    low = middle
                else:
                    high = middle
            high = high.replace(microsecond=0)
            after = high.astimezone(tz)
            found.append(Transition(high, offset, new, after.tzname() or "", bool(after.dst())))
            offset = new
        moment = following
    return found


def vtimezone(tz: ZoneInfo, first: datetime, last: datetime) -> list[str]:
    start = datetime(first.year - 1, 1, 1, tzinfo=UTC)
    end = datetime(last.year + 2, 1, 1, tzinfo=UTC)
    initial = start.astimezone(tz)
    offset = initial.utcoffset() or timedelta(0)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tz.key}"]
    periods = [
        Transition(start, offset, offset, initial.tzname() or "", bool(initial.dst())),
        *transitions(tz, start, end),
    ]
    for period in periods:
        kind = "DAYLIGHT" if period.daylight else "STANDARD"
        onset = (period.at + period.before).replace(tzinfo=None)
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{onset:%Y%m%dT%H%M%S}",
            f"TZOFFSETFROM:{_offset(period.before)}",
            f"TZOFFSETTO:{_offset(period.after)}",
            f"TZNAME:{escape(period.name)}",
            f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    return lines


@dataclass(frozen=True)
class Component:
    """One VEVENT: a single occurrence, or a rule's first occurrence and its RRULE."""

    uid: str
    when: Occurrence
    rule: Rule | None = None


def components(event: Event) -> list[Component]:
    """The event's first component keeps the event's own UID; further ones get UIDs built from
    the event id and their own id, so each stays stable while it exists."""
    found = [
        Component(
            f"event-{event.id}-occurrence-{o.id}@python.org",
            Occurrence(o.dt_start, o.dt_end, o.all_day),
        )
        for o in event.occurrences
    ]
    for row in event.rules:
        rule = rule_of(row)
        found.append(
            Component(
                f"event-{event.id}-rule-{row.id}@python.org",
                Occurrence(rule.start, rule.end, rule.all_day),
                rule,
            )
        )
    if found:
        found[0] = Component(event.uid, found[0].when, found[0].rule)
    return found


def vevent(event: Event, component: Component, url: Callable[[Event], str]) -> list[str]:
    tz = ZoneInfo(event.time_zone)
    when = component.when
    lines = [
        "BEGIN:VEVENT",
        f"UID:{component.uid}",
        f"DTSTAMP:{_utc(event.updated)}",
        _when("DTSTART", when.start, when.all_day, tz),
        _when("DTEND", when.end, when.all_day, tz),
    ]
    if component.rule is not None:
        lines.append(f"RRULE:{component.rule.rrule_text(tz)}")
    lines.append(f"SUMMARY:{escape(event.title)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(plain_text(event.description))}")
    if event.venue is not None:
        place = ", ".join(p for p in (event.venue.name, event.venue.address) if p)
        if event.venue.address == event.venue.name:
            place = event.venue.name
        lines.append(f"LOCATION:{escape(place)}")
        if event.venue.latitude is not None and event.venue.longitude is not None:
            lines.append(f"GEO:{event.venue.latitude};{event.venue.longitude}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape(c.name) for c in event.categories))
    lines += [
        f"URL:{_URI_UNSAFE.sub('', event.url) or url(event)}",
        f"STATUS:{_STATUS.get(event.status, 'CANCELLED')}",
        f"CREATED:{_utc(event.created)}",
        f"LAST-MODIFIED:{_utc(event.updated)}",
        "END:VEVENT",
    ]
    return lines


def _zone_spans(events: Iterable[Event], now: datetime) -> dict[str, tuple[datetime, datetime]]:
    """For each zone that timed events use, the instants its VTIMEZONE must cover."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    for event in events:
        if event.time_zone == "UTC":
            continue
        for component in components(event):
            if component.when.all_day:
                continue
            first, last = component.when.start, component.when.end
            if component.rule is not None:
                last = max(last, event.last_end or now + timedelta(days=365 * FUTURE_YEARS))
            low, high = spans.get(event.time_zone, (first, last))
            spans[event.time_zone] = (min(low, first), max(high, last))
    return spans


def calendar(
    events: Sequence[Event],
    *,
    name: str,
    url: Callable[[Event], str],
    now: datetime | None = None,
) -> bytes:
    """A VCALENDAR of the events, as bytes ready to serve as ``text/calendar``; ``url`` gives
    the address of an event that has no web page of its own."""
    now = now or clock.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for key, (first, last) in sorted(_zone_spans(events, now).items()):
        lines += vtimezone(ZoneInfo(key), first, last)
    for event in events:
        for component in components(event):
            lines += vevent(event, component, url)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_folded(lines)) + "\r\n").encode("utf-8")


def _folded(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        yield fold(line)
