"""python.org's ``/api/v2/sponsors/logo-placement/`` and ``/api/v2/sponsors/sponsorship-assets/``,
as PyPI's sponsor sync and the PyCon US app call them, over the sponsors domain's services.

What is python.org's here and nowhere else: the shape of an item (``sponsor_id`` a string,
contacts without ids or phones), Django REST framework's reading of the query (a blank optional
parameter is no parameter; each invalid one is named in one 400 body with DRF's words), and
its order of checks (the permission before the query). Who may read, what is listed and how
descriptions and links are made stay in ``sponsors.placement_services`` and
``sponsors.asset_services``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec
from litestar import Request, get, route
from litestar.di import NamedDependency
from litestar.params import Parameter

from pydotorg.compat.dialects import DRF
from pydotorg.compat.v2.authentication import token_or_guide_credentials
from pydotorg.compat.v2.drf import refusals
from pydotorg.core.auth import CREDENTIALS_KEY, Access
from pydotorg.core.dialects import DIALECT_KEY
from pydotorg.core.endpoints import ApiController
from pydotorg.core.exceptions import DomainError, MethodNotAllowedError
from pydotorg.core.services import services
from pydotorg.sponsors.asset_services import AssetService
from pydotorg.sponsors.models import FLIGHTS, PUBLISHERS
from pydotorg.sponsors.placement_services import LogoPlacementService
from pydotorg.sponsors.schemas import (
    LogoPlacementFields,
    LogoPlacementRead,
    PublishedAssetRead,
)

_INTEGER = re.compile(r"^-?[0-9]{1,10}$")
_INT32 = 2**31 - 1
_TRUE = frozenset(
    {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE"} | {"on", "On", "ON", "1"}
)
_FALSE = frozenset(
    {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE"} | {"off", "Off", "OFF", "0"}
)


class ContactV2(msgspec.Struct):
    name: str
    email: str
    primary: bool
    administrative: bool
    accounting: bool
    manager: bool


class LogoPlacementV2(LogoPlacementFields):
    """One item of python.org's ``LogoPlacementSerializer``, in its field order."""

    contacts: list[ContactV2]
    """Staff see the sponsor's contacts; anyone else an empty list (see the README)."""


def v2_placement(item: LogoPlacementRead) -> LogoPlacementV2:
    contacts = [
        ContactV2(c.name, c.email, c.primary, c.administrative, c.accounting, c.manager)
        for c in item.contacts or ()
    ]
    shared = {name: getattr(item, name) for name in LogoPlacementFields.__struct_fields__}
    return LogoPlacementV2(**shared, contacts=contacts)


class QueryErrors:
    """Django REST framework's validation of a query: every invalid field, then one 400."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message, "source": "query"})

    def choice(self, field: str, value: str | None, choices: tuple[str, ...]) -> str | None:
        if not value:  # DRF: a blank optional parameter is no parameter
            return None
        if value not in choices:
            self.add(field, f'"{value}" is not a valid choice.')
            return None
        return value

    def integer(self, field: str, value: str | None) -> int | None:
        if not value:
            return None
        if not _INTEGER.match(value):
            self.add(field, "A valid integer is required.")
            return None
        number = int(value)
        if number > _INT32:
            self.add(field, f"Ensure this value is less than or equal to {_INT32}.")
        elif number < -_INT32 - 1:
            self.add(field, f"Ensure this value is greater than or equal to {-_INT32 - 1}.")
        else:
            return number
        return None

    def boolean(self, field: str, value: str | None) -> bool:
        if not value or value in _FALSE:
            return False
        if value in _TRUE:
            return True
        self.add(field, "Must be a valid boolean.")
        return False

    def required_text(self, field: str, value: str | None, max_length: int) -> str:
        if value is None:
            self.add(field, "This field is required.")
            return ""
        value = value.strip()
        if not value:
            self.add(field, "This field may not be blank.")
        elif len(value) > max_length:
            self.add(field, f"Ensure this field has no more than {max_length} characters.")
        return value

    def check(self) -> None:
        if self.errors:
            raise DomainError("Invalid query parameters.", extra={"errors": self.errors})


PublisherQ = Annotated[
    str | None,
    Parameter(
        description="Only placements of this publisher (blank: any); anything else is a 400 "
        "naming it.",
        schema_extra={"enum": ["", *PUBLISHERS]},
    ),
]
FlightQ = Annotated[
    str | None,
    Parameter(
        description="Only placements on this flight (blank: any); anything else is a 400 "
        "naming it.",
        schema_extra={"enum": ["", *FLIGHTS]},
    ),
]
YearQ = Annotated[
    str | None,
    Parameter(description="Only sponsorships of this year (an integer, else a 400 naming it)."),
]
InternalNameQ = Annotated[
    str | None,
    Parameter(
        description="The assets of this name (required; at most 128 characters).",
        required=True,
    ),
]
ListEmptyQ = Annotated[
    str | None,
    Parameter(
        description="`true` also lists assets without a value (DRF's booleans: true/false, "
        "1/0, yes/no, on/off).",
    ),
]


class SponsorsV2Controller(ApiController):
    """What sponsors publish, read by staff and by accounts with ``sponsor_publisher``."""

    path = "/api/v2/sponsors"
    tags = ["python.org v2"]
    opt = {DIALECT_KEY: DRF, CREDENTIALS_KEY: token_or_guide_credentials}
    read_access = Access.SIGNED_IN
    dependencies = services(placements=LogoPlacementService, assets=AssetService)

    @route(
        ["/logo-placement", "/sponsorship-assets"],
        http_method=["POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
        status_code=405,
        access=Access.SIGNED_IN,
        refuses=True,
    )
    async def refuse_writes(
        self, request: Request[Any, Any, Any], placements: NamedDependency[LogoPlacementService]
    ) -> None:
        """Django REST framework's order: the publisher permission, then the method."""
        await placements.require_publisher()
        raise MethodNotAllowedError(request.method, ("GET", "OPTIONS"))

    @get(
        "/logo-placement",
        operation_id="listPythonOrgLogoPlacements",
        summary="Sponsors' logo placements (python.org v2)",
        description="python.org's `LogoPlacementeAPIList`: one item per finalized sponsorship "
        "running today and logo-placement benefit it carries, filtered by `publisher`, "
        "`flight` and `year`. Staff, superusers and accounts granted `sponsor_publisher` may "
        "read it, with `Authorization: Token <key>` (or `Bearer`); anyone else gets 403, no "
        'credential or a bad one 401. Invalid filters: 400 `{"publisher": [...], '
        '"flight": [...]}`.',
    )
    async def logo_placements(
        self,
        placements: NamedDependency[LogoPlacementService],
        publisher: PublisherQ = None,
        flight: FlightQ = None,
        year: YearQ = None,
    ) -> list[LogoPlacementV2]:
        await placements.require_publisher()
        query = QueryErrors()
        chosen = (
            query.choice("publisher", publisher, PUBLISHERS),
            query.choice("flight", flight, FLIGHTS),
            query.integer("year", year),
        )
        query.check()
        return [v2_placement(item) for item in await placements.placements(*chosen)]

    @get(
        "/sponsorship-assets",
        operation_id="listPythonOrgSponsorshipAssets",
        summary="Sponsors' assets of one name (python.org v2)",
        description="python.org's `SponsorshipAssetsAPIList`: the assets of every sponsor and "
        "sponsorship under `internal_name`, those without a value only with "
        "`list_empty=true`. Who may read it: as for `/api/v2/sponsors/logo-placement/`. No "
        '`internal_name`: 400 `{"internal_name": ["This field is required."]}`.',
    )
    async def sponsorship_assets(
        self,
        assets: NamedDependency[AssetService],
        placements: NamedDependency[LogoPlacementService],
        internal_name: InternalNameQ = None,
        list_empty: ListEmptyQ = None,
    ) -> list[PublishedAssetRead]:
        await placements.require_publisher()
        query = QueryErrors()
        name = query.required_text("internal_name", internal_name, 128)
        empty_too = query.boolean("list_empty", list_empty)
        query.check()
        return await assets.published(name, empty_too)


refusals(SponsorsV2Controller)

ROUTES = [SponsorsV2Controller]
