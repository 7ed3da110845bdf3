"""iCalendar (RFC 5545) export, so Python events can be subscribed to in any calendar app.

Written out here rather than with the icalendar package: for the 1,442 events of Python User
Groups, icalendar builds and serialises the file in about 440 ms, this writer in about 30 ms
(``bench/ical_library.py``). Lines end in CRLF and are folded at 75 octets without splitting a
UTF-8 character; TEXT values are escaped and lose the characters neither RFC 5545 nor XML
allows (controls but tab and newline, unpaired surrogates, U+FFFE and U+FFFF); every timed
event in a zone other than UTC names it with TZID, and the calendar carries a VTIMEZONE with
that zone's real transitions over the years the file covers (``timezones.py``); all-day events
are DATE values with an exclusive end. DTSTAMP is the event's last change, so an unchanged
calendar is byte-for-byte the same (and keeps its ETag). The events come from ``exports.py``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pydotorg.core import clock
from pydotorg.events.exports import ExportedEvent
from pydotorg.events.models import STATUS_APPROVED, STATUS_PENDING
from pydotorg.events.recurrence import Occurrence, Rule
from pydotorg.events.timezones import covered_years, vtimezone

MEDIA_TYPE = "text/calendar"
PRODID = "-//Python Software Foundation//python.org events API//EN"
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_TAG = re.compile(r"<[^>]+>")
_URI_UNSAFE = re.compile(r"[\x00-\x20\x7f\ud800-\udfff\ufffe\uffff]")
_STATUS = {STATUS_APPROVED: "CONFIRMED", STATUS_PENDING: "TENTATIVE"}
FUTURE_YEARS = 10


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped."""
    if not text.isprintable():
        text = _NOT_TEXT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, continuation lines starting with
    a space, never inside a UTF-8 character (RFC 5545 3.1)."""
    if len(line) <= 75 and line.isascii():
        return line
    data = line.encode("utf-8")
    pieces = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, 74
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")


def plain_text(markup: str) -> str:
    """Descriptions may hold HTML (python.org's do); calendar apps show plain text."""
    text = re.sub(r"<br\s*/?>|</p>", "\n", markup, flags=re.IGNORECASE)
    return html.unescape(_TAG.sub("", text)).strip()


def _utc(moment: datetime) -> str:
    at = moment.astimezone(UTC)
    fields = (at.year, at.month, at.day, at.hour, at.minute, at.second)
    return "%04d%02d%02dT%02d%02d%02dZ" % fields  # noqa: UP031 - a third of strftime's cost


def _when(name: str, moment: datetime, all_day: bool, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    if all_day:
        return f"{name};VALUE=DATE:{local:%Y%m%d}"
    if tz.key == "UTC":
        return f"{name}:{_utc(moment)}"
    return f"{name};TZID={tz.key}:{local:%Y%m%dT%H%M%S}"


@dataclass(frozen=True, slots=True)
class Component:
    """One VEVENT: a single occurrence, or a rule's first occurrence, its RRULE and the end of
    its last occurrence (None: it repeats for ever)."""

    uid: str
    when: Occurrence
    rule: Rule | None = None
    last_end: datetime | None = None


def components(event: ExportedEvent) -> list[Component]:
    """The event's first component keeps the event's own UID; further ones get UIDs built from
    the event id and their own id, so each stays stable while it exists."""
    found: list[Component] = []
    for occurrence_id, when in event.occurrences:
        uid = f"event-{event.id}-occurrence-{occurrence_id}@python.org" if found else event.uid
        found.append(Component(uid, when))
    for rule_id, rule, last_end in event.rules:
        uid = f"event-{event.id}-rule-{rule_id}@python.org" if found else event.uid
        first = Occurrence(rule.start, rule.end, rule.all_day)
        found.append(Component(uid, first, rule, last_end))
    return found


def vevent(event: ExportedEvent, component: Component, url: Callable[[int], str]) -> list[str]:
    tz = ZoneInfo(event.time_zone)
    when = component.when
    updated = _utc(event.updated)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape(component.uid)}",
        f"DTSTAMP:{updated}",
        _when("DTSTART", when.start, when.all_day, tz),
        _when("DTEND", when.end, when.all_day, tz),
    ]
    if component.rule is not None:
        lines.append(f"RRULE:{component.rule.rrule_text(tz)}")
    lines.append(f"SUMMARY:{escape(event.title)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(plain_text(event.description))}")
    venue = event.venue
    if venue is not None:
        place = ", ".join(p for p in (venue.name, venue.address) if p)
        if venue.address == venue.name:
            place = venue.name
        lines.append(f"LOCATION:{escape(place)}")
        if venue.latitude is not None and venue.longitude is not None:
            lines.append(f"GEO:{venue.latitude};{venue.longitude}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape(name) for name in event.categories))
    lines += [
        f"URL:{_URI_UNSAFE.sub('', event.url) or url(event.id)}",
        f"STATUS:{_STATUS.get(event.status, 'CANCELLED')}",
        f"CREATED:{_utc(event.created)}",
        f"LAST-MODIFIED:{updated}",
        "END:VEVENT",
    ]
    return lines


def _zone_spans(
    events: Iterable[ExportedEvent], now: datetime
) -> dict[str, tuple[datetime, datetime]]:
    """For each zone that timed events use, the instants its VTIMEZONE must cover: a rule
    without an end up to ``FUTURE_YEARS`` from now."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    future = now + timedelta(days=365 * FUTURE_YEARS)
    for event in events:
        if event.time_zone == "UTC":
            continue
        for component in components(event):
            if component.when.all_day:
                continue
            first, last = component.when.start, component.when.end
            if component.rule is not None:
                last = max(last, component.last_end or future)
            low, high = spans.get(event.time_zone, (first, last))
            spans[event.time_zone] = (min(low, first), max(high, last))
    return spans


def calendar(
    events: Sequence[ExportedEvent],
    *,
    name: str,
    url: Callable[[int], str],
    now: datetime | None = None,
) -> bytes:
    """A VCALENDAR of the events, as bytes ready to serve as ``text/calendar``; ``url`` gives
    the address of an event (by id) that has no web page of its own."""
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
        lines += vtimezone(key, *covered_years(first, last))
    for event in events:
        for component in components(event):
            lines += vevent(event, component, url)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(map(fold, lines)) + "\r\n").encode("utf-8")
