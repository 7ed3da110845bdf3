"""Sponsor assets: the named texts and URLs sponsors and sponsorships supply for benefits

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 22:00:00

The ``sponsor_publisher`` permission itself has been a table since 0010
(``sponsor_publishers``); this revision adds what ``/api/v2/sponsors/sponsorship-assets/``
serves.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sponsor_assets",
        sa.Column("id", Id, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("internal_name", sa.String(length=128), nullable=False),
        sa.Column("sponsor_id", Id, nullable=False),
        sa.Column("sponsorship_id", Id, nullable=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["sponsors.id"],
            name=op.f("fk_sponsor_assets_sponsor_id_sponsors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sponsorship_id"],
            ["sponsorships.id"],
            name=op.f("fk_sponsor_assets_sponsorship_id_sponsorships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsor_assets")),
        sa.UniqueConstraint("uuid", name=op.f("uq_sponsor_assets_uuid")),
    )
    op.create_index(op.f("ix_sponsor_assets_internal_name"), "sponsor_assets", ["internal_name"])
    op.create_index(
        "uq_sponsor_assets_sponsor_name",
        "sponsor_assets",
        ["sponsor_id", "internal_name"],
        unique=True,
        sqlite_where=sa.text("sponsorship_id IS NULL"),
        postgresql_where=sa.text("sponsorship_id IS NULL"),
    )
    op.create_index(
        "uq_sponsor_assets_sponsorship_name",
        "sponsor_assets",
        ["sponsorship_id", "internal_name"],
        unique=True,
        sqlite_where=sa.text("sponsorship_id IS NOT NULL"),
        postgresql_where=sa.text("sponsorship_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_sponsor_assets_sponsorship_name", table_name="sponsor_assets")
    op.drop_index("uq_sponsor_assets_sponsor_name", table_name="sponsor_assets")
    op.drop_index(op.f("ix_sponsor_assets_internal_name"), table_name="sponsor_assets")
    op.drop_table("sponsor_assets")
