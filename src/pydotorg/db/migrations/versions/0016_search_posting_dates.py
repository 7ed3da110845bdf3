"""Each search posting keeps its document's date, and an index orders a term's documents by
it: the newest matches of a frequent word are read from its postings, newest first, instead
of walking the whole table

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The application's times, stored in UTC (naive on SQLite, where ``moment`` reads them as UTC).
UTC_TIME = sa.DateTime(timezone=True)
# Each kind of document at this revision: its table and the column that dates it.
DATED: list[tuple[str, str, str, sa.types.TypeEngine[Any]]] = [
    ("release", "download_release", "release_date", UTC_TIME),
    ("event", "event", "first_start", UTC_TIME),
    ("job", "jobs", "approved", UTC_TIME),
    ("page", "pages", "updated", UTC_TIME),
    ("blog_entry", "blog_entries", "pub_date", UTC_TIME),
    ("story", "success_stories", "date", sa.Date()),
    ("post", "community_posts", "published", UTC_TIME),
    ("sponsor", "sponsors", "created", UTC_TIME),
]
BATCH = 5000


def moment(value: datetime | date | None) -> int | None:
    """A document's date as this revision stores it: microseconds since 1970 in UTC (a day:
    its midnight); a frozen copy of the application's function at the time."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def upgrade() -> None:
    op.add_column("search_postings", sa.Column("at", sa.BigInteger(), nullable=True))
    bind = op.get_bind()
    postings = sa.table(
        "search_postings", sa.column("kind"), sa.column("object_id"), sa.column("at")
    )
    change = (
        sa.update(postings)
        .where(
            postings.c.kind == sa.bindparam("that_kind"),
            postings.c.object_id == sa.bindparam("that_id"),
        )
        .values(at=sa.bindparam("at"))
    )
    for kind, name, column, kind_of_date in DATED:
        table = sa.table(name, sa.column("id"), sa.column(column, kind_of_date))
        rows = [
            {"that_kind": kind, "that_id": row_id, "at": moment(value)}
            for row_id, value in bind.execute(sa.select(table.c.id, table.c[column]))
            if value is not None
        ]
        for start in range(0, len(rows), BATCH):
            bind.execute(change, rows[start : start + BATCH])
    op.create_index(
        "ix_search_postings_newest", "search_postings", ["kind", "term", "at", "object_id"]
    )
    op.execute("ANALYZE" if bind.dialect.name == "sqlite" else "ANALYZE search_postings")


def downgrade() -> None:
    op.drop_index("ix_search_postings_newest", table_name="search_postings")
    op.drop_column("search_postings", "at")
