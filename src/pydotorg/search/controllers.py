"""``POST /api/v1/search/`` and ``GET /api/v1/search/autocomplete``."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from pydotorg.core.auth import Access
from pydotorg.core.endpoints import ApiController
from pydotorg.core.pagination import MAX_OFFSET, Page
from pydotorg.core.ratelimit import Tier
from pydotorg.core.services import services
from pydotorg.search.schemas import SearchHit, SearchQuery, Suggestion
from pydotorg.search.services import SearchService


class SearchController(ApiController):
    path = "/api/v1/search"
    tags = ["Search"]
    dependencies = services(service=SearchService)

    @post(
        "/",
        operation_id="search",
        summary="Search everything",
        description="Full-text search over the `indexes` named (releases, jobs, events, pages, "
        "blogs, success_stories, community; none: all), among what the caller may see. Hits "
        "are ranked by score (title above body words, the words side by side above scattered "
        "ones), then newest, then index and id: the same order on every database. When no "
        "document holds every word, misspelt words are corrected to the nearest indexed word "
        "and the search runs again. `X-Search-Counts` gives the matches per index (`pages=3, "
        "blogs=1000+`): exact up to 1,000; an index with more has its newest 100 matches "
        "ranked. `X-Total-Count` is the number of hits that can be paged through (then "
        "`X-Total-Count-Exact: false`), and `Link` the neighbouring pages: the same body "
        "posted to the linked URL, whose `limit` and `offset` replace the body's. An unknown "
        "index or an empty query is 400.",
        status_code=200,
        access=Access.PUBLIC,
        tier=Tier.CRITICAL,
        group="search",
    )
    async def search(
        self,
        data: JSONBody[SearchQuery],
        service: NamedDependency[SearchService],
        limit: Annotated[
            int | None,
            Parameter(ge=1, le=100, description="Replaces the body's `limit` (see `Link`)."),
        ] = None,
        offset: Annotated[
            int | None,
            Parameter(ge=0, le=MAX_OFFSET, description="Replaces the body's `offset`."),
        ] = None,
    ) -> Page[SearchHit]:
        if limit is not None:
            data = msgspec.structs.replace(data, limit=limit)
        if offset is not None:
            data = msgspec.structs.replace(data, offset=offset)
        return await service.search(data)

    @get(
        "/autocomplete",
        operation_id="searchAutocomplete",
        summary="Suggestions for a prefix",
        description="Frequent title words starting with the last word of `q`, then titles "
        "holding `q` at a word's start, each with the index it came from, among what the "
        "caller may see. `q` needs at least 2 letters or digits.",
    )
    async def autocomplete(
        self,
        service: NamedDependency[SearchService],
        q: Annotated[str, Parameter(max_length=200, description="What was typed so far.")],
        limit: Annotated[int, Parameter(ge=1, le=50, description="At most this many.")] = 10,
    ) -> list[Suggestion]:
        return await service.autocomplete(q, limit)


ROUTES = [SearchController]
