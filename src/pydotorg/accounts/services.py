"""Accounts: who users are, how they sign in, and which credentials still work.

Passwords are Argon2id hashes. Sessions are JWT pairs whose refresh tokens rotate within a
*family*; reuse of a spent refresh token revokes the family. API keys are long random secrets
stored as SHA-256 hashes and looked up by a public prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.accounts.models import ApiKey, TokenFamily, User
from pydotorg.accounts.passwords import (
    check_password_policy,
    hash_password,
    in_hashing_thread,
    needs_rehash,
    verify_password,
)
from pydotorg.accounts.schemas import (
    ApiKeyCreate,
    ApiKeyRead,
    LoginRequest,
    NewApiKeyRead,
    PasswordChange,
    ProfileUpdate,
    PublicProfile,
    RegisterRequest,
    TokenPair,
    UserCreate,
    UserRecord,
    UserUpdate,
)
from pydotorg.accounts.tokens import InvalidTokenError, decode_token, encode_token
from pydotorg.core import clock
from pydotorg.core.auth import Credential, Identity
from pydotorg.core.exceptions import (
    INACTIVE_ACCOUNT,
    FieldError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
)
from pydotorg.core.pagination import Page, Window
from pydotorg.core.ratelimit import Tier
from pydotorg.core.resources import to_schema
from pydotorg.core.schemas import changed_fields
from pydotorg.core.services import Service
from pydotorg.db.base import utcnow
from pydotorg.settings import Settings

API_KEY_PREFIX = "pdo"
# An API key's ``last_used`` moves at most this often: a request with a key reads the database
# and writes nothing, unless the stored time is older (one UPDATE per key per minute).
LAST_USED_PRECISION = timedelta(minutes=1)
LOGIN_FAILED = "Invalid username or password."
SIGN_IN_EXPIRED = "Invalid {token} token: this sign-in has expired; sign in again."


def _key_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewApiKey:
    """A key just made: the only moment its secret exists outside the caller."""

    key: ApiKey
    secret: str


# Users --------------------------------------------------------------------------------------


async def get_user_by_username(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.username) == username.lower()))


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.email) == email.lower()))


async def check_email_free(
    session: AsyncSession, email: str, *, exclude: int | None = None
) -> None:
    existing = await get_user_by_email(session, email)
    if existing is not None and existing.id != exclude:
        raise FieldError("email", "is already used by another account")


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    email: str,
    password: str | None,
    is_staff: bool = False,
    is_superuser: bool = False,
    first_name: str = "",
    last_name: str = "",
    bio: str = "",
    email_verified: bool = False,
) -> User:
    """A new user; the password must pass the policy. ``None`` makes a key-only account."""
    if await get_user_by_username(session, username) is not None:
        raise FieldError("username", f"{username!r} is already taken")
    await check_email_free(session, email)
    password_hash = ""
    if password is not None:
        check_password_policy(password, username=username)
        password_hash = await in_hashing_thread(hash_password, password)
    user = User(
        username=username,
        email=email,
        password_hash=password_hash,
        first_name=first_name,
        last_name=last_name,
        bio=bio,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
        email_verified=email_verified,
        date_joined=utcnow(),
    )
    session.add(user)
    await session.flush()
    return user


async def get_user_by_login(session: AsyncSession, login: str) -> User | None:
    """The user a sign-in names: by e-mail when it holds an @ (no username does), else by
    username; both case-insensitively."""
    return await (
        get_user_by_email(session, login) if "@" in login else get_user_by_username(session, login)
    )


async def authenticate_password(session: AsyncSession, user: User | None, password: str) -> User:
    """``user`` if it is active and this is its password; one answer for every failure."""
    stored = user.password_hash if user is not None and user.password_hash else None
    verified = await in_hashing_thread(verify_password, stored, password)
    if not verified or user is None or not user.is_active:
        raise NotAuthenticatedError(LOGIN_FAILED)
    if needs_rehash(user.password_hash):
        user.password_hash = await in_hashing_thread(hash_password, password)
    user.last_login = utcnow()
    return user


# Signing in ---------------------------------------------------------------------------------


class AuthService(Service):
    """Registration, sign-in with rotating refresh tokens, sign-out and password changes."""

    def _pair(self, user_id: int, family: str, ends: datetime) -> tuple[TokenPair, str]:
        """A new access and refresh token of a sign-in; neither outlives it (``ends``)."""
        secret = self.settings.secret_key
        access_ttl = timedelta(seconds=self.settings.access_token_ttl)
        access, _ = encode_token(
            secret,
            user_id=user_id,
            family=family,
            token_type="access",
            lifetime=access_ttl,
            not_after=ends,
        )
        refresh, refresh_jti = encode_token(
            secret,
            user_id=user_id,
            family=family,
            token_type="refresh",
            lifetime=timedelta(seconds=self.settings.refresh_token_ttl),
            not_after=ends,
        )
        pair = TokenPair(
            access_token=access,
            refresh_token=refresh,
            token_type="bearer",
            expires_in=int(min(access_ttl, ends - clock.real_now()).total_seconds()),
        )
        return pair, refresh_jti

    async def _sign_in(self, user: User) -> TokenPair:
        """A new family (one sign-in, lasting the refresh token lifetime from now) and its first
        pair of tokens, committed."""
        family = uuid.uuid4().hex
        ends = clock.real_now() + timedelta(seconds=self.settings.refresh_token_ttl)
        pair, refresh_jti = self._pair(user.id, family, ends)
        self.session.add(
            TokenFamily(id=family, user_id=user.id, current_refresh_jti=refresh_jti, expires=ends)
        )
        await self.commit()
        return pair

    async def register(self, data: RegisterRequest) -> TokenPair:
        user = await create_user(
            self.session,
            username=data.username,
            email=data.email,
            password=data.password,
            first_name=data.first_name,
            last_name=data.last_name,
        )
        return await self._sign_in(user)

    async def login(self, data: LoginRequest) -> TokenPair:
        login = data.username or data.email
        if not login:
            raise FieldError("username", "give a username or an e-mail address")
        # Counted per account too, whatever the address: guessing one account's password from
        # many addresses gets as far as guessing it from one. One count per account, whether
        # the sign-in names it by username or by e-mail; a name no account has is counted
        # under that name.
        user = await get_user_by_login(self.session, login)
        account = f"id:{user.id}" if user is not None else f"name:{login.strip().casefold()}"
        await self.throttle.hit(f"sign-in:account:{account}", Tier.CRITICAL)
        return await self._sign_in(await authenticate_password(self.session, user, data.password))

    async def refresh(self, token: str) -> TokenPair:
        try:
            claims = decode_token(self.settings.secret_key, token, "refresh")
        except InvalidTokenError as exc:
            raise NotAuthenticatedError(f"Invalid refresh token: {exc}.") from exc
        family = await self.session.get(TokenFamily, claims.family)
        if family is None or family.user_id != claims.user_id or family.revoked_at is not None:
            raise NotAuthenticatedError("Invalid refresh token: it has been revoked.")
        if family.expires <= clock.real_now():
            raise NotAuthenticatedError(SIGN_IN_EXPIRED.format(token="refresh"))
        user = await self.session.get(User, claims.user_id)
        if user is None or not user.is_active:
            raise NotAuthenticatedError("Invalid refresh token: the account is not active.")
        pair, new_jti = self._pair(user.id, family.id, family.expires)
        rotated = await self.session.execute(
            update(TokenFamily)
            .where(
                TokenFamily.id == family.id,
                TokenFamily.current_refresh_jti == claims.jti,
                TokenFamily.revoked_at.is_(None),
            )
            .values(current_refresh_jti=new_jti)
            .execution_options(synchronize_session=False)
        )
        if rotated.rowcount != 1:  # type: ignore[attr-defined]
            await revoke_family(self.session, family.id, reason="refresh-reuse")
            await self.commit()
            raise NotAuthenticatedError(
                "Invalid refresh token: it was already used, so this sign-in has been revoked."
            )
        await self.commit()
        return pair

    async def logout(self, refresh_token: str | None) -> None:
        identity = self.user
        if identity.family is not None:
            await revoke_family(self.session, identity.family, reason="logout")
        if refresh_token:
            try:
                claims = decode_token(self.settings.secret_key, refresh_token, "refresh")
            except InvalidTokenError:
                claims = None
            if claims is not None and claims.user_id == identity.id:
                await revoke_family(self.session, claims.family, reason="logout")
        await self.commit()

    async def change_password(self, data: PasswordChange) -> None:
        user = await self.session.get(User, self.user.id)
        assert user is not None
        stored = user.password_hash or None
        if not await in_hashing_thread(verify_password, stored, data.current_password):
            raise FieldError("current_password", "is not correct")
        check_password_policy(data.new_password, username=user.username, field="new_password")
        user.password_hash = await in_hashing_thread(hash_password, data.new_password)
        await revoke_all_families(self.session, user.id, reason="password-change")
        await self.commit()


async def _revoke(session: AsyncSession, which: ColumnElement[bool], reason: str) -> None:
    await session.execute(
        update(TokenFamily)
        .where(which, TokenFamily.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )


async def revoke_family(session: AsyncSession, family_id: str, *, reason: str) -> None:
    await _revoke(session, TokenFamily.id == family_id, reason)


async def revoke_all_families(session: AsyncSession, user_id: int, *, reason: str) -> None:
    await _revoke(session, TokenFamily.user_id == user_id, reason)


# API keys -----------------------------------------------------------------------------------


async def create_api_key(
    session: AsyncSession,
    user: User,
    name: str,
    *,
    scopes: list[str] | None = None,
    expires: datetime | None = None,
) -> NewApiKey:
    prefix = secrets.token_hex(6)
    # letters, digits and "_" only: python.org's release tooling checks "<user>:<key>" with
    # the pattern \w+:\w+ before it sends "Authorization: ApiKey <user>:<key>"
    secret = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_hex(32)}"
    key = ApiKey(
        user_id=user.id,
        name=name,
        prefix=prefix,
        key_hash=_key_digest(secret),
        scopes=json.dumps(sorted(set(scopes if scopes is not None else ["read", "write"]))),
        expires=expires,
        created=utcnow(),
    )
    session.add(key)
    await session.flush()
    return NewApiKey(key=key, secret=secret)


async def create_superuser(
    session: AsyncSession,
    *,
    username: str,
    email: str,
    password: str | None,
    key_name: str | None,
) -> str | None:
    """``pydotorg createsuperuser``: a superuser, and an API key named ``key_name`` if one is
    asked for; the key's secret (shown once)."""
    user = await create_user(
        session, username=username, email=email, password=password, is_superuser=True
    )
    secret = None
    if key_name:
        secret = (await create_api_key(session, user, key_name)).secret
    await session.commit()
    return secret


def key_scopes(key: ApiKey) -> list[str]:
    scopes: list[str] = json.loads(key.scopes or "[]")
    return scopes


# Authentication of a request ----------------------------------------------------------------


def _identity(
    user: User,
    *,
    family: str | None = None,
    scopes: list[str] | None = None,
    key_expires: datetime | None = None,
) -> Identity:
    return Identity(
        id=user.id,
        username=user.username,
        is_staff=user.is_staff,
        is_superuser=user.is_superuser,
        family=family,
        scopes=frozenset(scopes) if scopes is not None else None,
        key_expires=key_expires,
    )


async def _authenticate_api_key(
    session: AsyncSession, secret: str, username: str | None = None
) -> Identity:
    parts = secret.split("_", 2)
    row = None
    if len(parts) == 3 and parts[0] == API_KEY_PREFIX:
        # The key and its owner in one statement: every write a program makes starts here.
        row = (
            await session.execute(
                select(ApiKey, User)
                .outerjoin(User, User.id == ApiKey.user_id)
                .where(ApiKey.prefix == parts[1])
            )
        ).first()
    if row is None or not hmac.compare_digest(row[0].key_hash, _key_digest(secret)):
        raise NotAuthenticatedError("Invalid API key.")
    key, user = row
    now = clock.real_now()
    if key.revoked_at is not None:
        raise NotAuthenticatedError("This API key has been revoked.")
    if key.expires is not None and key.expires <= now:
        raise NotAuthenticatedError("This API key has expired.")
    if user is None or not user.is_active:
        raise NotAuthenticatedError(
            "The account of this API key is not active.", code=INACTIVE_ACCOUNT
        )
    if username is not None and username != user.username:
        raise NotAuthenticatedError("Invalid API key.")
    if key.last_used is None or now - key.last_used >= LAST_USED_PRECISION:
        key.last_used = now
    return _identity(user, scopes=key_scopes(key), key_expires=key.expires)


async def _authenticate_jwt(session: AsyncSession, settings: Settings, token: str) -> Identity:
    try:
        claims = decode_token(settings.secret_key, token, "access")
    except InvalidTokenError as exc:
        raise NotAuthenticatedError(f"Invalid access token: {exc}.") from exc
    row = (
        await session.execute(
            select(User, TokenFamily.revoked_at, TokenFamily.expires)
            .join(TokenFamily, TokenFamily.user_id == User.id)
            .where(User.id == claims.user_id, TokenFamily.id == claims.family)
        )
    ).first()
    if row is None:
        raise NotAuthenticatedError("Invalid access token: unknown sign-in.")
    user, revoked_at, ends = row
    if revoked_at is not None:
        raise NotAuthenticatedError("Invalid access token: it has been revoked.")
    if ends <= clock.real_now():
        raise NotAuthenticatedError(SIGN_IN_EXPIRED.format(token="access"))
    if not user.is_active:
        raise NotAuthenticatedError("Invalid access token: the account is not active.")
    return _identity(user, family=claims.family)


async def authenticate(
    session: AsyncSession, settings: Settings, credential: Credential
) -> Identity:
    """The identity behind a credential, or 401: a bearer token is an API key or a JWT access
    token; python.org's ``Token <key>`` and ``ApiKey <username>:<key>`` take API keys only, the
    latter only with the username of the key's owner."""
    secret = credential.secret
    if credential.scheme == "bearer" and not secret.startswith(f"{API_KEY_PREFIX}_"):
        return await _authenticate_jwt(session, settings, secret)
    return await _authenticate_api_key(session, secret, credential.username)


# Profiles and user administration ------------------------------------------------------------


def api_key_read(key: ApiKey) -> ApiKeyRead:
    return to_schema(ApiKeyRead, key, scopes=key_scopes(key), revoked=key.revoked_at is not None)


class UserService(Service):
    """Users as the caller may see and change them, and the caller's own API keys."""

    def record(self, user: User) -> UserRecord:
        return to_schema(UserRecord, user, resource_uri=self.links.url("getUser", user.id))

    def profile(self, user: User) -> PublicProfile:
        return to_schema(PublicProfile, user, resource_uri=self.links.url("getUser", user.id))

    async def _user(self, user_id: int, *, include_inactive: bool = False) -> User:
        query = select(User) if include_inactive else select(User).where(User.is_active.is_(True))
        return await self.rows(User, query).get(user_id)

    async def _me(self) -> User:
        return await self._user(self.user.id)

    async def me(self) -> UserRecord:
        return self.record(await self._me())

    async def view(self, user_id: int) -> UserRecord | PublicProfile:
        caller = self.caller
        privileged = caller is not None and (caller.is_staff or caller.id == user_id)
        user = await self._user(user_id, include_inactive=self.staff)
        return self.record(user) if privileged else self.profile(user)

    async def list_users(self, window: Window) -> Page[UserRecord]:
        rows, total = await self.rows(User).page(window, select(User).order_by(User.id))
        return Page([self.record(user) for user in rows], total, window)

    async def update_profile(self, data: ProfileUpdate) -> UserRecord:
        user = await self._me()
        changes = changed_fields(data)
        if "email" in changes and changes["email"].lower() != user.email.lower():
            await check_email_free(self.session, changes["email"], exclude=user.id)
            user.email_verified = False
        for key, value in changes.items():
            setattr(user, key, value)
        await self.commit()
        return self.record(user)

    async def create(self, data: UserCreate) -> UserRecord:
        if (data.is_staff or data.is_superuser) and not (self.caller and self.caller.is_superuser):
            raise PermissionDeniedError("Only a superuser can create staff or superusers.")
        user = await create_user(self.session, **msgspec.structs.asdict(data))
        await self.commit()
        return self.record(user)

    async def update(self, user_id: int, data: UserUpdate) -> UserRecord:
        user = await self._user(user_id, include_inactive=True)
        changes = changed_fields(data)
        superuser = bool(self.caller and self.caller.is_superuser)
        if not superuser and (user.is_superuser or {"is_staff", "is_superuser"} & set(changes)):
            raise PermissionDeniedError("Only a superuser can change roles or superusers.")
        if "email" in changes and changes["email"].lower() != user.email.lower():
            await check_email_free(self.session, changes["email"], exclude=user.id)
        for key, value in changes.items():
            setattr(user, key, value)
        if user.is_superuser:
            user.is_staff = True
        if changes.get("is_active") is False:
            await revoke_all_families(self.session, user.id, reason="deactivated")
        await self.commit()
        return self.record(user)

    # API keys of the caller

    async def list_keys(self) -> list[ApiKeyRead]:
        rows = await self.session.scalars(
            select(ApiKey).where(ApiKey.user_id == self.user.id).order_by(ApiKey.id)
        )
        return [api_key_read(key) for key in rows]

    async def create_key(self, data: ApiKeyCreate) -> NewApiKeyRead:
        """A new key of the caller's. A key made with a key expires no later than that key:
        otherwise a stolen short-lived key could be turned into one that never ends."""
        if data.expires is not None and data.expires <= clock.real_now():
            raise FieldError("expires", "must be in the future")
        limit = self.user.key_expires
        if limit is not None and (data.expires is None or data.expires > limit):
            raise FieldError(
                "expires",
                "must not be later than the expiry of the API key making the request, "
                + limit.isoformat().replace("+00:00", "Z"),
            )
        made = await create_api_key(
            self.session,
            await self._me(),
            data.name,
            scopes=list(data.scopes),
            expires=data.expires,
        )
        await self.commit()
        return NewApiKeyRead(**msgspec.structs.asdict(api_key_read(made.key)), key=made.secret)

    async def revoke_key(self, key_id: int) -> None:
        key = await self.session.get(ApiKey, key_id)
        if key is None or key.user_id != self.user.id:
            raise NotFoundError(f"No API key with id {key_id}.")
        if key.revoked_at is None:
            key.revoked_at = utcnow()
        await self.commit()

    async def revoke_all_keys(self) -> None:
        """Revoke every key of the caller (the one sending the request included)."""
        await self.session.execute(
            update(ApiKey)
            .where(ApiKey.user_id == self.user.id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        await self.commit()
