"""The guide's rate limits: on SQLite with memory counters and on PostgreSQL with Redis.

Limits are lowered with the ``RATE_LIMITS`` setting so a handful of requests reach them. Each
test speaks from its own made-up client address (the servers trust one proxy hop), so tests do
not share counters.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pydotorg.core.ratelimit import Limits, Tier, client_address
from tests.factories import UserFactory, token, unique_number
from tests.support import CACHE_MODES, LiveServer, both_ways, require_redis, seeded_server

LIMITS = "LOW=4/6/8;CRITICAL=2/3/4;HIGH=3/4/5;MEDIUM=4/5/6"
_addresses = itertools.count(1)


@pytest.fixture(scope="module", params=["sqlite-memory", "postgresql-redis"])
def limited_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    var_dir = tmp_path_factory.mktemp(f"var-{request.param}")
    options = {"rate_limit_enabled": True, "rate_limits": LIMITS, "trusted_proxy_hops": 1}
    if request.param == "sqlite-memory":
        with seeded_server("sqlite", var_dir, **options) as live:
            yield live
    else:
        redis_url = require_redis()
        prefix = f"pydotorg-test-{token(8)}:"
        with seeded_server(
            "postgresql", var_dir, redis_url=redis_url, redis_key_prefix=prefix, **options
        ) as live:
            yield live


@pytest.fixture(params=CACHE_MODES)
def limited(limited_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The tests of anonymous reads run with answers built afresh and with answers from the
    cache (their clients made by :func:`client`; the cache is filled from other addresses)."""
    modes[limited_server.base_url] = request.param
    yield limited_server
    modes.pop(limited_server.base_url)


modes: dict[str, str] = {}


def fresh_ip() -> str:
    n = next(_addresses) + unique_number(0, 200) * 1000
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def away_from_window_edge(margin: float = 3) -> None:
    """Counters use fixed one-minute windows; start a sequence well inside one (at least
    ``margin`` seconds before it ends)."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.1)


def client(server: LiveServer, role: str | None = None, ip: str | None = None) -> httpx.Client:
    away_from_window_edge()
    headers = {"X-Forwarded-For": ip or fresh_ip()}
    if role:
        headers["Authorization"] = f"Bearer {server.credentials[role]}"
    made = httpx.Client(base_url=server.base_url, headers=headers, timeout=30)
    mode = modes.get(server.base_url, "built")
    return both_ways(made, mode, prime=lambda: {"X-Forwarded-For": fresh_ip()})


def test_every_api_response_has_the_guide_headers(limited: LiveServer) -> None:
    with client(limited) as anon:
        first = anon.get("/api/v1/releases/latest")
        second = anon.get("/api/v1/os/")
    assert first.headers["ratelimit-policy"] == "4;w=60"
    assert first.headers["ratelimit-limit"] == "4"
    assert first.headers["ratelimit-remaining"] == "3"
    assert second.headers["ratelimit-remaining"] == "2"
    reset = int(first.headers["ratelimit-reset"])
    assert time.time() < reset <= time.time() + 61


@pytest.mark.parametrize(("method", "path"), [("GET", "/no-such-thing"), ("PATCH", "/health")])
def test_requests_no_route_answers_are_counted_as_reads(
    limited: LiveServer, method: str, path: str
) -> None:
    """Issue 11: unknown routes and 405s had no RateLimit headers and were never refused."""
    with client(limited) as anon:
        answers = [anon.request(method, path) for _ in range(4)]
        refused = anon.request(method, path)
        read = anon.get("/api/v1/os/")  # the same LOW counter as the reads
    assert [int(a.headers["ratelimit-remaining"]) for a in answers] == [3, 2, 1, 0]
    assert all(a.headers["ratelimit-policy"] == "4;w=60" for a in answers)
    assert refused.status_code == 429
    assert refused.json()["status_code"] == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["x-request-id"]
    assert read.status_code == 429


def test_docs_pages_are_counted_as_reads(limited: LiveServer) -> None:
    with client(limited) as anon:
        pages = [anon.get(path) for path in ("/api/", "/api/openapi.json", "/api/swagger")]
    assert [int(p.headers["ratelimit-remaining"]) for p in pages] == [3, 2, 1]


def test_refused_credentials_are_counted_and_answered_with_the_headers(
    limited: LiveServer,
) -> None:
    """A 401 for a bad token is counted against the address, so guessing tokens is limited."""
    with client(limited) as anon:
        assert anon.get("/api/v1/releases/latest").status_code == 200  # cached from now on
        bad = {"Authorization": "Bearer not-a-token"}
        refused = [anon.get("/api/v1/releases/latest", headers=bad) for _ in range(3)]
        over = anon.get("/api/v1/releases/latest", headers=bad)
    assert [r.status_code for r in refused] == [401, 401, 401]
    assert [r.headers["ratelimit-remaining"] for r in refused] == ["2", "1", "0"]
    assert all(r.headers["x-request-id"] and r.json()["status_code"] == 401 for r in refused)
    assert refused[0].headers["www-authenticate"] == "Bearer"
    assert over.status_code == 429


def test_past_the_limit_is_429_with_retry_after(limited: LiveServer) -> None:
    with client(limited) as anon:
        statuses = [anon.get("/api/v1/releases/latest").status_code for _ in range(4)]
        refused = anon.get("/api/v1/releases/latest")
    assert statuses == [200, 200, 200, 200]
    assert refused.status_code == 429
    retry = int(refused.headers["retry-after"])
    assert 1 <= retry <= 60
    assert refused.json()["detail"] == f"Rate limit exceeded. Try again in {retry} seconds."
    assert refused.json()["status_code"] == 429
    assert refused.headers["ratelimit-remaining"] == "0"


def test_guide_backoff_example_reads_retry_after(
    limited: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guide's ``request_with_retry``, run as written, with its sleeps recorded."""
    from tests import guide_examples

    waits: list[float] = []
    monkeypatch.setattr("tests.guide_examples.time.sleep", waits.append)
    url = f"{limited.base_url}/api/v1/releases/latest"
    away_from_window_edge()
    with httpx.Client() as direct:  # no X-Forwarded-For: counted as the peer, 127.0.0.1
        for _ in range(4):
            direct.get(url)
    with pytest.raises(Exception, match="Max retries exceeded"):
        guide_examples.request_with_retry(url)
    assert len(waits) == 3
    base = waits[0]
    # Each wait is Retry-After doubled per attempt; Retry-After may tick down by a second if a
    # second boundary falls between the attempts.
    retry_afters = [wait / 2**attempt for attempt, wait in enumerate(waits)]
    assert 1 <= base <= 60
    assert all(base - 1 <= retry <= base for retry in retry_afters), waits


def test_signed_in_users_are_counted_by_id_across_addresses(limited_server: LiveServer) -> None:
    away_from_window_edge()
    responses = []
    for _ in range(6):
        with httpx.Client(
            base_url=limited_server.base_url,
            headers={
                "X-Forwarded-For": fresh_ip(),
                "Authorization": f"Bearer {limited_server.credentials['user']}",
            },
        ) as signed_in:
            responses.append(signed_in.get("/api/v1/os/"))
    assert [r.status_code for r in responses] == [200] * 6
    assert [r.headers["ratelimit-remaining"] for r in responses] == ["5", "4", "3", "2", "1", "0"]
    assert responses[0].headers["ratelimit-limit"] == "6"
    with httpx.Client(
        base_url=limited_server.base_url,
        headers={
            "X-Forwarded-For": fresh_ip(),
            "Authorization": f"Bearer {limited_server.credentials['user']}",
        },
    ) as signed_in:
        assert signed_in.get("/api/v1/os/").status_code == 429


def test_staff_get_the_staff_limit(limited_server: LiveServer) -> None:
    with client(limited_server, "staff") as staff:
        response = staff.get("/api/v1/release-cycle/")
    assert response.headers["ratelimit-limit"] == "8"


def nobody() -> dict[str, str]:
    """A sign-in for an account no other test names (sign-ins are also counted per account)."""
    return {"username": f"nobody-{token(8)}", "password": "wrong-password"}


def test_auth_endpoints_are_critical(limited_server: LiveServer) -> None:
    with client(limited_server) as anon:
        body = nobody()
        statuses = [anon.post("/api/auth/login", json=body).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_tiers_are_counted_separately(limited: LiveServer) -> None:
    with client(limited) as anon:
        for _ in range(2):
            anon.post("/api/auth/login", json=nobody())
        assert anon.post("/api/auth/login", json=nobody()).status_code == 429
        assert anon.get("/api/v1/releases/latest").status_code == 200


def test_a_token_buys_no_more_sign_ins_or_registrations(limited_server: LiveServer) -> None:
    """Signing in and registering are counted by address with the anonymous limit (2 here),
    even for a caller sending a valid token (whose own CRITICAL limit is 3)."""
    away_from_window_edge(20)  # six password hashes, slow on a loaded machine, in one window
    ip = fresh_ip()
    with client(limited_server, "user", ip=ip) as signed_in:
        statuses = [signed_in.post("/api/auth/login", json=nobody()).status_code for _ in range(3)]
        assert statuses == [401, 401, 429]
        bodies = [
            UserFactory.body(
                username=f"u{token(8)}",
                email=f"{token(32)}@e.org",
                password="correct horse battery",
            )
            for _ in range(3)
        ]
        made = [signed_in.post("/api/auth/register", json=body).status_code for body in bodies]
        assert made == [201, 201, 429]
    with client(limited_server, ip=ip) as anon:  # the same address, anonymous: the same counters
        assert anon.post("/api/auth/login", json=nobody()).status_code == 429


def test_one_account_is_one_count_by_username_or_e_mail(limited_server: LiveServer) -> None:
    """Issue 24: the username and the e-mail were counted apart (twice the tries)."""
    away_from_window_edge(20)
    name = f"u{token(8)}"
    with client(limited_server) as anon:
        made = anon.post(
            "/api/auth/register",
            json={"username": name, "email": f"{name}@e.org", "password": "correct horse battery"},
        )
        assert made.status_code == 201, made.text
    tries = [
        {"username": name, "password": "wrong-password"},
        {"email": f"{name.upper()}@E.ORG", "password": "wrong-password"},
        {"username": name.upper(), "password": "correct horse battery"},
    ]
    statuses = []
    for body in tries:
        with client(limited_server) as anon:  # a new address each time
            statuses.append(anon.post("/api/auth/login", json=body).status_code)
    assert statuses == [401, 401, 429]


def test_sign_ins_are_counted_per_account_across_addresses(limited_server: LiveServer) -> None:
    body = nobody()
    statuses = []
    for _ in range(3):
        with client(limited_server) as anon:  # a new address each time
            statuses.append(anon.post("/api/auth/login", json=body))
    assert [r.status_code for r in statuses] == [401, 401, 429]
    refused = statuses[2]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json() == {
        "detail": f"Rate limit exceeded. Try again in {refused.headers['retry-after']} seconds.",
        "status_code": 429,
        "extra": {},
    }
    with client(limited_server) as anon:  # another account from a new address is not held back
        assert anon.post("/api/auth/login", json=nobody()).status_code == 401


def test_endpoint_groups_are_counted_apart(limited: LiveServer) -> None:
    """Searching the job board does not lock an address out of signing in (both CRITICAL)."""
    with client(limited) as anon:
        searches = [anon.post("/api/v1/jobs/search", json={"query": "python"}) for _ in range(3)]
        assert [r.status_code for r in searches] == [200, 200, 429]
        assert anon.post("/api/auth/login", json=nobody()).status_code == 401


def test_addresses_are_counted_separately(limited: LiveServer) -> None:
    with client(limited) as first:
        for _ in range(4):
            first.get("/api/v1/os/")
        assert first.get("/api/v1/os/").status_code == 429
    with client(limited) as second:
        assert second.get("/api/v1/os/").status_code == 200


def test_probes_and_docs_are_not_limited(limited: LiveServer) -> None:
    with client(limited) as anon:
        for _ in range(10):
            response = anon.get("/health")
            assert response.status_code == 200
        assert "ratelimit-limit" not in response.headers
        assert anon.get("/api/openapi.json").status_code == 200


def test_every_operation_documents_its_tier(limited_server: LiveServer) -> None:
    with client(limited_server) as anon:
        spec = anon.get("/api/openapi.json").json()
    for path, item in spec["paths"].items():
        if not path.startswith(("/api/v1", "/api/auth")):
            continue
        for method, op in item.items():
            assert "**Rate limit:**" in op.get("description", ""), f"{method} {path}"
    latest = spec["paths"]["/api/v1/releases/latest"]["get"]["description"]
    assert "LOW tier" in latest and "4 requests per minute anonymous" in latest
    assert "CRITICAL tier" in spec["paths"]["/api/auth/login"]["post"]["description"]


# Units --------------------------------------------------------------------------------------


def test_guide_numbers_are_the_defaults() -> None:
    limits = Limits.parse("")
    assert limits.table == {
        Tier.CRITICAL: (5, 20, 100),
        Tier.HIGH: (20, 60, 300),
        Tier.MEDIUM: (60, 180, 900),
        Tier.LOW: (120, 300, 1500),
    }
    assert Limits.parse("low=1/2/3").table[Tier.LOW] == (1, 2, 3)
    with pytest.raises(ValueError, match="LOW=120/300/1500"):
        Limits.parse("LOW=1/2")


def _scope(peer: str, forwarded: str | None) -> dict[str, Any]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"client": (peer, 1234), "headers": headers}


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "192.0.2.1"),
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),
        (2, "6.6.6.6, 1.2.3.4", "6.6.6.6"),
        (3, "1.2.3.4", "1.2.3.4"),
        (1, "not-an-ip", "192.0.2.1"),
        (1, None, "192.0.2.1"),
    ],
)
def test_forwarded_for_is_believed_only_for_trusted_hops(
    hops: int, forwarded: str | None, expected: str
) -> None:
    assert client_address(_scope("192.0.2.1", forwarded), hops) == expected  # type: ignore[arg-type]
