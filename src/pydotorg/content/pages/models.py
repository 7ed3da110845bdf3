"""The pages table: site pages at their paths, each body kept as written and as rendered HTML."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base, Id, TimestampMixin

DEFAULT_TEMPLATE = "pages/default.html"


class Page(TimestampMixin, Base):
    """A page of the site at a unique path (``/about/``); public only while published."""

    __tablename__ = "pages"
    # The site-wide search walks the newest pages first.
    __table_args__ = (Index("ix_pages_updated_id", "updated", "id"),)
    noun = "page"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    path: Mapped[str] = mapped_column(String(500), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    keywords: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    content: Mapped[str] = mapped_column(Text, nullable=False, default="")
    content_type: Mapped[str] = mapped_column(String(20), nullable=False, default="markdown")
    content_html: Mapped[str] = mapped_column(Text, nullable=False, default="")
    template_name: Mapped[str] = mapped_column(
        String(255), nullable=False, default=DEFAULT_TEMPLATE
    )
    is_published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, index=True)
    creator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
