"""Request and response bodies of the sponsors domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from pydotorg.accounts.schemas import Email
from pydotorg.core.schemas import (
    Description,
    Name,
    NamedRowCreate,
    NamedRowRead,
    OptionalUrl,
    Ref,
    Slug,
    WriteSchema,
    free_text,
    one_line,
    patch_of,
)

Publisher = Literal["psf", "pycon", "pypi", "core"]
Flight = Literal[
    "sidebar", "sponsors", "jobs", "blogpost", "footer", "docs", "download", "devguide"
]
Amount = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
Order = Annotated[int, msgspec.Meta(ge=0, le=10_000)]
Year = Annotated[int, msgspec.Meta(ge=1990, le=2100)]
Quantity = Annotated[int, msgspec.Meta(ge=0, le=100_000)]


class ProgramRead(msgspec.Struct):
    id: int
    name: str
    order: int


class PackageRead(NamedRowRead):
    sponsorship_amount: int
    order: int
    year: int | None
    advertise: bool
    logo_dimension: int
    resource_uri: str


class PackageCreate(NamedRowCreate):
    sponsorship_amount: Amount
    order: Order = 0
    year: Year | None = None
    advertise: bool = True
    logo_dimension: Annotated[int, msgspec.Meta(ge=1, le=2000)] = 175


PackageUpdate = patch_of(PackageCreate)


class LogoPlacementConfig(msgspec.Struct):
    publisher: Publisher
    flight: Flight
    link_to_sponsors_page: bool = False
    describe_as_sponsor: bool = False


class BenefitRead(msgspec.Struct):
    id: int
    name: str
    program: ProgramRead
    order: int
    logo_placement: LogoPlacementConfig | None
    quantities: dict[str, int]
    """Tiered quantities, by package slug."""
    resource_uri: str


class BenefitCreate(WriteSchema):
    name: Name
    program_id: Ref
    order: Order = 0
    logo_placement: LogoPlacementConfig | None = None
    quantities: Annotated[
        dict[Annotated[str, one_line(200)], Quantity], msgspec.Meta(max_length=50)
    ] = msgspec.field(default_factory=dict)


BenefitUpdate = patch_of(BenefitCreate)


class ContactRead(msgspec.Struct):
    id: int
    name: str
    email: str
    phone: str
    primary: bool
    administrative: bool
    accounting: bool
    manager: bool


class ContactCreate(WriteSchema):
    name: Name
    email: Email
    phone: Annotated[str, one_line(50)] = ""
    primary: bool = True
    administrative: bool = False
    accounting: bool = False
    manager: bool = False


class SponsorRead(NamedRowRead):
    description: str
    landing_page_url: str
    web_logo: str
    print_logo: str
    twitter_handle: str
    linked_in_page_url: str
    country: str
    contacts: list[ContactRead] | None
    """Staff only: null for everyone else."""
    resource_uri: str


class SponsorCreate(WriteSchema):
    name: Name
    slug: Slug | None = None
    description: Description = ""
    landing_page_url: OptionalUrl = ""
    web_logo: OptionalUrl = ""
    print_logo: OptionalUrl = ""
    twitter_handle: Annotated[str, one_line(50)] = ""
    linked_in_page_url: OptionalUrl = ""
    country: Annotated[str, one_line(100)] = ""
    contacts: Annotated[list[ContactCreate], msgspec.Meta(max_length=10)] = msgspec.field(
        default_factory=list
    )


SponsorUpdate = patch_of(SponsorCreate, not_null=("slug",))


class SponsorshipRead(msgspec.Struct):
    id: int
    sponsor: SponsorRead
    package: PackageRead | None
    status: str
    year: int | None
    start_date: date | None
    end_date: date | None
    fee: int | None
    benefits: list[BenefitRead]
    rejection_reason: str | None
    """The applicant and staff read it; null for everyone else."""
    applied_on: datetime | None
    approved_on: datetime | None
    finalized_on: datetime | None
    resource_uri: str


class SponsorshipCreate(WriteSchema):
    """A sponsorship staff record directly (finalized: python.org's past sponsors)."""

    sponsor_id: Ref
    package_id: Ref | None = None
    status: Literal["applied", "approved", "finalized"] = "applied"
    year: Year | None = None
    start_date: date | None = None
    end_date: date | None = None
    fee: Amount | None = None
    benefit_ids: Annotated[list[Ref], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )


class SponsorApplication(WriteSchema):
    """A company applies for a package, choosing benefits of the programme."""

    sponsor: SponsorCreate
    contact: ContactCreate
    package_id: Ref
    benefit_ids: Annotated[list[Ref], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )
    year: Year | None = None


class PublisherRead(msgspec.Struct):
    user_id: int
    granted: datetime


class LogoPlacementFields(msgspec.Struct):
    """What a logo placement says in every shape (this API's and python.org's v2), in
    python.org's field order; each shape adds its ``contacts``."""

    publisher: str
    flight: str
    sponsor: str
    sponsor_id: str
    sponsor_slug: str
    description: str
    logo: str
    white_logo: str | None
    start_date: date | None
    end_date: date | None
    sponsor_url: str | None
    level_name: str
    level_order: int


class LogoPlacementRead(LogoPlacementFields):
    """One logo of one finalised sponsorship on one publisher's flight (python.org's shape)."""

    contacts: list[ContactRead] | None
    """Staff only: null for publishers."""


InternalName = Annotated[
    str,
    one_line(
        128,
        min_length=1,
        description="The name benefits ask the asset by (python.org's `internal_name`).",
    ),
]
AssetValue = Annotated[
    str, free_text(10_000, description="The asset: a text, or the URL of a file or image.")
]


class AssetRead(msgspec.Struct):
    id: int
    uuid: str
    internal_name: str
    sponsor_id: int
    sponsorship_id: int | None
    """Set when the asset belongs to one sponsorship of the sponsor, not to the sponsor."""
    value: str
    created: datetime
    updated: datetime
    resource_uri: str


class AssetCreate(WriteSchema):
    """An asset of a sponsor (``sponsor_id``) or of one sponsorship (``sponsorship_id``)."""

    internal_name: InternalName
    sponsor_id: Ref | None = None
    sponsorship_id: Ref | None = None
    value: AssetValue = ""


class AssetUpdate(WriteSchema):
    """A new name or value; the owner of an asset never changes."""

    internal_name: InternalName | msgspec.UnsetType = msgspec.UNSET
    value: AssetValue | msgspec.UnsetType = msgspec.UNSET


class PublishedAssetRead(msgspec.Struct):
    """An asset as publishers read it (python.org's ``AssetSerializer``)."""

    internal_name: str
    uuid: str
    value: str
    content_type: Literal["Sponsor", "Sponsorship"]
    sponsor: str
    sponsor_slug: str
