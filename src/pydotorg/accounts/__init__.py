"""Users, their credentials and roles."""

from litestar.openapi.spec import Tag

from pydotorg.core.domain import Domain

DOMAIN = Domain(
    __name__,
    tags=[
        Tag(name="Authentication", description="Sign-in, tokens and API keys."),
        Tag(name="Users", description="User profiles and administration."),
    ],
)
