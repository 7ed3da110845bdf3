"""Site-wide search and autocomplete over every domain's declared indexes."""

from litestar.openapi.spec import Tag

from pydotorg.core.domain import Domain

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
