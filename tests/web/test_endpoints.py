"""Endpoint defaults: access, tier and caching follow from method and controller unless a handler
declares otherwise, and every operation's documented statuses match what it can answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar import Litestar, get, post
from litestar.testing import TestClient

from pydotorg.core.auth import ACCESS_KEY, Access, authorize
from pydotorg.core.endpoints import ApiController
from pydotorg.core.ratelimit import TIER_KEY, Limits, Tier
from pydotorg.web.endpoints import api_handlers, configure_endpoints
from pydotorg.web.errors import EXCEPTION_HANDLERS
from pydotorg.web.response_cache import CACHE_KEY
from tests.support import LiveServer

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
WHO = re.compile(r"\*\*Who may call:\*\* ([a-z -]+)\.")


class Plain(ApiController):
    path = "/plain"

    @get("/")
    async def read(self) -> str:
        return "read"

    @post("/")
    async def write(self) -> str:
        return "written"

    @post("/open", access=Access.PUBLIC, tier=Tier.CRITICAL)
    async def open_write(self) -> str:
        return "open"

    @get("/private", access=Access.SIGNED_IN, cacheable=False)
    async def private_read(self) -> str:
        return "private"


class Members(ApiController):
    path = "/members"
    read_access = write_access = Access.SIGNED_IN

    @get("/")
    async def read(self) -> str:
        return "members"


@pytest.fixture(scope="module")
def app() -> Litestar:
    app = Litestar([Plain, Members], guards=[authorize], exception_handlers=EXCEPTION_HANDLERS)
    configure_endpoints(app, Limits.parse(""))
    return app


def resolved(app: Litestar) -> dict[str, dict[str, Any]]:
    """Each handler's resolved ``opt``, by method and full path (``GET /plain``)."""
    return {
        f"{method} {route.path}": handler.opt
        for route in app.routes
        for method, (handler, _) in getattr(route, "route_handler_map", {}).items()
        if method != "OPTIONS"
    }


def test_reads_are_public_low_and_cacheable_writes_staff_and_high(app: Litestar) -> None:
    opts = resolved(app)
    read, write = opts["GET /plain"], opts["POST /plain"]
    assert (read[ACCESS_KEY], read[TIER_KEY], read[CACHE_KEY]) == (Access.PUBLIC, Tier.LOW, True)
    assert (write[ACCESS_KEY], write[TIER_KEY], write[CACHE_KEY]) == (
        Access.STAFF,
        Tier.HIGH,
        False,
    )


def test_a_handler_declares_its_exceptions(app: Litestar) -> None:
    opts = resolved(app)
    open_write = opts["POST /plain/open"]
    assert (open_write[ACCESS_KEY], open_write[TIER_KEY]) == (Access.PUBLIC, Tier.CRITICAL)
    private = opts["GET /plain/private"]
    assert (private[ACCESS_KEY], private[CACHE_KEY]) == (Access.SIGNED_IN, False)


def test_a_controller_sets_its_own_defaults(app: Litestar) -> None:
    members = resolved(app)["GET /members"]
    assert (members[ACCESS_KEY], members[CACHE_KEY]) == (Access.SIGNED_IN, False)


def test_the_guard_enforces_the_resolved_access(app: Litestar) -> None:
    with TestClient(app) as client:
        assert client.get("/plain").status_code == 200
        assert client.post("/plain/open").status_code == 201
        refused = client.post("/plain")
        assert refused.status_code == 401 and refused.json()["status_code"] == 401
        assert client.get("/members").status_code == 401


def test_handlers_outside_domain_controllers_are_left_alone() -> None:
    @get("/bare")
    async def bare() -> str:
        return "bare"

    app = Litestar([bare])
    configure_endpoints(app, Limits.parse(""))
    assert list(api_handlers(app)) == []
    assert TIER_KEY not in resolved(app)["GET /bare"]


# The served document, operation by operation -------------------------------------------------


@pytest.fixture(scope="module")
def spec(sqlite_server: LiveServer) -> dict[str, Any]:
    with httpx.Client(base_url=sqlite_server.base_url) as client:
        document: dict[str, Any] = client.get("/api/openapi.json").json()
    return document


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def who_may_call(operation: dict[str, Any]) -> str:
    found = WHO.search(operation.get("description") or "")
    assert found, operation["operationId"]
    return found.group(1)


# python.org's endpoints (``core.dialects``): Tastypie has no 403 and both frameworks answer
# invalid input with 400; a 401 names the scheme its clients send.
TASTYPIE, DRF = "python.org v1", "python.org v2"
CHALLENGES = {TASTYPIE: "ApiKey", DRF: "Token"}


STAFF_ONLY_PARAMETERS = {"GET /api/v1/sponsors"}


def family(operation: dict[str, Any]) -> str | None:
    return next((tag for tag in operation["tags"] if tag in CHALLENGES), None)


def test_documented_statuses_follow_guards_parameters_and_bodies(spec: dict[str, Any]) -> None:
    checked = 0
    for path, method, operation in operations(spec):
        where = f"{method.upper()} {path}"
        statuses = set(operation["responses"])
        parameters = operation.get("parameters", [])
        guarded = "security" in operation
        assert guarded == (who_may_call(operation) != "anyone"), where
        assert "401" in statuses, where  # a refused credential, on any endpoint
        if family(operation) == TASTYPIE:
            assert "403" not in statuses, where
        else:  # a public list with a staff-only parameter (``all=true``) may refuse it with 403
            assert guarded == ("403" in statuses) or where in STAFF_ONLY_PARAMETERS, where
        if any(p["in"] == "path" for p in parameters):
            assert "404" in statuses, where
        assert "400" in statuses, where  # any query string may hold a control character
        if "requestBody" in operation:
            assert {"413", "400" if family(operation) else "422"} <= statuses, where
        if method != "get":
            assert "409" in statuses, where
        if path.startswith("/api/v1") or path.startswith("/api/auth"):
            assert "429" in statuses and "**Rate limit:**" in operation["description"], where
        assert ("503" in statuses) == (path != "/health"), where  # all but /health use the DB
        checked += 1
    assert checked >= 100


def fill(path: str) -> str:
    return re.sub(r"{[^}]+}", "1", path)


# Operations that check their query string before their caller, as python.org does: they are
# asked with a valid one.
QUERY_FIRST = {"tastypieDeleteReleaseFilesOfRelease": "?release=1"}


def test_every_guarded_operation_refuses_anonymous_callers(
    spec: dict[str, Any], sqlite_server: LiveServer
) -> None:
    guarded = [(p, m, op) for p, m, op in operations(spec) if "security" in op]
    assert len(guarded) > 40
    with sqlite_server.client() as anonymous:
        for path, method, operation in guarded:
            query = QUERY_FIRST.get(operation["operationId"], "")
            response = anonymous.request(method.upper(), fill(path) + query, json={})
            assert response.status_code == 401, (operation["operationId"], response.text)
            challenge = CHALLENGES.get(family(operation) or "", "Bearer")
            assert response.headers["www-authenticate"] == challenge


def test_every_staff_operation_refuses_signed_in_users(
    spec: dict[str, Any], sqlite_server: LiveServer
) -> None:
    staff_only = [
        (p, m, op)
        for p, m, op in operations(spec)
        if who_may_call(op) in (Access.STAFF.value, Access.SUPERUSER.value)
    ]
    assert len(staff_only) > 30
    key = sqlite_server.credentials["user"]
    bearer = {"Authorization": f"Bearer {key}"}
    token = {"Authorization": f"Token {key}"}  # python.org's v2 reads no other scheme
    with sqlite_server.client() as client:
        for path, method, operation in staff_only:
            headers = token if family(operation) == DRF else bearer
            response = client.request(method.upper(), fill(path), json={}, headers=headers)
            refused = 401 if family(operation) == TASTYPIE else 403
            assert response.status_code == refused, (operation["operationId"], response.text)


def test_every_public_read_answers_anonymous_callers(
    spec: dict[str, Any], sqlite_server: LiveServer
) -> None:
    public_reads = [(p, op) for p, m, op in operations(spec) if m == "get" and "security" not in op]
    with sqlite_server.client() as anonymous:
        for path, operation in public_reads:
            response = anonymous.get(fill(path))
            assert response.status_code not in (401, 403), operation["operationId"]
            assert str(response.status_code) in operation["responses"], (
                operation["operationId"],
                response.text,
            )


def test_options_lists_every_method_of_every_path_to_anyone(
    spec: dict[str, Any], sqlite_server: LiveServer
) -> None:
    with sqlite_server.client() as anonymous:
        for path, item in spec["paths"].items():
            documented = {method.upper() for method in item if method in HTTP_METHODS}
            response = anonymous.options(fill(path))
            assert response.status_code == 204, (path, response.text)
            allowed = response.headers["allow"].split(", ")
            implicit = {"OPTIONS", "HEAD"} if "GET" in documented else {"OPTIONS"}
            assert allowed == sorted(documented | implicit), path
            refused = anonymous.request("TRACE", fill(path))  # a 405 lists the same methods
            assert refused.status_code == 405 and refused.headers["allow"] == ", ".join(allowed)


def test_integer_bounds_are_written_exactly(spec: dict[str, Any]) -> None:
    id_schema = spec["paths"]["/api/v1/os/{os_id}"]["get"]["parameters"][0]["schema"]
    assert id_schema["maximum"] == 2**63 - 1 and isinstance(id_schema["maximum"], int)
    assert id_schema["minimum"] == 1 and isinstance(id_schema["minimum"], int)
