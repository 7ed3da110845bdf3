"""Job board tables."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Enum,
    ForeignKey,
    String,
    Table,
    Text,
    and_,
    bindparam,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import Base, Id, NamedMixin, TimestampMixin, UTCDateTime, belongs_to, utcnow


class JobStatus(enum.StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    REJECTED = "rejected"
    ARCHIVED = "archived"
    REMOVED = "removed"
    WITHDRAWN = "withdrawn"


job_job_types = Table(
    "job_job_types",
    Base.metadata,
    Column("job_id", ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("job_type_id", ForeignKey("job_types.id", ondelete="CASCADE"), primary_key=True),
)


class JobType(NamedMixin, Base):
    __tablename__ = "job_types"
    noun = "job type"


class JobCategory(NamedMixin, Base):
    __tablename__ = "job_categories"
    noun = "job category"


class Job(TimestampMixin, Base):
    """A job posting. Public only once staff approved it, and only until it expires."""

    __tablename__ = "jobs"
    noun = "job posting"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    creator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    job_title: Mapped[str] = mapped_column(String(200), nullable=False)
    company_name: Mapped[str] = mapped_column(String(200), nullable=False)
    company_description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    company_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    city: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    region: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    country: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    remote: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    agencies: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    requirements: Mapped[str] = mapped_column(Text, nullable=False, default="")
    contact_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    contact_email: Mapped[str] = mapped_column(String(254), nullable=False)
    email_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_categories.id", ondelete="SET NULL"), nullable=True, index=True
    )
    is_featured: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, name="job_status", values_callable=lambda e: [m.value for m in e]),
        nullable=False,
        default=JobStatus.DRAFT,
        index=True,
    )
    submitted: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    approved: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    expires: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)

    job_types: Mapped[list[JobType]] = relationship(secondary=job_job_types, lazy="selectin")
    category: Mapped[JobCategory | None] = relationship(lazy="joined")


class JobReviewComment(TimestampMixin, Base):
    """Staff's word on a posting (a rejection reason, a request); the owner can read it."""

    __tablename__ = "job_review_comments"
    noun = "review comment"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    job_id: Mapped[int] = belongs_to("jobs.id")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    comment: Mapped[str] = mapped_column(Text, nullable=False)


def public_clause() -> ColumnElement[bool]:
    """Approved and not yet expired: what anyone may see. The time is read when the statement
    runs, so a statement made once (the site-wide search's) stays right as time passes."""
    now = bindparam("now", callable_=utcnow, type_=Job.expires.type, unique=True)
    return and_(Job.status == JobStatus.APPROVED, or_(Job.expires.is_(None), Job.expires > now))
