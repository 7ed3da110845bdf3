"""Bodies and answers of the site-wide search."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from pydotorg.core.schemas import WriteSchema

# The indexes the domains declare (``search.indexing.registry``), in their order.
INDEX_NAMES = (
    "releases",
    "events",
    "jobs",
    "pages",
    "blogs",
    "success_stories",
    "community",
    "sponsors",
)
IndexName = Annotated[
    str, msgspec.Meta(max_length=50, examples=["pages"], extra_json_schema={"enum": INDEX_NAMES})
]


class SearchQuery(WriteSchema):
    """The guide's search body, plus paging and a date range."""

    # Any text: only its words reach SQL, as bound parameters.
    # Declared, not checked here: the service refuses a blank query itself. (Litestar reads a
    # field's OpenAPI keywords from ``extra_json_schema["extra"]``.)
    query: Annotated[
        str,
        msgspec.Meta(
            max_length=10_000,
            examples=["asyncio tutorial"],
            extra_json_schema={"description": "Not blank.", "extra": {"pattern": r"\S"}},
        ),
    ]
    indexes: Annotated[list[IndexName], msgspec.Meta(max_length=20)] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20
    offset: Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)] = 0
    date_from: date | None = None
    date_to: date | None = None


class SearchHit(msgspec.Struct):
    index: str
    id: int
    title: str
    snippet: str
    url: str
    date: datetime | None
    score: float


class Suggestion(msgspec.Struct):
    text: str
    type: str
    index: str
