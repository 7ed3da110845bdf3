"""HTTP endpoints of accounts: the guide's ``/api/auth/`` flow and ``/api/v1/users/``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

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
from pydotorg.accounts.services import (
    TokenService,
    UserService,
    authenticate_password,
    change_password,
    create_user,
    user_record,
)
from pydotorg.core.auth import BEARER_SECURITY, current_identity, requires_staff, requires_user
from pydotorg.core.database import commit_or_conflict
from pydotorg.core.exceptions import FieldError
from pydotorg.core.openapi import error_responses
from pydotorg.core.pagination import LIMIT_OFFSET, PAGE_HEADERS, Window, page_response
from pydotorg.core.ratelimit import Tier, rate_tier
from pydotorg.core.responses import created
from pydotorg.core.urls import base_url

SIGNED_IN: dict[str, Any] = {"guards": [requires_user], "security": BEARER_SECURITY}
STAFF: dict[str, Any] = {"guards": [requires_staff], "security": BEARER_SECURITY}
CRITICAL = rate_tier(Tier.CRITICAL)
HIGH = rate_tier(Tier.HIGH)
LOW = rate_tier(Tier.LOW)


async def provide_tokens(state: State, db_session: NamedDependency[AsyncSession]) -> TokenService:
    return TokenService(db_session, state.settings)


async def provide_users(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> UserService:
    return UserService(db_session, current_identity(request))


class AuthController(Controller):
    path = "/api/auth"
    tags = ["Authentication"]
    dependencies = {"tokens": Provide(provide_tokens), "users": Provide(provide_users)}

    @post(
        "/register",
        summary="Create an account and sign in",
        description="Passwords need 8+ characters, must differ from the username and must not "
        "be a common password.",
        operation_id="register",
        opt=CRITICAL,
        status_code=201,
        responses=error_responses(422),
    )
    async def register(
        self,
        data: JSONBody[RegisterRequest],
        tokens: NamedDependency[TokenService],
        db_session: NamedDependency[AsyncSession],
    ) -> TokenPair:
        user = await create_user(
            db_session,
            username=data.username,
            email=data.email,
            password=data.password,
            first_name=data.first_name,
            last_name=data.last_name,
        )
        pair = await tokens.issue(user)
        await commit_or_conflict(db_session)
        return pair

    @post(
        "/login",
        summary="Sign in with a username or e-mail and password",
        description="Answers `{access_token, refresh_token, token_type, expires_in}`. "
        "Every failure gets the same 401, whether or not the account exists.",
        operation_id="login",
        opt=CRITICAL,
        status_code=200,
        responses=error_responses(401, 422),
    )
    async def login(
        self,
        data: JSONBody[LoginRequest],
        tokens: NamedDependency[TokenService],
        db_session: NamedDependency[AsyncSession],
    ) -> TokenPair:
        login = data.username or data.email
        if not login:
            raise FieldError("username", "give a username or an e-mail address")
        user = await authenticate_password(db_session, login, data.password)
        pair = await tokens.issue(user)
        await commit_or_conflict(db_session)
        return pair

    @post(
        "/refresh",
        summary="Exchange a refresh token for a new pair",
        description="Each refresh token works once. Presenting a spent one revokes the whole "
        "sign-in it belongs to.",
        operation_id="refreshToken",
        opt=CRITICAL,
        status_code=200,
        responses=error_responses(401),
    )
    async def refresh(
        self,
        data: JSONBody[RefreshRequest],
        tokens: NamedDependency[TokenService],
        db_session: NamedDependency[AsyncSession],
    ) -> TokenPair:
        pair = await tokens.refresh(data.refresh_token)
        await commit_or_conflict(db_session)
        return pair

    @post(
        "/logout",
        summary="Sign out",
        description="Revokes the sign-in of the access token used, and of the refresh token "
        "given, if any.",
        operation_id="logout",
        opt=HIGH,
        status_code=204,
        responses=error_responses(401, 403),
        **SIGNED_IN,
    )
    async def logout(
        self,
        request: Request[Any, Any, Any],
        tokens: NamedDependency[TokenService],
        db_session: NamedDependency[AsyncSession],
        data: JSONBody[LogoutRequest | None] = None,
    ) -> None:
        identity = current_identity(request)
        assert identity is not None
        await tokens.logout(identity, data.refresh_token if data else None)
        await commit_or_conflict(db_session)

    @get(
        "/me",
        summary="The signed-in user",
        operation_id="getMe",
        opt=LOW,
        responses=error_responses(401, 403),
        **SIGNED_IN,
    )
    async def me(self, users: NamedDependency[UserService]) -> UserRecord:
        return user_record(await users.me())

    @patch(
        "/me",
        summary="Update your own profile",
        description="E-mail, names and bio. Roles and account flags cannot be set here.",
        operation_id="updateMe",
        opt=HIGH,
        responses=error_responses(401, 403, 422),
        **SIGNED_IN,
    )
    async def update_me(
        self, data: JSONBody[ProfileUpdate], users: NamedDependency[UserService]
    ) -> UserRecord:
        return await users.update_profile(data)

    @post(
        "/password",
        summary="Change your password",
        description="Signs out every session of the account; sign in again afterwards.",
        operation_id="changePassword",
        opt=CRITICAL,
        status_code=204,
        responses=error_responses(401, 403, 422),
        **SIGNED_IN,
    )
    async def change_password(
        self,
        data: JSONBody[PasswordChange],
        users: NamedDependency[UserService],
        db_session: NamedDependency[AsyncSession],
    ) -> None:
        await change_password(
            db_session, await users.me(), data.current_password, data.new_password
        )
        await commit_or_conflict(db_session)

    @get(
        "/api-keys",
        summary="Your API keys",
        operation_id="listApiKeys",
        opt=LOW,
        responses=error_responses(401, 403),
        **SIGNED_IN,
    )
    async def list_keys(self, users: NamedDependency[UserService]) -> list[ApiKeyRead]:
        return await users.list_keys()

    @post(
        "/api-keys",
        summary="Create an API key",
        description="The secret `key` is in this response only; it is stored hashed. Scopes: "
        "`read`, `write` (default both).",
        operation_id="createApiKey",
        opt=CRITICAL,
        status_code=201,
        responses=error_responses(401, 403, 422),
        **SIGNED_IN,
    )
    async def create_key(
        self, data: JSONBody[ApiKeyCreate], users: NamedDependency[UserService]
    ) -> NewApiKeyRead:
        return await users.create_key(data)

    @delete(
        "/api-keys/{key_id:int}",
        summary="Revoke one of your API keys",
        operation_id="revokeApiKey",
        opt=HIGH,
        responses=error_responses(401, 403, 404),
        **SIGNED_IN,
    )
    async def revoke_key(self, key_id: FromPath[int], users: NamedDependency[UserService]) -> None:
        await users.revoke_key(key_id)


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["Users"]
    dependencies = {"users": Provide(provide_users), **LIMIT_OFFSET}

    @get(
        "/",
        summary="List users (staff)",
        description="E-mail addresses are private, so only staff may list users.",
        operation_id="listUsers",
        opt=LOW,
        response_headers=PAGE_HEADERS,
        responses=error_responses(401, 403),
        **STAFF,
    )
    async def list_users(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        window: NamedDependency[Window],
    ) -> Response[list[UserRecord]]:
        items, total = await users.list_users(window)
        return page_response(request, items, total, window)

    @get(
        "/{user_id:int}",
        summary="Get a user",
        description="The public profile for anyone; the full record for the user and staff.",
        operation_id="getUser",
        opt=LOW,
        responses=error_responses(404),
    )
    async def get_user(
        self, user_id: FromPath[int], users: NamedDependency[UserService]
    ) -> UserRecord | PublicProfile:
        return await users.view(user_id)

    @post(
        "/",
        summary="Create a user (staff)",
        description="Creating staff or superusers needs a superuser.",
        operation_id="createUser",
        opt=HIGH,
        status_code=201,
        responses=error_responses(401, 403, 422),
        **STAFF,
    )
    async def create_user(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[UserCreate],
        users: NamedDependency[UserService],
    ) -> Response[UserRecord]:
        record = await users.create(data)
        uri = f"{base_url(request)}/api/v1/users/{record.id}"
        return created(record, uri)

    @patch(
        "/{user_id:int}",
        summary="Update or deactivate a user (staff)",
        description="`is_active: false` deactivates the account: its tokens and keys stop "
        "working at once. Changing roles, or any superuser, needs a superuser.",
        operation_id="updateUser",
        opt=HIGH,
        responses=error_responses(401, 403, 404, 422),
        **STAFF,
    )
    async def update_user(
        self,
        user_id: FromPath[int],
        data: JSONBody[UserUpdate],
        users: NamedDependency[UserService],
    ) -> UserRecord:
        return await users.update(user_id, data)


ROUTES = [AuthController, UserController]
