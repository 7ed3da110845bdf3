"""HTTP endpoints of accounts: the guide's ``/api/auth/`` flow and ``/api/v1/users/``."""

from __future__ import annotations

from typing import Any

from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from pydotorg.accounts.schemas import (
    ApiKeyCreate,
    ApiKeyRead,
    LoginRequest,
    LogoutRequest,
    NewApiKeyRead,
    PasswordChange,
    ProfileUpdate,
    PublicProfile,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    UserCreate,
    UserRecord,
    UserUpdate,
)
from pydotorg.accounts.services import AuthService, UserService
from pydotorg.core.auth import Access
from pydotorg.core.endpoints import ApiController
from pydotorg.core.pagination import Page, Window
from pydotorg.core.ratelimit import Tier
from pydotorg.core.resources import Id
from pydotorg.core.services import services

# Signing in, registering and changing a password are counted by the caller's address, whatever
# token it sends (a valid token must not buy an account's larger allowance for guessing), each
# group in counters of its own.
SIGN_IN: dict[str, Any] = {
    "access": Access.PUBLIC,
    "tier": Tier.CRITICAL,
    "group": "sign-in",
    "by_address": True,
}
REGISTRATION: dict[str, Any] = {**SIGN_IN, "group": "registration"}


class AuthController(ApiController):
    """Everything here is the caller's own, so everything but signing in needs a sign-in."""

    path = "/api/auth"
    tags = ["Authentication"]
    read_access = write_access = Access.SIGNED_IN
    dependencies = services(auth=AuthService, users=UserService)

    @post(
        "/register",
        operation_id="register",
        summary="Create an account and sign in",
        description="Passwords need 8+ visible characters (after Unicode NFKC normalisation; "
        "spaces and invisible characters do not count), no control characters (tabs, line "
        "breaks, NUL), must differ from the username and must not be a common password.",
        **REGISTRATION,
    )
    async def register(
        self, data: JSONBody[RegisterRequest], auth: NamedDependency[AuthService]
    ) -> TokenPair:
        return await auth.register(data)

    @post(
        "/login",
        operation_id="login",
        summary="Sign in with a username or e-mail and password",
        description="Answers `{access_token, refresh_token, token_type, expires_in}`. "
        "Every failure gets the same 401, whether or not the account exists. Sign-ins are also "
        "counted per account named (the CRITICAL tier's anonymous number a minute, from any "
        "addresses).",
        status_code=200,
        errors=(401,),
        **SIGN_IN,
    )
    async def login(
        self, data: JSONBody[LoginRequest], auth: NamedDependency[AuthService]
    ) -> TokenPair:
        return await auth.login(data)

    @post(
        "/refresh",
        operation_id="refreshToken",
        summary="Exchange a refresh token for a new pair",
        description="Each refresh token works once. Presenting a spent one revokes the whole "
        "sign-in it belongs to.",
        status_code=200,
        errors=(401,),
        **SIGN_IN,
    )
    async def refresh(
        self, data: JSONBody[RefreshRequest], auth: NamedDependency[AuthService]
    ) -> TokenPair:
        return await auth.refresh(data.refresh_token)

    @post(
        "/logout",
        operation_id="logout",
        summary="Sign out",
        description="Revokes the sign-in of the access token used, and of the refresh token "
        "given, if any.",
        status_code=204,
    )
    async def logout(
        self, auth: NamedDependency[AuthService], data: JSONBody[LogoutRequest | None] = None
    ) -> None:
        await auth.logout(data.refresh_token if data else None)

    @get("/me", operation_id="getMe", summary="The signed-in user")
    async def me(self, users: NamedDependency[UserService]) -> UserRecord:
        return await users.me()

    @patch(
        "/me",
        operation_id="updateMe",
        summary="Update your own profile",
        description="E-mail, names and bio. Roles and account flags cannot be set here.",
    )
    async def update_me(
        self, data: JSONBody[ProfileUpdate], users: NamedDependency[UserService]
    ) -> UserRecord:
        return await users.update_profile(data)

    @post(
        "/password",
        operation_id="changePassword",
        summary="Change your password",
        description="Ends every sign-in of the account (its access and refresh tokens); sign "
        "in again afterwards. API keys keep working, as on GitHub and PyPI: revoke them with "
        "`DELETE /api/auth/api-keys`.",
        status_code=204,
        tier=Tier.CRITICAL,
        group="password",
        by_address=True,
    )
    async def change_password(
        self, data: JSONBody[PasswordChange], auth: NamedDependency[AuthService]
    ) -> None:
        await auth.change_password(data)

    @get("/api-keys", operation_id="listApiKeys", summary="Your API keys")
    async def list_keys(self, users: NamedDependency[UserService]) -> list[ApiKeyRead]:
        return await users.list_keys()

    @post(
        "/api-keys",
        operation_id="createApiKey",
        summary="Create an API key",
        description="The secret `key` is in this response only; it is stored hashed. Scopes: "
        "`read`, `write` (default both).",
        tier=Tier.CRITICAL,
        group="api-keys",
    )
    async def create_key(
        self, data: JSONBody[ApiKeyCreate], users: NamedDependency[UserService]
    ) -> NewApiKeyRead:
        return await users.create_key(data)

    @delete(
        "/api-keys/{key_id:int}", operation_id="revokeApiKey", summary="Revoke one of your API keys"
    )
    async def revoke_key(self, key_id: Id, users: NamedDependency[UserService]) -> None:
        await users.revoke_key(key_id)

    @delete(
        "/api-keys",
        operation_id="revokeAllApiKeys",
        summary="Revoke all your API keys",
        description="Every key of the signed-in user stops working at once, including the one "
        "sending this request. A password change leaves keys working; this is how to end them.",
    )
    async def revoke_all_keys(self, users: NamedDependency[UserService]) -> None:
        await users.revoke_all_keys()


class UserController(ApiController):
    path = "/api/v1/users"
    tags = ["Users"]
    dependencies = services(users=UserService)

    @get(
        "/",
        operation_id="listUsers",
        summary="List users (staff)",
        description="E-mail addresses are private, so only staff may list users.",
        access=Access.STAFF,
    )
    async def list_users(
        self, users: NamedDependency[UserService], window: NamedDependency[Window]
    ) -> Page[UserRecord]:
        return await users.list_users(window)

    @get(
        "/{user_id:int}",
        operation_id="getUser",
        summary="Get a user",
        description="The public profile for anyone; the full record for the user and staff.",
    )
    async def get_user(
        self, user_id: Id, users: NamedDependency[UserService]
    ) -> UserRecord | PublicProfile:
        return await users.view(user_id)

    @post(
        "/",
        operation_id="createUser",
        summary="Create a user (staff)",
        description="Creating staff or superusers needs a superuser.",
    )
    async def create_user(
        self, data: JSONBody[UserCreate], users: NamedDependency[UserService]
    ) -> UserRecord:
        return await users.create(data)

    @patch(
        "/{user_id:int}",
        operation_id="updateUser",
        summary="Update or deactivate a user (staff)",
        description="`is_active: false` deactivates the account: its tokens and keys stop "
        "working at once. Changing roles, or any superuser, needs a superuser.",
    )
    async def update_user(
        self, user_id: Id, data: JSONBody[UserUpdate], users: NamedDependency[UserService]
    ) -> UserRecord:
        return await users.update(user_id, data)


ROUTES = [AuthController, UserController]
