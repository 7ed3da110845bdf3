"""Creating users and checking the credentials they present.

Passwords are hashed with Argon2id. API keys are long random secrets, so a fast hash (SHA-256)
is enough to store them; the lookup goes by a public prefix and the comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.accounts.models import ApiKey, User
from pydotorg.core.exceptions import ConflictError
from pydotorg.db.base import utcnow

API_KEY_PREFIX = "pdo"
password_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _key_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewApiKey:
    """A key just made: the only moment its secret exists outside the caller."""

    key: ApiKey
    secret: str


async def get_user_by_username(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.username) == username.lower()))


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    email: str,
    password: str | None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    if await get_user_by_username(session, username) is not None:
        raise ConflictError(f"A user named {username!r} already exists.")
    existing_email = await session.scalar(
        select(User.id).where(func.lower(User.email) == email.lower())
    )
    if existing_email is not None:
        raise ConflictError("A user with this e-mail address already exists.")
    user = User(
        username=username,
        email=email,
        password_hash=hash_password(password) if password else "!",
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    session.add(user)
    await session.flush()
    return user


async def create_api_key(
    session: AsyncSession,
    user: User,
    name: str,
    *,
    scopes: list[str] | None = None,
    expires: datetime | None = None,
) -> NewApiKey:
    prefix = secrets.token_hex(6)
    secret = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        user_id=user.id,
        name=name,
        prefix=prefix,
        key_hash=_key_digest(secret),
        scopes=json.dumps(sorted(scopes or [])),
        expires=expires,
    )
    session.add(key)
    await session.flush()
    return NewApiKey(key=key, secret=secret)


async def authenticate_api_key(session: AsyncSession, secret: str) -> User | None:
    """The active user owning this live key, or None. Records the key's last use."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        return None
    key = await session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or not hmac.compare_digest(key.key_hash, _key_digest(secret)):
        return None
    now = utcnow()
    if key.revoked_at is not None or (key.expires is not None and key.expires <= now):
        return None
    user = await session.get(User, key.user_id)
    if user is None or not user.is_active:
        return None
    key.last_used = now
    return user
