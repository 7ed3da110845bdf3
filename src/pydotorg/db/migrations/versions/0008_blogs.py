"""Blogs: the feeds python.org aggregates, their entries and tags, and related blogs

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "blog_feeds",
        sa.Column("id", Id, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("website_url", sa.String(length=500), nullable=False),
        sa.Column("feed_url", sa.String(length=500), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blog_feeds")),
        sa.UniqueConstraint("slug", name=op.f("uq_blog_feeds_slug")),
        sa.UniqueConstraint("feed_url", name=op.f("uq_blog_feeds_feed_url")),
    )
    op.create_table(
        "blog_entries",
        sa.Column("id", Id, nullable=False),
        sa.Column("feed_id", Id, nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("guid", sa.String(length=500), nullable=False),
        sa.Column("pub_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_date", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["blog_feeds.id"],
            name=op.f("fk_blog_entries_feed_id_blog_feeds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blog_entries")),
        sa.UniqueConstraint("feed_id", "guid", name="uq_blog_entries_feed_guid"),
    )
    op.create_index("ix_blog_entries_feed_id", "blog_entries", ["feed_id"])
    op.create_index("ix_blog_entries_pub_date_id", "blog_entries", ["pub_date", "id"])
    op.create_table(
        "blog_entry_tags",
        sa.Column("entry_id", Id, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["blog_entries.id"],
            name=op.f("fk_blog_entry_tags_entry_id_blog_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "name", name=op.f("pk_blog_entry_tags")),
    )
    op.create_table(
        "blog_related",
        sa.Column("id", Id, nullable=False),
        sa.Column("blog_name", sa.String(length=255), nullable=False),
        sa.Column("blog_website", sa.String(length=500), nullable=False),
        sa.Column("feed_url", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blog_related")),
    )


def downgrade() -> None:
    op.drop_table("blog_related")
    op.drop_table("blog_entry_tags")
    op.drop_index("ix_blog_entries_pub_date_id", table_name="blog_entries")
    op.drop_index("ix_blog_entries_feed_id", table_name="blog_entries")
    op.drop_table("blog_entries")
    op.drop_table("blog_feeds")
    op.execute("DELETE FROM search_documents WHERE kind = 'blog_entry'")
