"""What a domain contributes to the service, declared once in its package.

A domain package (``pydotorg/downloads/``, ...) declares ``DOMAIN = Domain(__name__, tags=...)``
in its ``__init__.py`` and keeps the same files as every other: ``controllers.py`` with its
``ROUTES``, ``models.py`` with its tables and, if it ships data, ``seed.py`` with
``async def seed(session) -> dict[str, int]``; a domain whose records are demo content (events,
jobs, content) says ``demo=True``, and is not seeded when the operator asks for no demo content.
``pydotorg/domains.py`` lists the domains; the app, Alembic's metadata and seeding iterate that
one list.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.util import find_spec
from typing import Any

from litestar.openapi.spec import Tag
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Domain:
    """A domain package: its name, the OpenAPI tags its operations use, and whether what it
    seeds is demo content (``DEMO_CONTENT=0`` and ``pydotorg seed --no-demo`` skip it)."""

    package: str
    tags: Sequence[Tag] = field(default_factory=tuple)
    demo: bool = False

    def _module(self, name: str) -> Any:
        return importlib.import_module(f"{self.package}.{name}")

    def routes(self) -> list[Any]:
        """The controllers (and routers) of the domain, in ``controllers.ROUTES``."""
        return list(self._module("controllers").ROUTES)

    def load_models(self) -> None:
        """Import the domain's tables, so the shared metadata knows them."""
        self._module("models")

    def search_indexes(self) -> list[Any]:
        """The domain's indexes of the site-wide search: ``INDEXES`` of its ``indexes.py``
        (a list of :class:`pydotorg.core.search.IndexSpec`), if it has one."""
        if find_spec(f"{self.package}.indexes") is None:
            return []
        return list(self._module("indexes").INDEXES)

    async def seed(self, session: AsyncSession) -> dict[str, int]:
        """Add the domain's shipped records that are missing; how many rows each table gained."""
        if find_spec(f"{self.package}.seed") is None:
            return {}
        counts: dict[str, int] = await self._module("seed").seed(session)
        return counts
