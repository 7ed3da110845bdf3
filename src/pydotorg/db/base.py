"""The declarative base and column types every domain's models use."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, MetaData, String, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column
from sqlalchemy.types import TypeDecorator

from pydotorg.core import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A time-zone aware datetime stored in UTC on every engine.

    SQLite keeps no zone, so values come back naive; this type attaches UTC on the way out and
    refuses naive values on the way in, so no code ever compares naive with aware times.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a time zone")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        moment: datetime = value
        zone = moment.tzinfo
        if zone is UTC:
            return moment
        if zone is None:
            # Not moment.replace(tzinfo=UTC): on CPython 3.11 that costs 2.5 times as much, and
            # a page of releases reads 60 of these (bench/README.md).
            return datetime(
                moment.year,
                moment.month,
                moment.day,
                moment.hour,
                moment.minute,
                moment.second,
                moment.microsecond,
                UTC,
            )
        return moment.astimezone(UTC)


Id = BigInteger().with_variant(Integer(), "sqlite")
"""The type of every id and of the columns that refer to one: 64 bits, as the API promises
(ids 1..2**63-1). SQLite's ``INTEGER`` is 64 bits already, and only ``INTEGER PRIMARY KEY`` is
SQLite's row id, so SQLite keeps that name."""


def utcnow() -> datetime:
    """The service clock's time (``core.clock``): rows' times follow a moved clock too."""
    return clock.now()


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints the same way."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    """Created and updated times, kept by the database session."""

    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class NamedMixin:
    """An id, a name and a unique slug, the table's first columns: a row of a list that staff
    keep (an OS, a calendar, a job type) and clients find by id or slug."""

    id: Mapped[int] = mapped_column(Id, primary_key=True, sort_order=-1)
    name: Mapped[str] = mapped_column(String(200), nullable=False, sort_order=-1)
    slug: Mapped[str] = mapped_column(String(200), nullable=False, unique=True, sort_order=-1)


def belongs_to(parent_id: str) -> MappedColumn[int]:
    """The column of a row that belongs to another (``belongs_to("jobs.id")``): required,
    indexed (its parent's rows are listed by it), and the row is deleted with its parent."""
    return mapped_column(ForeignKey(parent_id, ondelete="CASCADE"), nullable=False, index=True)


def unique_where(name: str, *columns: str, where: str) -> Index:
    """A unique index of ``columns`` over the rows that match ``where`` (SQL), the condition
    written once for both SQLite and PostgreSQL."""
    condition = text(where)
    return Index(name, *columns, unique=True, sqlite_where=condition, postgresql_where=condition)


__all__ = [
    "Base",
    "Id",
    "NamedMixin",
    "TimestampMixin",
    "UTCDateTime",
    "belongs_to",
    "unique_where",
    "utcnow",
]
