"""Sponsors: the programme, sponsors and their contacts, sponsorships, sponsor publishers

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 18:49:09.855879
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:

    op.create_table(
        "sponsorship_packages",
        sa.Column("id", Id, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("sponsorship_amount", sa.Integer(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("advertise", sa.Boolean(), nullable=False),
        sa.Column("logo_dimension", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsorship_packages")),
        sa.UniqueConstraint("slug", name=op.f("uq_sponsorship_packages_slug")),
    )
    op.create_table(
        "sponsorship_programs",
        sa.Column("id", Id, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsorship_programs")),
        sa.UniqueConstraint("name", name=op.f("uq_sponsorship_programs_name")),
    )
    op.create_table(
        "sponsor_publishers",
        sa.Column("user_id", Id, nullable=False),
        sa.Column("granted", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sponsor_publishers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_sponsor_publishers")),
    )
    op.create_table(
        "sponsors",
        sa.Column("id", Id, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("landing_page_url", sa.String(length=500), nullable=False),
        sa.Column("web_logo", sa.String(length=500), nullable=False),
        sa.Column("print_logo", sa.String(length=500), nullable=False),
        sa.Column("twitter_handle", sa.String(length=50), nullable=False),
        sa.Column("linked_in_page_url", sa.String(length=500), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("creator_id", Id, nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["users.id"],
            name=op.f("fk_sponsors_creator_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsors")),
        sa.UniqueConstraint("slug", name=op.f("uq_sponsors_slug")),
    )
    with op.batch_alter_table("sponsors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sponsors_creator_id"), ["creator_id"], unique=False)

    op.create_table(
        "sponsorship_benefits",
        sa.Column("id", Id, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("program_id", Id, nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("publisher", sa.String(length=20), nullable=True),
        sa.Column("flight", sa.String(length=20), nullable=True),
        sa.Column("link_to_sponsors_page", sa.Boolean(), nullable=False),
        sa.Column("describe_as_sponsor", sa.Boolean(), nullable=False),
        sa.Column("quantities", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["sponsorship_programs.id"],
            name=op.f("fk_sponsorship_benefits_program_id_sponsorship_programs"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsorship_benefits")),
    )
    with op.batch_alter_table("sponsorship_benefits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sponsorship_benefits_program_id"), ["program_id"], unique=False
        )

    op.create_table(
        "sponsor_contacts",
        sa.Column("id", Id, nullable=False),
        sa.Column("sponsor_id", Id, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("primary", sa.Boolean(), nullable=False),
        sa.Column("administrative", sa.Boolean(), nullable=False),
        sa.Column("accounting", sa.Boolean(), nullable=False),
        sa.Column("manager", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["sponsors.id"],
            name=op.f("fk_sponsor_contacts_sponsor_id_sponsors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsor_contacts")),
    )
    with op.batch_alter_table("sponsor_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sponsor_contacts_sponsor_id"), ["sponsor_id"], unique=False
        )

    op.create_table(
        "sponsorships",
        sa.Column("id", Id, nullable=False),
        sa.Column("sponsor_id", Id, nullable=False),
        sa.Column("package_id", Id, nullable=True),
        sa.Column("applicant_id", Id, nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("fee", sa.Integer(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=False),
        sa.Column("applied_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejected_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finalized_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["users.id"],
            name=op.f("fk_sponsorships_applicant_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["sponsorship_packages.id"],
            name=op.f("fk_sponsorships_package_id_sponsorship_packages"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["sponsors.id"],
            name=op.f("fk_sponsorships_sponsor_id_sponsors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsorships")),
    )
    with op.batch_alter_table("sponsorships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sponsorships_applicant_id"), ["applicant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sponsorships_package_id"), ["package_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sponsorships_sponsor_id"), ["sponsor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sponsorships_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_sponsorships_year"), ["year"], unique=False)

    op.create_table(
        "sponsorship_benefit_links",
        sa.Column("sponsorship_id", Id, nullable=False),
        sa.Column("benefit_id", Id, nullable=False),
        sa.ForeignKeyConstraint(
            ["benefit_id"],
            ["sponsorship_benefits.id"],
            name=op.f("fk_sponsorship_benefit_links_benefit_id_sponsorship_benefits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sponsorship_id"],
            ["sponsorships.id"],
            name=op.f("fk_sponsorship_benefit_links_sponsorship_id_sponsorships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "sponsorship_id", "benefit_id", name=op.f("pk_sponsorship_benefit_links")
        ),
    )


def downgrade() -> None:

    op.drop_table("sponsorship_benefit_links")
    with op.batch_alter_table("sponsorships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sponsorships_year"))
        batch_op.drop_index(batch_op.f("ix_sponsorships_status"))
        batch_op.drop_index(batch_op.f("ix_sponsorships_sponsor_id"))
        batch_op.drop_index(batch_op.f("ix_sponsorships_package_id"))
        batch_op.drop_index(batch_op.f("ix_sponsorships_applicant_id"))

    op.drop_table("sponsorships")
    with op.batch_alter_table("sponsor_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sponsor_contacts_sponsor_id"))

    op.drop_table("sponsor_contacts")
    with op.batch_alter_table("sponsorship_benefits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sponsorship_benefits_program_id"))

    op.drop_table("sponsorship_benefits")
    with op.batch_alter_table("sponsors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sponsors_creator_id"))

    op.drop_table("sponsors")
    op.drop_table("sponsor_publishers")
    op.drop_table("sponsorship_programs")
    op.drop_table("sponsorship_packages")
