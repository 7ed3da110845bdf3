"""Every occurrence a recurring rule makes is written out, indexed by start, by event and start,
by rule and end, and by length, so that no read expands a rule: a date range, a date filter and
an event's next occurrence are index lookups. The rules stored before are expanded here.

Revision ID: 0018
Revises: 0017
"""

import math
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from dateutil.rrule import DAILY, FR, MO, MONTHLY, SA, SU, TH, TU, WE, WEEKLY, YEARLY, rrule

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
LAST_YEAR = 2100  # a rule without an end is written out up to the end of this year
FREQUENCIES = {"yearly": YEARLY, "monthly": MONTHLY, "weekly": WEEKLY, "daily": DAILY}
WEEKDAYS = {"MO": MO, "TU": TU, "WE": WE, "TH": TH, "FR": FR, "SA": SA, "SU": SU}
BY_DAY = re.compile(r"^([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
BATCH = 5000


def aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def occurrences(rule: Any, time_zone: str) -> Iterator[tuple[datetime, datetime]]:
    """A rule's occurrences as UTC instants, repeating in its event's local time; a frozen copy
    of the application's expansion at this revision (``events/recurrence.py``)."""
    tz = ZoneInfo(time_zone)

    def wall(moment: datetime) -> datetime:
        return aware(moment).astimezone(tz).replace(tzinfo=None)

    def instant(local: datetime) -> datetime:
        return local.replace(tzinfo=tz).astimezone(UTC)

    weekdays = []
    for item in filter(None, rule.by_day.split(",")):
        match = BY_DAY.match(item)
        if match is not None:
            ordinal, day = match.groups()
            weekdays.append(WEEKDAYS[day](int(ordinal)) if ordinal else WEEKDAYS[day])
    if rule.until is not None:
        until = wall(rule.until)
    elif rule.count is None:
        until = datetime(LAST_YEAR + 1, 1, 1) - timedelta(seconds=1)
    else:
        until = None
    start = wall(rule.dt_start)
    length = wall(rule.dt_end) - start
    expansion = rrule(
        FREQUENCIES[rule.frequency],
        dtstart=start,
        interval=rule.interval,
        count=rule.count,
        until=until,
        byweekday=weekdays or None,
    )
    for local in expansion:
        yield instant(local), instant(local + length)


def upgrade() -> None:
    op.create_table(
        "event_rule_occurrence",
        sa.Column("id", Id, nullable=False),
        sa.Column("rule_id", Id, nullable=False),
        sa.Column("event_id", Id, nullable=False),
        sa.Column("dt_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dt_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["event_recurring_rule.id"],
            name=op.f("fk_event_rule_occurrence_rule_id_event_recurring_rule"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_rule_occurrence_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_rule_occurrence")),
    )
    op.create_index(
        "ix_event_rule_occurrence_dt_start", "event_rule_occurrence", ["dt_start"], unique=False
    )
    op.create_index(
        "ix_event_rule_occurrence_event_id_dt_start",
        "event_rule_occurrence",
        ["event_id", "dt_start"],
        unique=False,
    )
    op.create_index(
        "ix_event_rule_occurrence_rule_id_dt_end",
        "event_rule_occurrence",
        ["rule_id", "dt_end"],
        unique=False,
    )
    op.create_index(
        "ix_event_rule_occurrence_seconds", "event_rule_occurrence", ["seconds"], unique=False
    )
    bind = op.get_bind()
    rules = sa.table(
        "event_recurring_rule",
        *(
            sa.column(name)
            for name in ("id", "event_id", "all_day", "frequency", "interval", "count", "by_day")
        ),
        *(sa.column(name, sa.DateTime(timezone=True)) for name in ("dt_start", "dt_end", "until")),
    )
    events = sa.table("event", sa.column("id"), sa.column("time_zone"))
    written = sa.table(
        "event_rule_occurrence",
        sa.column("rule_id"),
        sa.column("event_id"),
        sa.column("dt_start", sa.DateTime(timezone=True)),
        sa.column("dt_end", sa.DateTime(timezone=True)),
        sa.column("all_day"),
        sa.column("seconds"),
    )
    naive = bind.dialect.name == "sqlite"  # SQLite keeps UTC without a zone, as the app does
    found = bind.execute(
        sa.select(rules, events.c.time_zone)
        .join(events, events.c.id == rules.c.event_id)
        .order_by(rules.c.id)
    ).all()
    batch: list[dict[str, Any]] = []
    for rule in found:
        for start, end in occurrences(rule, rule.time_zone):
            if naive:
                start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
            batch.append(
                {
                    "rule_id": rule.id,
                    "event_id": rule.event_id,
                    "dt_start": start,
                    "dt_end": end,
                    "all_day": rule.all_day,
                    "seconds": math.ceil((end - start).total_seconds()),
                }
            )
            if len(batch) >= BATCH:
                bind.execute(sa.insert(written), batch)
                batch = []
    if batch:
        bind.execute(sa.insert(written), batch)


def downgrade() -> None:
    op.drop_index("ix_event_rule_occurrence_seconds", table_name="event_rule_occurrence")
    op.drop_index("ix_event_rule_occurrence_rule_id_dt_end", table_name="event_rule_occurrence")
    op.drop_index("ix_event_rule_occurrence_event_id_dt_start", table_name="event_rule_occurrence")
    op.drop_index("ix_event_rule_occurrence_dt_start", table_name="event_rule_occurrence")
    op.drop_table("event_rule_occurrence")
