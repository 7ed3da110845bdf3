"""Site-wide search and autocomplete over every domain's declared indexes, on each
database's own full-text engine."""

from litestar.openapi.spec import Tag

from pydotorg.core.domain import Domain
from pydotorg.search import indexing

indexing.install()  # every ORM session indexes what it writes, whoever opened it

DOMAIN = Domain(
    __name__,
    tags=[
        Tag(
            name="Search",
            description="Full-text search and autocomplete over releases, jobs, events, pages, "
            "blogs, success stories and community posts.",
        )
    ],
)
