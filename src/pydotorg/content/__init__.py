"""Content: pages, blogs, success stories and community posts, with bodies rendered on write."""

from litestar.openapi.spec import Tag

from pydotorg.core.domain import Domain

DOMAIN = Domain(
    __name__,
    tags=[
        Tag(name="Pages", description="Site pages at their paths, rendered and sanitised."),
        Tag(name="Blogs", description="Blog feeds aggregated by python.org and their entries."),
        Tag(name="Success stories", description="How Python is used, by company and field."),
        Tag(name="Community", description="Community posts and their media."),
    ],
    demo=True,
)
