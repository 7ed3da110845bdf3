"""The job board: postings reviewed by staff before they are public, types, categories, feeds."""

from litestar.openapi.spec import Tag

from pydotorg.core.domain import Domain

DOMAIN = Domain(
    __name__,
    tags=[Tag(name="Jobs", description="The job board: postings reviewed by staff, feeds.")],
    demo=True,
)
