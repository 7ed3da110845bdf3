"""The blogs tables: the feeds python.org aggregates, their entries, and related blogs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import Base, Id, NamedMixin, TimestampMixin, UTCDateTime, belongs_to


class BlogFeed(NamedMixin, TimestampMixin, Base):
    """A blog whose feed python.org reads (Python Insider, ...)."""

    __tablename__ = "blog_feeds"
    noun = "blog feed"

    website_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    feed_url: Mapped[str] = mapped_column(String(500), nullable=False, unique=True)


class BlogEntryTag(Base):
    """One tag (a feed's category) of one entry."""

    __tablename__ = "blog_entry_tags"

    entry_id: Mapped[int] = mapped_column(
        Id, ForeignKey("blog_entries.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(100), primary_key=True)


class BlogEntry(TimestampMixin, Base):
    """One post of a feed: its facts, and its summary as safe HTML (sanitised on write)."""

    __tablename__ = "blog_entries"
    __table_args__ = (
        UniqueConstraint("feed_id", "guid", name="uq_blog_entries_feed_guid"),
        Index("ix_blog_entries_pub_date_id", "pub_date", "id"),
    )
    noun = "blog entry"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    feed_id: Mapped[int] = belongs_to("blog_feeds.id")
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    author: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    url: Mapped[str] = mapped_column(String(1000), nullable=False)
    guid: Mapped[str] = mapped_column(String(500), nullable=False)
    pub_date: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    updated_date: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    feed: Mapped[BlogFeed] = relationship(lazy="joined", innerjoin=True)
    tag_rows: Mapped[list[BlogEntryTag]] = relationship(
        lazy="selectin",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def tags(self) -> list[str]:
        """The tag names, sorted (the same order on every engine)."""
        return sorted(row.name for row in self.tag_rows)


class RelatedBlog(TimestampMixin, Base):
    """A blog python.org points its readers to."""

    __tablename__ = "blog_related"
    noun = "related blog"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    blog_name: Mapped[str] = mapped_column(String(255), nullable=False)
    blog_website: Mapped[str] = mapped_column(String(500), nullable=False)
    feed_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
