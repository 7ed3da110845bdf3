"""Index the shipped rows no domain indexed as it seeded them (releases, events)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.search.services import index_rows, registry


async def seed(session: AsyncSession) -> dict[str, int]:
    added = 0
    for spec in registry().values():
        added += await index_rows(session, spec, missing_only=True)
    return {"search_documents": added} if added else {}
