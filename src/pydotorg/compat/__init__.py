"""python.org's own API, served faithfully: the ``/api/v1/`` (Tastypie) and ``/api/v2/``
(Django REST framework) endpoints that python.org's real clients call, as adapters over the
same services as the rest of the API. They translate shapes, parameters and error bodies
(``core.dialects``); every rule stays in the domain it belongs to."""

from litestar.openapi.spec import Tag

from pydotorg.core.domain import Domain

DOMAIN = Domain(
    __name__,
    tags=[
        Tag(
            name="python.org v1",
            description="python.org's Tastypie API (`/api/v1/downloads/`, `/api/v1/pages/`), "
            "as the release managers' tooling calls it: `{meta, objects}` lists, relative "
            "`resource_uri`s, `Authorization: ApiKey <username>:<key>` for staff writes.",
        ),
        Tag(
            name="python.org v2",
            description="python.org's Django REST framework API (`/api/v2/`), as Renovate, "
            "cibuildwheel, PyPI's sponsor sync and others call it: bare arrays, absolute "
            "hyperlinks, `Authorization: Token <key>`.",
        ),
    ],
)
