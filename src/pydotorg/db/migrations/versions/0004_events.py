"""Events: calendars, categories, locations, events, occurrences and recurring rules

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 19:41:00.665760
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_calendar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_calendar")),
        sa.UniqueConstraint("slug", name=op.f("uq_event_calendar_slug")),
    )
    op.create_table(
        "event_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_location")),
        sa.UniqueConstraint("slug", name=op.f("uq_event_location_slug")),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=True),
        sa.Column("first_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_never", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["event_calendar.id"],
            name=op.f("fk_event_calendar_id_event_calendar"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["users.id"],
            name=op.f("fk_event_creator_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["event_location.id"],
            name=op.f("fk_event_venue_id_event_location"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sa.UniqueConstraint("slug", name=op.f("uq_event_slug")),
        sa.UniqueConstraint("uid", name=op.f("uq_event_uid")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_calendar_id"), ["calendar_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_creator_id"), ["creator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_last_end"), ["last_end"], unique=False)
        batch_op.create_index(
            "ix_event_status_first_start", ["status", "first_start"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_event_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "event_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["event_calendar.id"],
            name=op.f("fk_event_category_calendar_id_event_calendar"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_category")),
        sa.UniqueConstraint("slug", name=op.f("uq_event_category_slug")),
    )
    with op.batch_alter_table("event_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_category_calendar_id"), ["calendar_id"], unique=False
        )

    op.create_table(
        "event_event_category",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["event_category.id"],
            name=op.f("fk_event_event_category_category_id_event_category"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_event_category_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "category_id", name=op.f("pk_event_event_category")),
    )
    with op.batch_alter_table("event_event_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_event_category_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "event_occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("dt_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dt_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_occurrence_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_occurrence")),
    )
    with op.batch_alter_table("event_occurrence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_occurrence_dt_end"), ["dt_end"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_event_occurrence_dt_start"), ["dt_start"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_occurrence_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "event_recurring_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("dt_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dt_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("by_day", sa.String(length=100), nullable=False),
        sa.Column("last_end", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_recurring_rule_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_recurring_rule")),
    )
    with op.batch_alter_table("event_recurring_rule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_recurring_rule_event_id"), ["event_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("event_recurring_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_recurring_rule_event_id"))

    op.drop_table("event_recurring_rule")
    with op.batch_alter_table("event_occurrence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_occurrence_event_id"))
        batch_op.drop_index(batch_op.f("ix_event_occurrence_dt_start"))
        batch_op.drop_index(batch_op.f("ix_event_occurrence_dt_end"))

    op.drop_table("event_occurrence")
    with op.batch_alter_table("event_event_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_event_category_category_id"))

    op.drop_table("event_event_category")
    with op.batch_alter_table("event_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_category_calendar_id"))

    op.drop_table("event_category")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_venue_id"))
        batch_op.drop_index("ix_event_status_first_start")
        batch_op.drop_index(batch_op.f("ix_event_last_end"))
        batch_op.drop_index(batch_op.f("ix_event_creator_id"))
        batch_op.drop_index(batch_op.f("ix_event_calendar_id"))

    op.drop_table("event")
    op.drop_table("event_location")
    op.drop_table("event_calendar")
