"""Sponsors tables: the programme (programmes, packages, benefits), sponsors and sponsorships."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import (
    Base,
    Id,
    NamedMixin,
    TimestampMixin,
    UTCDateTime,
    belongs_to,
    unique_where,
)

PUBLISHERS = ("psf", "pycon", "pypi", "core")
FLIGHTS = ("sidebar", "sponsors", "jobs", "blogpost", "footer", "docs", "download", "devguide")


class SponsorshipProgram(Base):
    """One of the PSF's programmes: Foundation, PyCon US, PyPI, Core Development."""

    __tablename__ = "sponsorship_programs"
    noun = "programme"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class SponsorshipPackage(NamedMixin, Base):
    """A sponsorship level (Visionary, Sustainability, ...) and its price for a year."""

    __tablename__ = "sponsorship_packages"
    noun = "package"

    sponsorship_amount: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    advertise: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    logo_dimension: Mapped[int] = mapped_column(Integer, nullable=False, default=175)


class SponsorshipBenefit(Base):
    """A benefit of a programme; a logo placement when ``publisher`` and ``flight`` are set.

    ``quantities`` holds the tiered quantities per package slug, as JSON."""

    __tablename__ = "sponsorship_benefits"
    noun = "benefit"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("sponsorship_programs.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    publisher: Mapped[str | None] = mapped_column(String(20), nullable=True)
    flight: Mapped[str | None] = mapped_column(String(20), nullable=True)
    link_to_sponsors_page: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    describe_as_sponsor: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    quantities: Mapped[str] = mapped_column(Text, nullable=False, default="{}")

    program: Mapped[SponsorshipProgram] = relationship(lazy="joined", innerjoin=True)


class Sponsor(NamedMixin, TimestampMixin, Base):
    """A company or organisation that sponsors the PSF; public once a sponsorship is final."""

    __tablename__ = "sponsors"
    noun = "sponsor"

    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    landing_page_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    web_logo: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    print_logo: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    twitter_handle: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    linked_in_page_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    country: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    creator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )

    contacts: Mapped[list[SponsorContact]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="SponsorContact.id"
    )


class SponsorContact(Base):
    """A person at a sponsor; staff only."""

    __tablename__ = "sponsor_contacts"
    noun = "contact"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    sponsor_id: Mapped[int] = belongs_to("sponsors.id")
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    phone: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    primary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    administrative: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    accounting: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    manager: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


sponsorship_benefits = Table(
    "sponsorship_benefit_links",
    Base.metadata,
    Column("sponsorship_id", ForeignKey("sponsorships.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "benefit_id",
        ForeignKey("sponsorship_benefits.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class Sponsorship(TimestampMixin, Base):
    """A sponsor's sponsorship of one package: applied, approved or rejected, then finalized."""

    __tablename__ = "sponsorships"
    noun = "sponsorship"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    sponsor_id: Mapped[int] = belongs_to("sponsors.id")
    package_id: Mapped[int | None] = mapped_column(
        ForeignKey("sponsorship_packages.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    fee: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rejection_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    applied_on: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    approved_on: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    rejected_on: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finalized_on: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    sponsor: Mapped[Sponsor] = relationship(lazy="joined", innerjoin=True)
    package: Mapped[SponsorshipPackage | None] = relationship(lazy="joined")
    benefits: Mapped[list[SponsorshipBenefit]] = relationship(
        secondary=sponsorship_benefits, lazy="selectin", order_by="SponsorshipBenefit.id"
    )


class SponsorPublisher(Base):
    """An account granted the ``sponsor_publisher`` permission: it may read logo placements
    (PyPI's sponsor sync, the PyCon app). Its API keys with the ``read`` scope may too."""

    __tablename__ = "sponsor_publishers"
    noun = "sponsor publisher"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    granted: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class SponsorAsset(TimestampMixin, Base):
    """A named asset (a text or a URL) that a sponsor, or one of its sponsorships, supplies for
    a benefit: python.org's ``GenericAsset``, read by ``/api/v2/sponsors/sponsorship-assets/``.

    ``sponsor_id`` is always the sponsor, also for a sponsorship's asset, so a read never needs
    a second lookup; an owner has at most one asset of each ``internal_name``."""

    __tablename__ = "sponsor_assets"
    __table_args__ = (
        unique_where(
            "uq_sponsor_assets_sponsor_name",
            "sponsor_id",
            "internal_name",
            where="sponsorship_id IS NULL",
        ),
        unique_where(
            "uq_sponsor_assets_sponsorship_name",
            "sponsorship_id",
            "internal_name",
            where="sponsorship_id IS NOT NULL",
        ),
    )
    noun = "asset"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    internal_name: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    sponsor_id: Mapped[int] = mapped_column(
        ForeignKey("sponsors.id", ondelete="CASCADE"), nullable=False
    )
    sponsorship_id: Mapped[int | None] = mapped_column(
        ForeignKey("sponsorships.id", ondelete="CASCADE"), nullable=True
    )
    value: Mapped[str] = mapped_column(Text, nullable=False, default="")

    sponsor: Mapped[Sponsor] = relationship(lazy="joined", innerjoin=True)
