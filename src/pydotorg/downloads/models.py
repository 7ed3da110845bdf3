"""Downloads tables. Integer keys, so python.org's own ids can be kept by compatible endpoints."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
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


class OS(NamedMixin, TimestampMixin, Base):
    """An operating system downloads are published for (Windows, macOS, source, ...)."""

    __tablename__ = "download_os"
    noun = "OS"


class ReleaseCycle(Base):
    """One minor series (3.12) and its support schedule, from PEP 602's release calendar."""

    __tablename__ = "download_release_cycle"
    noun = "release cycle"

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    major: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    pep: Mapped[int | None] = mapped_column(Integer, nullable=True)
    branch: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    release_manager: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    first_release: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_of_bugfix: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_of_life: Mapped[date | None] = mapped_column(Date, nullable=True)


class Release(TimestampMixin, Base):
    """A CPython release, final or pre-release."""

    __tablename__ = "download_release"
    __table_args__ = (
        Index("ix_download_release_order", "major", "minor", "micro", "stage_rank", "stage_number"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    slug: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    major: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    minor: Mapped[int] = mapped_column(Integer, nullable=False)
    micro: Mapped[int] = mapped_column(Integer, nullable=False)
    stage_rank: Mapped[int] = mapped_column(Integer, nullable=False)
    stage_number: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    series: Mapped[str] = mapped_column(String(10), nullable=False, index=True)
    release_date: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    pre_release: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_latest: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    show_on_download_page: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    release_notes_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    release_page_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # Kept by the database's triggers (migration 0015) on every write of a file; read-only here.
    file_count: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")

    files: Mapped[list[ReleaseFile]] = relationship(
        back_populates="release", cascade="all, delete-orphan", passive_deletes=True
    )
    cycle: Mapped[ReleaseCycle | None] = relationship(
        primaryjoin="foreign(Release.series) == ReleaseCycle.series", viewonly=True, lazy="joined"
    )


class ReleaseFile(NamedMixin, TimestampMixin, Base):
    """One downloadable artifact of a release, with its checksums and signatures."""

    __tablename__ = "download_release_file"
    noun = "release file"
    __table_args__ = (
        UniqueConstraint("url", name="uq_download_release_file_url"),
        unique_where(
            "uq_download_release_file_one_button", "release_id", "os_id", where="download_button"
        ),
        # A release's files in list order (os, name, id): a page of the file list reads them.
        Index("ix_download_release_file_in_release", "release_id", "os_id", "name", "id"),
    )

    os_id: Mapped[int] = mapped_column(
        ForeignKey("download_os.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    release_id: Mapped[int] = belongs_to("download_release.id")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    is_source: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    url: Mapped[str] = mapped_column(String(500), nullable=False)
    gpg_signature_file: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    sigstore_signature_file: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    sigstore_cert_file: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    sigstore_bundle_file: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    sbom_spdx2_file: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    md5_sum: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    sha256_sum: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    filesize: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    download_button: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Read from the URL by ``downloads.classify`` on write (staff may correct them).
    platform: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    arch: Mapped[str | None] = mapped_column(String(20), nullable=True)
    kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    format: Mapped[str | None] = mapped_column(String(20), nullable=True)
    free_threaded: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    os: Mapped[OS] = relationship(lazy="joined", innerjoin=True)
    release: Mapped[Release] = relationship(back_populates="files", lazy="joined", innerjoin=True)
