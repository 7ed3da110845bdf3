"""Logo placements, as python.org serves them to PyPI's sponsor sync and the PyCon app.

One item per finalized sponsorship running today and per logo-placement benefit it carries
(``/api/v2/sponsors/logo-placement/`` of python.org, ``sponsors/api.py``): a benefit that
``describe_as_sponsor`` says "<name> is a <package> sponsor of the Python Software Foundation.",
and one that ``link_to_sponsors_page`` links to ``/psf/sponsors/#<slug of the name>``. Staff read
them, and accounts granted the ``sponsor_publisher`` permission (by staff, here), with their JWTs
or their API keys that have the ``read`` scope. Contacts are shown to staff only.
"""

from __future__ import annotations

from sqlalchemy import select

from pydotorg.core.exceptions import NotFoundError, PermissionDeniedError
from pydotorg.core.resources import to_schema
from pydotorg.core.services import Service
from pydotorg.core.text import slugify
from pydotorg.sponsors.models import SponsorPublisher, Sponsorship
from pydotorg.sponsors.schemas import LogoPlacementRead, PublisherRead
from pydotorg.sponsors.services import contact_reads, running

SPONSORS_PAGE = "/psf/sponsors/"


class LogoPlacementService(Service):
    async def may_publish(self) -> bool:
        """Staff (superusers are staff) and accounts granted ``sponsor_publisher``."""
        if self.staff:
            return True
        granted = await self.session.get(SponsorPublisher, self.user.id)
        return granted is not None

    async def require_publisher(self) -> None:
        """403 unless the caller may read what sponsors publish (placements and assets)."""
        if not await self.may_publish():
            raise PermissionDeniedError("Must have publisher permission.")  # python.org's words

    async def placements(
        self, publisher: str | None, flight: str | None, year: int | None
    ) -> list[LogoPlacementRead]:
        await self.require_publisher()
        query = select(Sponsorship).where(running(self.now.date())).order_by(Sponsorship.id)
        if year is not None:
            query = query.where(Sponsorship.year == year)
        items = []
        for sponsorship in (await self.session.scalars(query)).unique():
            sponsor, package = sponsorship.sponsor, sponsorship.package
            level = package.name if package else ""
            for benefit in sponsorship.benefits:
                if not (benefit.publisher and benefit.flight):
                    continue
                if publisher is not None and benefit.publisher != publisher:
                    continue
                if flight is not None and benefit.flight != flight:
                    continue
                description = sponsor.description
                if benefit.describe_as_sponsor:
                    description = (
                        f"{sponsor.name} is a {level} sponsor of the Python Software Foundation."
                    )
                url: str | None = sponsor.landing_page_url or None
                if benefit.link_to_sponsors_page:
                    slug = slugify(sponsor.name, fallback="sponsor")
                    url = f"{self.links.base}{SPONSORS_PAGE}#{slug}"
                items.append(
                    LogoPlacementRead(
                        publisher=benefit.publisher,
                        flight=benefit.flight,
                        sponsor=sponsor.name,
                        sponsor_id=str(sponsor.id),
                        sponsor_slug=sponsor.slug,
                        description=description,
                        logo=sponsor.web_logo,
                        white_logo=None,
                        start_date=sponsorship.start_date,
                        end_date=sponsorship.end_date,
                        sponsor_url=url,
                        level_name=level,
                        level_order=package.order if package else 0,
                        contacts=contact_reads(sponsor) if self.staff else None,
                    )
                )
        return items

    async def publishers(self) -> list[PublisherRead]:
        rows = await self.session.scalars(
            select(SponsorPublisher).order_by(SponsorPublisher.user_id)
        )
        return [to_schema(PublisherRead, row) for row in rows]

    async def grant(self, user_id: int) -> PublisherRead:
        from pydotorg.accounts.models import User

        if await self.session.get(User, user_id) is None:
            raise NotFoundError(f"No user with id {user_id}.")
        row = await self.session.get(SponsorPublisher, user_id)
        if row is None:
            row = SponsorPublisher(user_id=user_id, granted=self.now)
            self.session.add(row)
            await self.commit()
        return to_schema(PublisherRead, row)

    async def revoke(self, user_id: int) -> None:
        row = await self.session.get(SponsorPublisher, user_id)
        if row is None:
            raise NotFoundError(f"User {user_id} has no sponsor_publisher permission.")
        await self.session.delete(row)
        await self.commit()
