"""Success stories and their categories: how Python is used, by company and field."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import Date as DateType

from pydotorg.db.base import Base, Id, NamedMixin, TimestampMixin, UTCDateTime

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"


class StoryCategory(NamedMixin, Base):
    """A field Python is used in (Business, Scientific, ...)."""

    __tablename__ = "story_categories"
    noun = "story category"


class Story(TimestampMixin, Base):
    """A success story. Public once approved: staff's at once, a user's after review."""

    __tablename__ = "success_stories"
    noun = "success story"
    __table_args__ = (Index("ix_success_stories_status_date", "status", "date"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(500), nullable=False)
    company_name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    company_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    category_id: Mapped[int] = mapped_column(
        ForeignKey("story_categories.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    author: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    author_email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    date: Mapped[Date | None] = mapped_column(DateType(), nullable=True)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    content: Mapped[str] = mapped_column(Text, nullable=False, default="")
    content_type: Mapped[str] = mapped_column(String(20), nullable=False, default="markdown")
    content_html: Mapped[str] = mapped_column(Text, nullable=False, default="")
    pull_quote: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    featured: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=APPROVED)
    review_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    creator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    submitted: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    category: Mapped[StoryCategory] = relationship(lazy="joined", innerjoin=True)
