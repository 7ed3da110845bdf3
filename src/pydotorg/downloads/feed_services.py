"""python.org's machine-readable download paths outside ``/api/``: the release feed
``/downloads/feed.rss`` and the ``/downloads/latest/...`` redirects.

Both point at a release's page on python.org (its ``release_page`` if it has one, else
``https://www.python.org/downloads/release/<slug>/``), the HTML this service does not serve.
Which release each redirect names is python.org's rule (``apps/downloads/managers.py``):
``python3`` the latest Python 3 release (``is_latest``, the rule of ``ReleaseService.latest``);
``python3.N`` the series' newest published release by release date, a pre-release while the
series has no final one; ``prerelease`` the newest published Python 3 pre-release by date.
"""

from __future__ import annotations

import re

from sqlalchemy import Select, bindparam, select

from pydotorg.core.exceptions import NotFoundError
from pydotorg.core.feeds import FeedAbout, FeedItem, feed_document
from pydotorg.core.services import Service, by_role
from pydotorg.downloads.models import Release
from pydotorg.downloads.services import NEWEST_FIRST, ReleaseService

PYTHON_ORG = "https://www.python.org"
DOWNLOADS_PAGE = f"{PYTHON_ORG}/downloads/"
FEED_SIZE = 10
_LATEST = re.compile(r"^(?:python3(?:\.([0-9]{1,3}))?|(prerelease))\Z")


def release_page(slug: str, release_page_url: str | None) -> str:
    """Where python.org shows a release (``Release.get_absolute_url``)."""
    return release_page_url or f"{PYTHON_ORG}/downloads/release/{slug}/"


class ReleaseFeedService(Service):
    @by_role
    def newest_by_date(self, scope: str) -> Select[Release]:
        """Published releases newest by release date: all of them (``"all"``), one series'
        (``"series"``, the parameter ``series``), or Python 3 pre-releases (``"pre"``)."""
        query = select(Release).where(
            Release.is_published.is_(True), Release.release_date.is_not(None)
        )
        if scope == "series":
            query = query.where(Release.series == bindparam("series"))
        elif scope == "pre":
            query = query.where(Release.major == 3, Release.pre_release.is_(True))
        return query.order_by(Release.release_date.desc(), *NEWEST_FIRST)

    async def feed(self, route: str = "downloadsReleaseFeed") -> bytes:
        """The 10 newest published releases by release date, as python.org's RSS 2.0 feed, as
        served by ``route`` (its own URL is the feed's)."""
        rows = await self.session.scalars(self.newest_by_date("all").limit(FEED_SIZE))
        items = []
        for release in rows:
            assert release.release_date is not None  # the query keeps dated releases only
            link = release_page(release.slug, release.release_page_url)
            items.append(
                FeedItem(
                    title=release.name,
                    link=link,
                    guid=link,
                    published=release.release_date,
                    summary=f"Release date: {release.release_date}",
                )
            )
        about = FeedAbout(
            title="Python Releases",
            link=DOWNLOADS_PAGE,
            description="Latest Python releases from Python.org",
            rss_url=self.links.url(route),
            atom_url=self.links.url(route),
        )
        return feed_document("rss", about, items)

    async def latest_page(self, which: str) -> str:
        """The page ``/downloads/latest/<which>/`` redirects to; 404 for anything else or a
        series without a published release."""
        match = _LATEST.match(which)
        if match is None:
            raise NotFoundError(f"No such download redirect: {which!r}.")
        minor, pre = match.groups()
        if minor is None and pre is None:
            latest = await ReleaseService(self.context).latest("3")
            return release_page(latest.slug, latest.release_page)
        query, params = (
            (self.newest_by_date("pre"), {})
            if pre
            else (self.newest_by_date("series"), {"series": f"3.{int(minor)}"})
        )
        release = await self.session.scalar(query.limit(1), params)
        if release is None:
            wanted = "pre-release of Python 3" if pre else f"release of Python 3.{int(minor)}"
            raise NotFoundError(f"No published {wanted}.")
        return release_page(release.slug, release.release_page_url)
