"""What the sponsors API does: the programme catalogue, sponsors, sponsorships and their review.

A sponsor is public once one of its sponsorships is finalized; the list shows by default the
sponsors whose finalized sponsorship runs today. Contacts are for staff only. A sponsorship moves
applied -> approved or rejected, approved -> finalized, each a staff move; any other move is a
409 naming the allowed ones, and nothing changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

from pydotorg.core.exceptions import (
    ConflictError,
    FieldError,
    PermissionDeniedError,
)
from pydotorg.core.pagination import Page, Window
from pydotorg.core.queries import contains, free_slug
from pydotorg.core.resources import CrudService, to_schema
from pydotorg.core.schemas import changed_fields
from pydotorg.core.services import by_role
from pydotorg.core.text import slugify
from pydotorg.core.workflow import Move, Workflow
from pydotorg.sponsors.models import (
    Sponsor,
    SponsorContact,
    Sponsorship,
    SponsorshipBenefit,
    SponsorshipPackage,
    SponsorshipProgram,
)
from pydotorg.sponsors.schemas import (
    BenefitCreate,
    BenefitRead,
    ContactRead,
    LogoPlacementConfig,
    PackageCreate,
    PackageRead,
    ProgramRead,
    SponsorApplication,
    SponsorCreate,
    SponsorRead,
    SponsorshipCreate,
    SponsorshipRead,
)

APPLIED, APPROVED, REJECTED, FINALIZED = "applied", "approved", "rejected", "finalized"

WORKFLOW = Workflow(
    "sponsorship",
    {
        "approve": Move.of({APPLIED}, APPROVED, "staff", "Approve an application (staff)"),
        "reject": Move.of(
            {APPLIED},
            REJECTED,
            "staff",
            "Reject an application, with a reason for the applicant (staff)",
            reason=True,
        ),
        "finalize": Move.of(
            {APPROVED},
            FINALIZED,
            "staff",
            "Finalize an approved sponsorship (staff)",
            description="The sponsor becomes public, and its logo placements are published.",
        ),
    },
)


def sponsor_document(sponsor: Sponsor) -> tuple[str, str]:
    """The title and body a sponsor is found by in the site-wide search."""
    return sponsor.name, f"{sponsor.description} {sponsor.country}"


def finalized_sponsorship() -> ColumnElement[bool]:
    """The sponsor has a finalized sponsorship: it is public."""
    return exists().where(Sponsorship.sponsor_id == Sponsor.id, Sponsorship.status == FINALIZED)


def running(today: Any) -> ColumnElement[bool]:
    """A finalized sponsorship that runs on ``today``."""
    return and_(
        Sponsorship.status == FINALIZED,
        or_(Sponsorship.start_date.is_(None), Sponsorship.start_date <= today),
        or_(Sponsorship.end_date.is_(None), Sponsorship.end_date >= today),
    )


def program_read(program: SponsorshipProgram) -> ProgramRead:
    return to_schema(ProgramRead, program)


class ProgramService(CrudService[SponsorshipProgram, ProgramRead]):
    model, read_schema = SponsorshipProgram, ProgramRead

    @by_role
    def query(self) -> Select[SponsorshipProgram]:
        return select(SponsorshipProgram).order_by(SponsorshipProgram.order, SponsorshipProgram.id)


class PackageService(CrudService[SponsorshipPackage, PackageRead]):
    model, read_schema, create_schema = SponsorshipPackage, PackageRead, PackageCreate
    detail_route = "getSponsorshipPackage"

    @by_role
    def query(self) -> Select[SponsorshipPackage]:
        return select(SponsorshipPackage).order_by(SponsorshipPackage.order, SponsorshipPackage.id)

    async def before_delete(self, row: SponsorshipPackage) -> None:
        if await self.rows(Sponsorship).count(Sponsorship.package_id == row.id):
            raise ConflictError("Sponsorships of this package exist; it cannot be deleted.")


class BenefitService(CrudService[SponsorshipBenefit, BenefitRead]):
    model, read_schema, create_schema = SponsorshipBenefit, BenefitRead, BenefitCreate
    detail_route = "getSponsorshipBenefit"
    unique = ()
    reread = ("create", "update")

    @by_role
    def query(self) -> Select[SponsorshipBenefit]:
        return select(SponsorshipBenefit).order_by(
            SponsorshipBenefit.program_id, SponsorshipBenefit.order, SponsorshipBenefit.id
        )

    def read(self, row: SponsorshipBenefit) -> BenefitRead:
        return benefit_read(row, self.links.url("getSponsorshipBenefit", row.id))

    def values(self, data: msgspec.Struct) -> dict[str, Any]:
        values = changed_fields(data)
        if "logo_placement" in values:
            placement: LogoPlacementConfig | None = values.pop("logo_placement")
            values.update(
                publisher=placement.publisher if placement else None,
                flight=placement.flight if placement else None,
                link_to_sponsors_page=bool(placement and placement.link_to_sponsors_page),
                describe_as_sponsor=bool(placement and placement.describe_as_sponsor),
            )
        if "quantities" in values:
            values["quantities"] = json.dumps(values["quantities"], sort_keys=True)
        return values

    async def validate(self, values: dict[str, Any], current: Any) -> None:
        if "program_id" in values:
            await self.rows(SponsorshipProgram).reference(values["program_id"], field="program_id")


def benefit_read(row: SponsorshipBenefit, uri: str) -> BenefitRead:
    placement = None
    if row.publisher and row.flight:
        placement = LogoPlacementConfig(
            row.publisher,  # type: ignore[arg-type]
            row.flight,  # type: ignore[arg-type]
            row.link_to_sponsors_page,
            row.describe_as_sponsor,
        )
    return to_schema(
        BenefitRead,
        row,
        program=program_read(row.program),
        logo_placement=placement,
        quantities=json.loads(row.quantities or "{}"),
        resource_uri=uri,
    )


@dataclass(frozen=True)
class SponsorFilters:
    package: str | None = None
    year: int | None = None
    q: str | None = None
    all: bool = False


def contact_reads(sponsor: Sponsor) -> list[ContactRead]:
    return [to_schema(ContactRead, contact) for contact in sponsor.contacts]


class SponsorService(CrudService[Sponsor, SponsorRead]):
    model, read_schema, create_schema = Sponsor, SponsorRead, SponsorCreate
    detail_route = "getSponsor"
    reread = ("create", "update")

    def read(self, row: Sponsor) -> SponsorRead:
        return to_schema(
            SponsorRead,
            row,
            contacts=contact_reads(row) if self.staff else None,
            resource_uri=self.links.url("getSponsor", row.id),
        )

    def query(self) -> Select[Sponsor]:
        query = self.visible(
            select(Sponsor), public=finalized_sponsorship(), owner=Sponsor.creator_id
        )
        return query.order_by(Sponsor.name, Sponsor.id)

    def filtered(self, query: Select[Sponsor], filters: Any) -> Select[Sponsor]:
        f: SponsorFilters = filters or SponsorFilters()
        if f.all and not self.staff:
            raise PermissionDeniedError("Only staff may list every sponsor (`all=true`).")
        conditions: list[ColumnElement[bool]] = [Sponsorship.sponsor_id == Sponsor.id]
        if f.year is not None:
            conditions += [Sponsorship.status == FINALIZED, Sponsorship.year == f.year]
        elif not f.all:
            conditions.append(running(self.now.date()))
        if f.package is not None:
            conditions.append(Sponsorship.package.has(SponsorshipPackage.slug == f.package))
        if len(conditions) > 1:
            query = query.where(exists().where(*conditions))
        if f.q:
            query = query.where(contains(Sponsor.name, f.q))
        return query

    async def add(self, data: SponsorCreate, creator_id: int | None) -> Sponsor:
        values = changed_fields(data)
        contacts = values.pop("contacts", [])
        wanted = values.pop("slug", None) or slugify(data.name, fallback="sponsor")
        if data.slug is not None and creator_id is None:  # staff see every sponsor
            await self.rows(Sponsor).check_unique({"slug": wanted}, ("slug",))
        else:  # an applicant is never told which companies have applied: the next free slug
            wanted = await free_slug(self.session, Sponsor.slug, wanted)
        sponsor = Sponsor(**values, slug=wanted, creator_id=creator_id)
        sponsor.contacts = [SponsorContact(**msgspec.structs.asdict(c)) for c in contacts]
        self.session.add(sponsor)
        await self.session.flush()
        return sponsor

    async def create(self, data: msgspec.Struct) -> SponsorRead:
        assert isinstance(data, SponsorCreate)
        return await self.saved(await self.add(data, None), "create")

    def change(self, row: Sponsor, values: dict[str, Any]) -> None:
        if "contacts" in values:
            row.contacts = [
                SponsorContact(**msgspec.structs.asdict(c)) for c in values.pop("contacts")
            ]
        super().change(row, values)


@dataclass(frozen=True)
class SponsorshipFilters:
    status: str | None = None
    year: int | None = None
    sponsor: int | None = None


class SponsorshipService(CrudService[Sponsorship, SponsorshipRead]):
    """Sponsorships: the public sees finalized ones, applicants their own, staff all."""

    model, read_schema, create_schema = Sponsorship, SponsorshipRead, SponsorshipCreate
    detail_route = "getSponsorship"
    workflow = WORKFLOW
    reread = ("create", "apply", "move")

    def owns(self, row: Sponsorship) -> bool:
        return self.caller is not None and row.applicant_id == self.caller.id

    def read(self, row: Sponsorship) -> SponsorshipRead:
        sponsors = SponsorService(self.context)
        privileged = self.staff or self.owns(row)
        return to_schema(
            SponsorshipRead,
            row,
            sponsor=sponsors.read(row.sponsor),
            package=PackageService(self.context).read(row.package) if row.package else None,
            benefits=[
                benefit_read(b, self.links.url("getSponsorshipBenefit", b.id)) for b in row.benefits
            ],
            rejection_reason=row.rejection_reason if privileged else None,
            resource_uri=self.links.url("getSponsorship", row.id),
        )

    def query(self) -> Select[Sponsorship]:
        query = self.visible(
            select(Sponsorship),
            public=Sponsorship.status == FINALIZED,
            owner=Sponsorship.applicant_id,
        )
        return query.order_by(Sponsorship.start_date.desc().nulls_last(), Sponsorship.id.desc())

    def filtered(self, query: Select[Sponsorship], filters: Any) -> Select[Sponsorship]:
        f: SponsorshipFilters = filters or SponsorshipFilters()
        if f.status is None:
            query = query.where(running(self.now.date())) if not self.staff else query
        else:
            query = query.where(Sponsorship.status == f.status)
        if f.year is not None:
            query = query.where(Sponsorship.year == f.year)
        if f.sponsor is not None:
            query = query.where(Sponsorship.sponsor_id == f.sponsor)
        return query

    async def _benefits(self, ids: list[int]) -> list[SponsorshipBenefit]:
        return await self.rows(SponsorshipBenefit).references(ids, field="benefit_ids")

    async def create(self, data: msgspec.Struct) -> SponsorshipRead:
        assert isinstance(data, SponsorshipCreate)
        sponsor = await self.rows(Sponsor).reference(data.sponsor_id, field="sponsor_id")
        package = None
        if data.package_id is not None:
            package = await self.rows(SponsorshipPackage).reference(
                data.package_id, field="package_id"
            )
        if data.start_date and data.end_date and data.end_date < data.start_date:
            raise FieldError("end_date", "must not be before start_date")
        row = Sponsorship(
            sponsor_id=sponsor.id,
            package_id=data.package_id,
            status=data.status,
            year=data.year,
            start_date=data.start_date,
            end_date=data.end_date,
            fee=data.fee if data.fee is not None else (package and package.sponsorship_amount),
            applied_on=self.now,
            approved_on=self.now if data.status != APPLIED else None,
            finalized_on=self.now if data.status == FINALIZED else None,
        )
        row.benefits = await self._benefits(data.benefit_ids)
        self.session.add(row)
        return await self.saved(row, "create")

    async def apply(self, data: SponsorApplication) -> SponsorshipRead:
        """A signed-in user's application: a new sponsor and an ``applied`` sponsorship."""
        package = await self.rows(SponsorshipPackage).reference(data.package_id, field="package_id")
        benefits = await self._benefits(data.benefit_ids)
        sponsor_data = msgspec.structs.replace(data.sponsor, contacts=[data.contact])
        sponsor = await SponsorService(self.context).add(sponsor_data, self.user.id)
        row = Sponsorship(
            sponsor_id=sponsor.id,
            package_id=package.id,
            applicant_id=self.user.id,
            status=APPLIED,
            year=data.year or package.year or self.now.year,
            fee=package.sponsorship_amount,
            applied_on=self.now,
        )
        row.benefits = benefits
        self.session.add(row)
        await self.session.flush()
        return await self.saved(row, "apply")

    async def mine(self, window: Window) -> Page[SponsorshipRead]:
        query = (
            select(Sponsorship)
            .where(Sponsorship.applicant_id == self.user.id)
            .order_by(Sponsorship.id.desc())
        )
        rows, total = await self.rows(Sponsorship).page(window, query)
        return Page([self.read(row) for row in rows], total, window)

    async def move(self, key: int, name: str, reason: str | None = None) -> SponsorshipRead:
        row = await self.row(key)
        move = WORKFLOW.check(name, row.status, staff=self.staff, owner=self.owns(row))
        row.status = move.target
        if move.target == APPROVED:
            row.approved_on = self.now
        elif move.target == REJECTED:
            row.rejected_on = self.now
            row.rejection_reason = reason or ""
        elif move.target == FINALIZED:
            row.finalized_on = self.now
        return await self.saved(row, "move")
