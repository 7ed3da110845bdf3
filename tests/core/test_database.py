"""A write the database refuses means the same to the client on every engine: a unique value
already taken is a 422 naming the field, whoever won the race; anything else is a 409."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from pydotorg.accounts.models import ApiKey, User
from pydotorg.core.database import commit_or_conflict
from pydotorg.core.exceptions import ConflictError, DomainError, DuplicateError, FieldError
from pydotorg.db.base import Base
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.downloads.models import OS
from pydotorg.search.models import SearchDocument
from tests.support import LiveServer


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
    name = f"c{uuid.uuid4().hex[:10]}"
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
    slug = f"os-{uuid.uuid4().hex[:8]}"
    error = refusal(server, OS(name="A", slug=slug), OS(name="B", slug=slug))
    assert isinstance(error, FieldError) and error.field == "slug"


def test_a_constraint_over_several_columns_is_a_422_naming_no_field(server: LiveServer) -> None:
    kind = f"k{uuid.uuid4().hex[:8]}"
    error = refusal(
        server, SearchDocument(kind=kind, object_id=1), SearchDocument(kind=kind, object_id=1)
    )
    assert isinstance(error, DuplicateError) and error.status_code == 422
    assert error.extra["errors"][0]["field"] is None


def test_a_row_referred_to_that_is_gone_is_a_409(server: LiveServer) -> None:
    error = refusal(
        server, ApiKey(user_id=2_000_000_000, name="k", prefix=uuid.uuid4().hex[:12], key_hash="x")
    )
    assert isinstance(error, ConflictError) and error.status_code == 409
