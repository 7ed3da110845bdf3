"""A write the database refuses means the same to the client on every engine: a unique value
already taken is a 422 naming the field, whoever won the race; anything else is a 409. A
request that finds every pooled connection busy waits a few seconds at most, then is a 503."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest
from sqlalchemy import make_url

from pydotorg.accounts.models import ApiKey, User
from pydotorg.core.exceptions import ConflictError, DomainError, DuplicateError, FieldError
from pydotorg.db.base import Base
from pydotorg.db.database import commit_or_conflict
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.downloads.models import OS
from pydotorg.search.models import SearchDocument
from tests.factories import token
from tests.support import LiveServer, same_database


def refusal(server: LiveServer, *rows: Base) -> DomainError:
    """What committing ``rows`` in one transaction raises; the last one breaks a constraint
    (found only at the commit, as when a concurrent request wins), so nothing is kept."""

    async def commit() -> DomainError:
        engine = create_engine(server.database_url, pool=False)
        try:
            async with create_sessionmaker(engine)() as session:
                *first, last = rows
                session.add_all(first)
                await session.flush()
                session.add(last)
                with pytest.raises(DomainError) as refused:
                    await commit_or_conflict(session)
                return refused.value
        finally:
            await engine.dispose()

    return asyncio.run(commit())


def names() -> tuple[str, str]:
    name = f"c{token()}"
    return name, f"{name}@example.org"


def test_a_username_taken_meanwhile_is_a_422_naming_it(server: LiveServer) -> None:
    name, email = names()
    error = refusal(
        server,
        User(username=name, email=email),
        User(username=name.upper(), email="other-" + email),
    )
    assert isinstance(error, FieldError) and error.status_code == 422
    assert error.extra["errors"][0]["field"] == "username"


def test_an_email_taken_meanwhile_is_a_422_naming_it(server: LiveServer) -> None:
    name, email = names()
    error = refusal(
        server, User(username=name, email=email), User(username=name + "x", email=email.upper())
    )
    assert isinstance(error, FieldError) and error.field == "email"


def test_a_unique_column_is_named_too(server: LiveServer) -> None:
    """SQLite names a constraint declared on a column by its table and column."""
    slug = f"os-{token(8)}"
    error = refusal(server, OS(name="A", slug=slug), OS(name="B", slug=slug))
    assert isinstance(error, FieldError) and error.field == "slug"


def test_a_constraint_over_several_columns_is_a_422_naming_no_field(server: LiveServer) -> None:
    kind = f"k{token(8)}"
    error = refusal(
        server, SearchDocument(kind=kind, object_id=1), SearchDocument(kind=kind, object_id=1)
    )
    assert isinstance(error, DuplicateError) and error.status_code == 422
    assert error.extra["errors"][0]["field"] is None


def test_a_row_referred_to_that_is_gone_is_a_409(server: LiveServer) -> None:
    error = refusal(server, ApiKey(user_id=2_000_000_000, name="k", prefix=token(12), key_hash="x"))
    assert isinstance(error, ConflictError) and error.status_code == 409


@asynccontextmanager
async def writes_blocked(server: LiveServer) -> AsyncIterator[None]:
    """Hold a lock that makes the server's writes to calendars wait: SQLite's write lock (a
    write waits its busy timeout, 5 s, then gives up), PostgreSQL's lock on the table (a write
    waits until it is released)."""
    url = make_url(server.database_url)
    if server.engine == "sqlite":
        holder = sqlite3.connect(str(url.database), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    connection = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    transaction = connection.transaction()
    await transaction.start()
    await connection.execute("LOCK TABLE event_calendar IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        await transaction.rollback()
        await connection.close()


async def blocked_writes(server: LiveServer) -> int:
    """How many of the server's statements wait for the lock (PostgreSQL only)."""
    url = make_url(server.database_url).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(False))
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = "
            "'event_calendar'::regclass"
        )
        return count
    finally:
        await connection.close()


def test_a_request_waits_for_a_pooled_connection_a_few_seconds_at_most(
    server: LiveServer,
) -> None:
    """Every pooled connection is held by a write waiting for a lock (for 5 s on SQLite, for as
    long as the lock is held on PostgreSQL, here 8 s): a read that needs a connection waits
    ``DATABASE_POOL_TIMEOUT`` (1 s), not 30, then is a 503 with ``Retry-After``."""
    holders = 1 if server.engine == "sqlite" else 2  # PostgreSQL opens as many again as it keeps

    async def scenario(live: LiveServer) -> httpx.Response:
        auth = {"Authorization": f"Bearer {live.credentials['staff']}"}
        async with (
            httpx.AsyncClient(base_url=live.base_url, headers=auth, timeout=60) as staff,
            httpx.AsyncClient(base_url=live.base_url, timeout=60) as anon,
        ):
            async with writes_blocked(live):
                writes = [
                    asyncio.create_task(
                        staff.post(
                            "/api/v1/calendars/",
                            json={"name": "Held", "slug": f"held-{token(8)}"},
                        )
                    )
                    for _ in range(holders)
                ]
                if live.engine == "sqlite":
                    await asyncio.sleep(1)  # the write holds its connection for 5 s from now
                else:
                    for _ in range(100):
                        if await blocked_writes(live) >= holders:
                            break
                        await asyncio.sleep(0.1)
                    else:
                        pytest.fail("the writes never waited for the lock")
                read = asyncio.create_task(anon.get("/api/v1/events/", params={"limit": 1}))
                done, _ = await asyncio.wait([read], timeout=8)
            answer = await read
            await asyncio.gather(*writes)
            assert done, "the read was answered only once the lock was released"
            again = await anon.get("/api/v1/events/", params={"limit": 2})
            assert again.status_code == 200, again.text
            return answer

    with same_database(
        server, database_pool_size=1, database_pool_timeout=1.0, response_cache=False
    ) as live:
        answer = asyncio.run(scenario(live))
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "5"
    assert answer.json()["detail"] == "Database unavailable."
