"""Site pages at their paths, with their bodies as written and as rendered HTML

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "pages",
        sa.Column("id", ID, nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("keywords", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("content_html", sa.Text(), nullable=False),
        sa.Column("template_name", sa.String(length=255), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("creator_id", ID, nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["users.id"],
            name=op.f("fk_pages_creator_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        sa.UniqueConstraint("path", name=op.f("uq_pages_path")),
    )
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pages_creator_id"), ["creator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pages_is_published"), ["is_published"], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM search_documents WHERE kind = 'page'")
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pages_is_published"))
        batch_op.drop_index(batch_op.f("ix_pages_creator_id"))
    op.drop_table("pages")
