"""Index the rows written without the ORM (the seeds' bulk inserts): through the indexes'
declarations, like every other write."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.search.indexing import index_missing, registry


async def seed(session: AsyncSession) -> dict[str, int]:
    added = 0
    for spec in registry().values():
        added += await index_missing(session, spec)
    return {"search_documents": added} if added else {}
