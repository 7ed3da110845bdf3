"""HTTP endpoints of the sponsors domain. Thin: the services do the work."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter, PathParameter

from pydotorg.core.auth import Access
from pydotorg.core.endpoints import SUBMISSION, ApiController
from pydotorg.core.pagination import Page, Window
from pydotorg.core.parameters import Key, Query, Ref
from pydotorg.core.resources import MAX_ID, ResourceController
from pydotorg.core.services import services
from pydotorg.sponsors.asset_services import AssetService
from pydotorg.sponsors.placement_services import LogoPlacementService
from pydotorg.sponsors.schemas import (
    Flight,
    LogoPlacementRead,
    Publisher,
    PublisherRead,
    SponsorApplication,
    SponsorshipRead,
)
from pydotorg.sponsors.services import (
    BenefitService,
    PackageService,
    ProgramService,
    SponsorFilters,
    SponsorService,
    SponsorshipFilters,
    SponsorshipService,
)

YearFilter = Annotated[int | None, Parameter(ge=1990, le=2100, description="Sponsorship year.")]
UserId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="The account's id.")]


async def sponsor_filters(
    package: Query[Key, Parameter(description="Package slug, e.g. 'visionary'.")] = None,
    year: Query[
        YearFilter, Parameter(description="Sponsors with a finalized sponsorship of this year.")
    ] = None,
    q: Query[Key, Parameter(description="Name contains.")] = None,
    all: Annotated[
        bool, Parameter(description="Every sponsor, in any state (staff only).")
    ] = False,
) -> SponsorFilters:
    return SponsorFilters(package, year, q, all)


async def sponsorship_filters(
    status: Annotated[
        Literal["applied", "approved", "rejected", "finalized"] | None,
        Parameter(description="Only sponsorships in this state (not finalized: staff only)."),
    ] = None,
    year: YearFilter = None,
    sponsor: Query[Ref, Parameter(description="Sponsor id.")] = None,
) -> SponsorshipFilters:
    return SponsorshipFilters(status, year, sponsor)


class SponsorController(ResourceController):
    """Public sponsors; applications by signed-in users; staff CRUD; logo placements."""

    path = "/api/v1/sponsors"
    tags = ["Sponsors"]
    service, noun, plural = SponsorService, "Sponsor", "Sponsors"
    filters = sponsor_filters
    dependencies = services(sponsorships=SponsorshipService, placements=LogoPlacementService)
    options = {
        "list": {
            "description": "Sponsors whose finalized sponsorship runs today, by name; `year` "
            "lists those of a year instead, and staff may list every sponsor with `all=true` "
            "(403 for anyone else). Contacts are shown to staff only.",
            "errors": (403,),
        },
        "get": {"description": "Public once a sponsorship is finalized; applicants see theirs."},
    }

    @post(
        "/apply",
        operation_id="applyForSponsorship",
        summary="Apply for a sponsorship package",
        description="Creates the sponsor and an `applied` sponsorship, which staff review.",
        **SUBMISSION,
        status_code=201,
    )
    async def apply(
        self,
        data: JSONBody[SponsorApplication],
        sponsorships: NamedDependency[SponsorshipService],
    ) -> SponsorshipRead:
        return await sponsorships.apply(data)

    @get(
        "/mine",
        operation_id="listMySponsorships",
        summary="Your sponsorship applications, in every state",
        access=Access.SIGNED_IN,
    )
    async def mine(
        self, sponsorships: NamedDependency[SponsorshipService], window: NamedDependency[Window]
    ) -> Page[SponsorshipRead]:
        return await sponsorships.mine(window)

    @get(
        "/logo-placements",
        operation_id="listLogoPlacements",
        summary="Sponsors' logo placements (staff and sponsor publishers)",
        description="python.org's `/api/v2/sponsors/logo-placement/`: one item per finalized "
        "sponsorship running today and logo-placement benefit. Accounts need the "
        "`sponsor_publisher` permission (granted by staff), or staff.",
        access=Access.SIGNED_IN,
    )
    async def logo_placements(
        self,
        placements: NamedDependency[LogoPlacementService],
        publisher: Annotated[Publisher | None, Parameter(description="Publisher.")] = None,
        flight: Annotated[Flight | None, Parameter(description="Where the logo goes.")] = None,
        year: YearFilter = None,
    ) -> list[LogoPlacementRead]:
        return await placements.placements(publisher, flight, year)


class PackageController(ResourceController):
    path = "/api/v1/sponsors/packages"
    tags = ["Sponsors"]
    service, noun, plural = PackageService, "SponsorshipPackage", "SponsorshipPackages"
    options = {"list": {"description": "The programme's packages and prices, in order."}}


class BenefitController(ResourceController):
    path = "/api/v1/sponsors/benefits"
    tags = ["Sponsors"]
    service, noun, plural = BenefitService, "SponsorshipBenefit", "SponsorshipBenefits"


class ProgramController(ResourceController):
    path = "/api/v1/sponsors/programs"
    tags = ["Sponsors"]
    service, noun, plural = ProgramService, "SponsorshipProgram", "SponsorshipPrograms"
    operations = ("list", "get")


class SponsorshipController(ResourceController):
    path = "/api/v1/sponsors/sponsorships"
    tags = ["Sponsors"]
    service, noun, plural = SponsorshipService, "Sponsorship", "Sponsorships"
    operations = ("list", "get", "create")
    filters = sponsorship_filters
    options = {
        "list": {
            "description": "Anyone sees finalized sponsorships running today (any finalized "
            "one with `status=finalized`); applicants also see theirs, staff see all."
        },
        "create": {"summary": "Record a sponsorship (staff)", "status_code": 201},
    }


class PublisherController(ApiController):
    """Who holds the ``sponsor_publisher`` permission (staff only)."""

    path = "/api/v1/sponsors/publishers"
    tags = ["Sponsors"]
    read_access = Access.STAFF
    dependencies = services(placements=LogoPlacementService)

    @get("/", operation_id="listSponsorPublishers", summary="Sponsor publishers (staff)")
    async def list_all(
        self, placements: NamedDependency[LogoPlacementService]
    ) -> list[PublisherRead]:
        return await placements.publishers()

    @put(
        "/{user_id:int}",
        operation_id="grantSponsorPublisher",
        summary="Grant an account the sponsor_publisher permission (staff)",
    )
    async def grant(
        self, user_id: UserId, placements: NamedDependency[LogoPlacementService]
    ) -> PublisherRead:
        return await placements.grant(user_id)

    @delete(
        "/{user_id:int}",
        operation_id="revokeSponsorPublisher",
        summary="Revoke an account's sponsor_publisher permission (staff)",
    )
    async def revoke(
        self, user_id: UserId, placements: NamedDependency[LogoPlacementService]
    ) -> None:
        await placements.revoke(user_id)


class AssetController(ResourceController):
    """Assets sponsors and sponsorships supply for benefits (staff only)."""

    path = "/api/v1/sponsors/assets"
    tags = ["Sponsors"]
    read_access = Access.STAFF
    service, noun, plural = AssetService, "SponsorAsset", "SponsorAssets"
    options = {
        "list": {"description": "Every asset, by id (staff)."},
        "create": {
            "description": "An asset of a sponsor (`sponsor_id`) or of one of its "
            "sponsorships (`sponsorship_id`), under the `internal_name` a benefit asks it by; "
            "an owner has one asset of each name (else 422 naming `internal_name`)."
        },
    }


ROUTES = [
    SponsorController,
    PackageController,
    BenefitController,
    ProgramController,
    SponsorshipController,
    PublisherController,
    AssetController,
]
