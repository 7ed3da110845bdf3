"""The data version: changed by every write, so caches know when to empty themselves

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

service_meta = sa.table("service_meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    op.bulk_insert(service_meta, [{"key": "data_version", "value": "initial"}])


def downgrade() -> None:
    op.execute(service_meta.delete().where(service_meta.c.key == "data_version"))
