"""Users and the API keys programs sign in with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import Base, Id, UTCDateTime, belongs_to, utcnow


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    first_name: Mapped[str] = mapped_column(String(150), nullable=False, default="")
    last_name: Mapped[str] = mapped_column(String(150), nullable=False, default="")
    bio: Mapped[str] = mapped_column(Text, nullable=False, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    is_staff: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_superuser: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    email_verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    date_joined: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_login: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    api_keys: Mapped[list[ApiKey]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class TokenFamily(Base):
    """One sign-in: the chain of refresh tokens that descends from a login or registration.

    Only the newest refresh token of a family is valid. Presenting an older one means it was
    copied, so the whole family (and every access token issued in it) is revoked.
    """

    __tablename__ = "token_families"
    cache_versioned = False

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = belongs_to("users.id")
    current_refresh_jti: Mapped[str] = mapped_column(String(32), nullable=False)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_reason: Mapped[str] = mapped_column(String(40), nullable=False, default="")


class ApiKey(Base):
    """A named, revocable credential for a program. Only a hash of the secret is kept."""

    __tablename__ = "api_keys"
    cache_versioned = False

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = belongs_to("users.id")
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    scopes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_used: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    user: Mapped[User] = relationship(back_populates="api_keys")


Index("uq_users_username_ci", func.lower(User.username), unique=True)
Index("uq_users_email_ci", func.lower(User.email), unique=True)
