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
        "blogs, success_stories, community, sponsors; none: all), among what the caller may "
        "see, on the database's own engine (SQLite FTS5, PostgreSQL full-text search). Words "
        'are all required; `"quoted words"` must stand side by side, `a or b` takes either, '
        "`-word` excludes. Hits holding every word in their title come first, then by `score` "
        "(the engine's relevance: title words weigh more than body words), then newest, index "
        "and id; each engine scores in its own way (README). When nothing matches, misspelt "
        "words are corrected to the nearest word of public documents and the search runs "
        "again. `X-Search-Counts` gives the matches per index (`pages=3, blogs=1000+`): exact "
        "up to 1,000; an index with more has its newest 100 matches, and its newest 100 "
        "holding every word in the title, ranked. `X-Total-Count` is the number of hits that "
        "can be paged through (then `X-Total-Count-Exact: false`), and `Link` the neighbouring "
        "pages: the same body posted to the linked URL, whose `limit` and `offset` replace the "
        "body's. An unknown index or an empty query is 400.",
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
        description="Words completing the last word of `q` in the titles found, the most "
        "frequent first, then the titles holding `q` at a word's start, each with the index it "
        "came from, among what the caller may see. `q` needs at least 2 letters or digits.",
    )
    async def autocomplete(
        self,
        service: NamedDependency[SearchService],
        q: Annotated[str, Parameter(max_length=200, description="What was typed so far.")],
        limit: Annotated[int, Parameter(ge=1, le=50, description="At most this many.")] = 10,
    ) -> list[Suggestion]:
        return await service.autocomplete(q, limit)


ROUTES = [SearchController]
