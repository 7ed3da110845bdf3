"""A small key-value table for facts about the database itself (when it was seeded, and so on)."""

from __future__ import annotations

from sqlalchemy import String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base


class ServiceMeta(Base):
    __tablename__ = "service_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


async def get_meta(session: AsyncSession, key: str) -> str | None:
    return await session.scalar(select(ServiceMeta.value).where(ServiceMeta.key == key))


async def set_meta(session: AsyncSession, key: str, value: str) -> None:
    row = await session.get(ServiceMeta, key)
    if row is None:
        session.add(ServiceMeta(key=key, value=value))
    else:
        row.value = value
