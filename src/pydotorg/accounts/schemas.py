"""Request and response bodies of the accounts API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from pydotorg.core.schemas import NOT_IN_TEXT, Description, Name, WriteSchema, free_text, one_line

Username = Annotated[
    str,
    msgspec.Meta(
        min_length=2,
        max_length=150,
        pattern=r"^[A-Za-z0-9_.+-]+\Z",
        description="Letters, digits and _ . + - (no @, so it cannot be mistaken for an e-mail).",
    ),
]
Email = Annotated[
    str,
    msgspec.Meta(
        max_length=254,
        pattern=rf"^[^@\s{NOT_IN_TEXT}]+@[^@\s{NOT_IN_TEXT}]+\.[^@\s{NOT_IN_TEXT}]+\Z",
        description="An e-mail address.",
    ),
]
Password = Annotated[str, free_text(1024, min_length=1)]
ShortName = Annotated[str, one_line(150)]
Scope = Literal["read", "write"]


class TokenPair(msgspec.Struct):
    """What login, registration and refresh answer: the guide's exact four fields."""

    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int


class RegisterRequest(WriteSchema):
    username: Username
    email: Email
    password: Password
    first_name: ShortName = ""
    last_name: ShortName = ""


class LoginRequest(WriteSchema):
    password: Password
    username: Annotated[str, one_line(254, min_length=1)] | None = None
    email: Annotated[str, one_line(254, min_length=1)] | None = None


class RefreshRequest(WriteSchema):
    refresh_token: Annotated[str, one_line(4096, min_length=1)]


class LogoutRequest(WriteSchema):
    refresh_token: Annotated[str, one_line(4096, min_length=1)] | None = None


class PasswordChange(WriteSchema):
    current_password: Password
    new_password: Password


class ProfileUpdate(WriteSchema):
    """What users may change about themselves. Roles and flags are not here, on purpose."""

    email: Email | UnsetType = UNSET
    first_name: ShortName | UnsetType = UNSET
    last_name: ShortName | UnsetType = UNSET
    bio: Description | UnsetType = UNSET


class UserCreate(WriteSchema):
    username: Username
    email: Email
    password: Password | None = None
    first_name: ShortName = ""
    last_name: ShortName = ""
    bio: Description = ""
    is_staff: bool = False
    is_superuser: bool = False
    email_verified: bool = False


class UserUpdate(ProfileUpdate):
    """Staff changes to a user. Granting staff or superuser needs a superuser."""

    is_active: bool | UnsetType = UNSET
    is_staff: bool | UnsetType = UNSET
    is_superuser: bool | UnsetType = UNSET
    email_verified: bool | UnsetType = UNSET


class PublicProfile(msgspec.Struct):
    id: int
    username: str
    first_name: str
    last_name: str
    bio: str
    date_joined: datetime
    resource_uri: str


class UserRecord(msgspec.Struct):
    """The full record: for the user themselves and for staff."""

    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    bio: str
    is_active: bool
    is_staff: bool
    is_superuser: bool
    email_verified: bool
    date_joined: datetime
    last_login: datetime | None
    resource_uri: str


class ApiKeyCreate(WriteSchema):
    name: Name
    scopes: list[Scope] = msgspec.field(default_factory=lambda: ["read", "write"])
    expires: Annotated[datetime, msgspec.Meta(tz=True)] | None = None


class ApiKeyRead(msgspec.Struct):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created: datetime
    expires: datetime | None
    last_used: datetime | None
    revoked: bool


class NewApiKeyRead(ApiKeyRead):
    """A key just made. ``key`` is shown this once; only its hash is kept."""

    key: str = ""
