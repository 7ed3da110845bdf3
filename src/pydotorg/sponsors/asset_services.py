"""Sponsor assets: the texts and URLs a sponsor, or one of its sponsorships, supplies for a
benefit (a logo's URL, a job posting's text), each under the ``internal_name`` the benefit asks
for it by. Staff write them (``/api/v1/sponsors/assets``); staff and sponsor publishers read
them by name, as python.org's ``/api/v2/sponsors/sponsorship-assets/`` serves them.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select

from pydotorg.core.exceptions import FieldError
from pydotorg.core.resources import CrudService, to_schema
from pydotorg.core.services import by_role
from pydotorg.sponsors.models import Sponsor, SponsorAsset, Sponsorship
from pydotorg.sponsors.placement_services import LogoPlacementService
from pydotorg.sponsors.schemas import AssetCreate, AssetRead, AssetUpdate, PublishedAssetRead


class AssetService(CrudService[SponsorAsset, AssetRead]):
    model, read_schema, create_schema, update_schema = (
        SponsorAsset,
        AssetRead,
        AssetCreate,
        AssetUpdate,
    )
    detail_route = "getSponsorAsset"
    unique = ()
    reread = ("create", "update")

    @by_role
    def query(self) -> Select[SponsorAsset]:
        return select(SponsorAsset).order_by(SponsorAsset.id)

    async def validate(self, values: dict[str, Any], current: SponsorAsset | None) -> None:
        """A new asset belongs to a sponsor or to one of its sponsorships, and gets its uuid."""
        if current is None:
            sponsorship_id, sponsor_id = values.get("sponsorship_id"), values.get("sponsor_id")
            if (sponsorship_id is None) == (sponsor_id is None):
                raise FieldError("sponsor_id", "give either sponsor_id or sponsorship_id")
            if sponsorship_id is not None:
                sponsorship = await self.rows(Sponsorship).reference(
                    sponsorship_id, field="sponsorship_id"
                )
                values["sponsor_id"] = sponsorship.sponsor_id
            elif sponsor_id is not None:
                await self.rows(Sponsor).reference(sponsor_id, field="sponsor_id")
        await self._check_name_free(values, current)
        if current is None:
            values["uuid"] = str(uuid.uuid4())

    async def _check_name_free(self, values: dict[str, Any], current: SponsorAsset | None) -> None:
        """An owner (the sponsor, or one sponsorship) has one asset of each name: 422."""
        name = values.get("internal_name")
        if name is None or (current is not None and current.internal_name == name):
            return
        sponsorship_id = current.sponsorship_id if current else values.get("sponsorship_id")
        owner = (
            SponsorAsset.sponsorship_id == sponsorship_id
            if sponsorship_id is not None
            else (
                SponsorAsset.sponsor_id == (current.sponsor_id if current else values["sponsor_id"])
            )
            & SponsorAsset.sponsorship_id.is_(None)
        )
        taken = await self.session.scalar(
            select(SponsorAsset.id).where(owner, SponsorAsset.internal_name == name).limit(1)
        )
        if taken is not None:
            raise FieldError("internal_name", f"the owner already has an asset {name!r}")

    async def published(self, internal_name: str, list_empty: bool) -> list[PublishedAssetRead]:
        """The assets of one name, of every owner, for staff and sponsor publishers; those
        without a value only with ``list_empty``."""
        await LogoPlacementService(self.context).require_publisher()
        query = (
            select(SponsorAsset)
            .where(SponsorAsset.internal_name == internal_name)
            .order_by(SponsorAsset.id)
        )
        if not list_empty:
            query = query.where(SponsorAsset.value != "")
        rows = await self.session.scalars(query)
        return [
            to_schema(
                PublishedAssetRead,
                row,
                {"sponsor": "sponsor.name", "sponsor_slug": "sponsor.slug"},
                content_type="Sponsorship" if row.sponsorship_id is not None else "Sponsor",
            )
            for row in rows
        ]
