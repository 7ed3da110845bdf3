"""Community posts: a signed-in user's text with links and media, public once staff approve it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.accounts.models import User
from pydotorg.db.base import Base, Id, TimestampMixin, UTCDateTime

DRAFT = "draft"
PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"


class Post(TimestampMixin, Base):
    """A community post; ``links`` is a list of URLs, ``media`` a list of ``{kind, url,
    caption}`` (kind image, video or link)."""

    __tablename__ = "community_posts"
    noun = "community post"
    __table_args__ = (Index("ix_community_posts_status_published", "status", "published"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False, default="")
    content_type: Mapped[str] = mapped_column(String(20), nullable=False, default="markdown")
    content_html: Mapped[str] = mapped_column(Text, nullable=False, default="")
    links: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=DRAFT)
    review_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    creator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    submitted: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    published: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    author: Mapped[User | None] = relationship(lazy="joined")
