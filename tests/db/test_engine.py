"""The engine every process uses."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from pydotorg.db.engine import create_engine
from tests.factories import token
from tests.support import LiveServer


def test_errors_never_show_a_statements_values(server: LiveServer) -> None:
    secret = f"secret-{token(32)}"

    async def fail() -> str:
        engine = create_engine(server.database_url, pool=False)
        try:
            async with engine.connect() as connection:
                await connection.execute(
                    text("SELECT id FROM no_such_table WHERE name = :name"), {"name": secret}
                )
        except DBAPIError as exc:
            return str(exc)
        finally:
            await engine.dispose()
        raise AssertionError("the statement should have failed")

    message = asyncio.run(fail())
    assert "no_such_table" in message and "hidden" in message
    assert secret not in message
