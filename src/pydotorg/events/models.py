"""Events tables: calendars, their categories, venues, events and when they happen.

Every instant is stored in UTC (``UTCDateTime``); each event keeps the IANA name of its own
time zone, which is what recurrence is expanded in and what the calendar export declares.
``first_start`` and ``last_end`` summarise an event's occurrences and rules so lists can filter
and sort in SQL; the services keep them current on every write. Every occurrence a rule makes
is written out (``RuleOccurrence``) when the event is, so no read expands a rule: date ranges
and next occurrences are index lookups.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import Base, Id, NamedMixin, TimestampMixin, UTCDateTime, belongs_to

STATUS_APPROVED = "approved"
STATUS_PENDING = "pending"
STATUS_REJECTED = "rejected"

event_event_category = Table(
    "event_event_category",
    Base.metadata,
    Column(
        "event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True, nullable=False
    ),
    Column(
        "category_id",
        ForeignKey("event_category.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
        index=True,
    ),
)


class Calendar(NamedMixin, TimestampMixin, Base):
    """A calendar of events (python.org has "Python Events" and "Python User Groups")."""

    __tablename__ = "event_calendar"
    noun = "calendar"

    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    url: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class EventCategory(TimestampMixin, Base):
    """A category of the events of one calendar (conference, sprint, meetup, ...)."""

    __tablename__ = "event_category"
    noun = "event category"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    calendar_id: Mapped[int] = belongs_to("event_calendar.id")
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)


class EventLocation(NamedMixin, TimestampMixin, Base):
    """A venue: a place events happen at, optionally with coordinates for maps."""

    __tablename__ = "event_location"
    noun = "event location"

    address: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    country: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)


def when_it_happens(order_by: str) -> Any:
    """An event's occurrences or rules: the event's own rows, written and deleted with it (the
    database deletes them too), and read with it in ``order_by`` order."""
    return relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by=order_by,
    )


class Event(TimestampMixin, Base):
    """An event of a calendar; when it happens is its occurrences and recurring rules."""

    __tablename__ = "event"
    noun = "event"
    __table_args__ = (Index("ix_event_status_first_start", "status", "first_start"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    uid: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    slug: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    calendar_id: Mapped[int] = mapped_column(
        ForeignKey("event_calendar.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    venue_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_location.id", ondelete="SET NULL"), nullable=True, index=True
    )
    featured: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=STATUS_APPROVED)
    review_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    creator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    first_start: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_end: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    ends_never: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    calendar: Mapped[Calendar] = relationship(lazy="joined")
    venue: Mapped[EventLocation | None] = relationship(lazy="joined")
    categories: Mapped[list[EventCategory]] = relationship(
        secondary=event_event_category, lazy="selectin", order_by=EventCategory.id
    )
    occurrences: Mapped[list[EventOccurrence]] = when_it_happens("EventOccurrence.dt_start")
    rules: Mapped[list[RecurringRule]] = when_it_happens("RecurringRule.id")


class EventOccurrence(Base):
    """One single occurrence. All-day ones run from local midnight to the midnight after their
    last day, in the event's time zone."""

    __tablename__ = "event_occurrence"
    noun = "occurrence"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    event_id: Mapped[int] = belongs_to("event.id")
    dt_start: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    dt_end: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    all_day: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    event: Mapped[Event] = relationship(back_populates="occurrences")


class RecurringRule(Base):
    """A recurrence (the RFC 5545 RRULE subset python.org needs), expanded in the event's zone.

    ``dt_start``/``dt_end`` are the first occurrence; ``last_end`` is the end of the last one,
    or null when the rule never ends.
    """

    __tablename__ = "event_recurring_rule"
    noun = "recurring rule"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    event_id: Mapped[int] = belongs_to("event.id")
    dt_start: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    dt_end: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    all_day: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    frequency: Mapped[str] = mapped_column(String(10), nullable=False)
    interval: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    by_day: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    last_end: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    event: Mapped[Event] = relationship(back_populates="rules")


class RuleOccurrence(Base):
    """One occurrence a rule makes, written when the event is (a rule without an end: up to
    the end of ``LAST_YEAR``); what ``/event-occurrences``, the date filters and each event's
    next occurrence read. Deleted with its rule or event."""

    __tablename__ = "event_rule_occurrence"
    noun = "occurrence"
    # ``seconds`` is the occurrence's length: the longest (one index lookup) turns a range into
    # a range of starts, ``[after - longest, before)``, so no read walks the whole history.
    __table_args__ = (
        Index("ix_event_rule_occurrence_event_id_dt_start", "event_id", "dt_start"),
        Index("ix_event_rule_occurrence_rule_id_dt_end", "rule_id", "dt_end"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    rule_id: Mapped[int] = mapped_column(
        ForeignKey("event_recurring_rule.id", ondelete="CASCADE"), nullable=False
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), nullable=False
    )
    dt_start: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    dt_end: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    all_day: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    seconds: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
