"""Reading the search index of a test server's database directly."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from tests.support import LiveServer


def indexed(server: LiveServer, sponsor_id: int) -> bool:
    """Whether the sponsor has a document in the site-wide search index."""
    from pydotorg.db.engine import create_engine, create_sessionmaker
    from pydotorg.search.models import SearchDocument

    async def look() -> bool:
        engine = create_engine(server.database_url, pool=False)
        try:
            async with create_sessionmaker(engine)() as session:
                found = await session.scalar(
                    select(SearchDocument.id).where(
                        SearchDocument.kind == "sponsor", SearchDocument.object_id == sponsor_id
                    )
                )
                return found is not None
        finally:
            await engine.dispose()

    return asyncio.run(look())
