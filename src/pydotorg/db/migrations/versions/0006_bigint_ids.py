"""Ids of 64 bits on PostgreSQL: every id and every column that refers to one, and their sequences

The API takes ids from 1 to 2**63 - 1; PostgreSQL's INTEGER stops at 2**31 - 1, so a larger id
in a request failed in the database instead of finding nothing. SQLite's INTEGER is 64 bits
already: nothing changes there.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, has a sequence)
COLUMNS = [
    ("download_os", "id", True),
    ("download_release", "id", True),
    ("download_release_file", "id", True),
    ("download_release_file", "os_id", False),
    ("download_release_file", "release_id", False),
    ("users", "id", True),
    ("api_keys", "id", True),
    ("api_keys", "user_id", False),
    ("token_families", "user_id", False),
    ("search_documents", "id", True),
    ("search_documents", "object_id", False),
    ("event_calendar", "id", True),
    ("event_category", "id", True),
    ("event_category", "calendar_id", False),
    ("event_location", "id", True),
    ("event", "id", True),
    ("event", "calendar_id", False),
    ("event", "venue_id", False),
    ("event", "creator_id", False),
    ("event_event_category", "event_id", False),
    ("event_event_category", "category_id", False),
    ("event_occurrence", "id", True),
    ("event_occurrence", "event_id", False),
    ("event_recurring_rule", "id", True),
    ("event_recurring_rule", "event_id", False),
    ("job_types", "id", True),
    ("job_categories", "id", True),
    ("jobs", "id", True),
    ("jobs", "creator_id", False),
    ("jobs", "category_id", False),
    ("job_job_types", "job_id", False),
    ("job_job_types", "job_type_id", False),
    ("job_review_comments", "id", True),
    ("job_review_comments", "job_id", False),
    ("job_review_comments", "author_id", False),
]


def _retype(kind: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, sequenced in COLUMNS:
        op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {kind}')
        if sequenced:
            op.execute(
                sa.text(
                    f"DO $$ BEGIN EXECUTE 'ALTER SEQUENCE ' || "
                    f"pg_get_serial_sequence('\"{table}\"', '{column}') || ' AS {kind}'; END $$"
                )
            )


def upgrade() -> None:
    _retype("BIGINT")


def downgrade() -> None:
    _retype("INTEGER")
