"""Success stories and their categories, and community posts

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "story_categories",
        sa.Column("id", Id, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_categories")),
        sa.UniqueConstraint("slug", name=op.f("uq_story_categories_slug")),
    )
    op.create_table(
        "success_stories",
        sa.Column("id", Id, nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("company_name", sa.String(length=255), nullable=False),
        sa.Column("company_url", sa.String(length=500), nullable=False),
        sa.Column("category_id", Id, nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("author_email", sa.String(length=254), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("content_html", sa.Text(), nullable=False),
        sa.Column("pull_quote", sa.Text(), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("creator_id", Id, nullable=True),
        sa.Column("submitted", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["story_categories.id"],
            name=op.f("fk_success_stories_category_id_story_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["users.id"],
            name=op.f("fk_success_stories_creator_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_success_stories")),
        sa.UniqueConstraint("slug", name=op.f("uq_success_stories_slug")),
    )
    with op.batch_alter_table("success_stories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_success_stories_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_success_stories_creator_id"), ["creator_id"], unique=False
        )
        batch_op.create_index("ix_success_stories_status_date", ["status", "date"], unique=False)

    op.create_table(
        "community_posts",
        sa.Column("id", Id, nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("content_html", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("media", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("creator_id", Id, nullable=True),
        sa.Column("submitted", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["users.id"],
            name=op.f("fk_community_posts_creator_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_posts")),
        sa.UniqueConstraint("slug", name=op.f("uq_community_posts_slug")),
    )
    with op.batch_alter_table("community_posts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_posts_creator_id"), ["creator_id"], unique=False
        )
        batch_op.create_index(
            "ix_community_posts_status_published", ["status", "published"], unique=False
        )


def downgrade() -> None:
    op.drop_table("community_posts")
    op.drop_table("success_stories")
    op.drop_table("story_categories")
