"""Sponsors of the PSF: the sponsorship programme, applications reviewed by staff, logo placements.

The programme (programmes, packages, benefits) is reference data and is always seeded; the
shipped sponsors (the PSF's sponsor-members of about 2018) are demo content.
"""

from litestar.openapi.spec import Tag

from pydotorg.core.domain import Domain

DOMAIN = Domain(
    __name__,
    tags=[
        Tag(
            name="Sponsors",
            description="Sponsors, the sponsorship programme, applications and logo placements.",
        )
    ],
)
