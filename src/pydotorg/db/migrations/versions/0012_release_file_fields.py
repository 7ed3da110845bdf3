"""Release files' platform, arch, kind, format and free_threaded, read from their URLs

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 18:50:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from pydotorg.downloads.classify import classify

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("platform", "arch", "kind", "format")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("download_release_file", sa.Column(name, sa.String(20), nullable=True))
    op.add_column("download_release_file", sa.Column("free_threaded", sa.Boolean(), nullable=True))
    op.create_index(
        op.f("ix_download_release_file_platform"), "download_release_file", ["platform"]
    )
    # Classify the files already there, by the same rules the service applies on write.
    table = sa.table(
        "download_release_file",
        sa.column("id", sa.BigInteger()),
        sa.column("url", sa.String()),
        *(sa.column(name, sa.String()) for name in COLUMNS),
        sa.column("free_threaded", sa.Boolean()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, table.c.url)).all()
    updates = [{"key": key, **classify(url).columns()} for key, url in rows]
    if updates:
        values: dict[str, Any] = {name: sa.bindparam(name) for name in (*COLUMNS, "free_threaded")}
        bind.execute(
            table.update().where(table.c.id == sa.bindparam("key")).values(values), updates
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_download_release_file_platform"), table_name="download_release_file")
    with op.batch_alter_table("download_release_file", schema=None) as batch_op:
        for name in (*COLUMNS, "free_threaded"):
            batch_op.drop_column(name)
