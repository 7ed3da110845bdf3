"""python.org's release feed and ``/downloads/latest/...`` redirects, at python.org's paths
(``/downloads/`` and its twin ``/getit/``)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter
from litestar.response import Redirect

from pydotorg.core.endpoints import ApiController
from pydotorg.core.feeds import RSS_MEDIA_TYPE, XML_MEDIA_TYPE
from pydotorg.core.services import services
from pydotorg.downloads.feed_services import ReleaseFeedService

Which = Annotated[
    str,
    PathParameter(
        max_length=20,
        description="`python3`, `python3.N` (a series, e.g. `python3.13`) or `prerelease`.",
    ),
]
REDIRECT: dict[str, Any] = {
    "description": "python.org's redirect to a release's page on python.org: `python3` the "
    "latest Python 3 release, `python3.N` the series' newest published release by release date "
    "(a pre-release while the series has no final one), `prerelease` the newest Python 3 "
    "pre-release. 404 for a series without a published release or any other name.",
    "responses": {
        302: ResponseSpec(data_container=None, description="To the release's page."),
    },
    "errors": (404,),
    "status_code": 302,
}
"""What both redirects to a release's page declare besides their path, id and summary."""


def feed_media_type(request: Request[Any, Any, Any], media_type: str) -> str:
    """``text/xml`` for a client that asks for it and not for the feed's own type."""
    accept = request.headers.get("accept", "")
    plain = "text/xml" in accept and media_type.split(";")[0] not in accept
    return "text/xml" if plain else media_type


def downloads_pages(path: str, stem: str = "") -> type[ApiController]:
    """python.org's downloads pages served at ``path``: its release feed and its redirects,
    their operation ids prefixed with ``stem`` (``getitReleaseFeed``)."""

    def named(name: str) -> str:
        return f"{stem}{name[0].upper()}{name[1:]}" if stem else name

    feed_route = named("downloadsReleaseFeed")

    class DownloadsPages(ApiController):
        tags = ["Downloads"]
        dependencies = services(feeds=ReleaseFeedService)

        @get(
            "/feed.rss",
            operation_id=feed_route,
            summary="RSS 2.0 feed of the 10 newest published releases (python.org's)",
            description=f"python.org's `{path}/feed.rss`: the 10 newest published releases by "
            "release date, each linking to its page on python.org.",
            media_type=RSS_MEDIA_TYPE,
            also_as=(XML_MEDIA_TYPE,),
            vary=(b"accept",),
        )
        async def feed(
            self, feeds: NamedDependency[ReleaseFeedService], request: Request[Any, Any, Any]
        ) -> Response[bytes]:
            return Response(
                await feeds.feed(feed_route),
                media_type=feed_media_type(request, RSS_MEDIA_TYPE),
                headers={"Vary": "Accept"},
            )

        @get(
            "/latest",
            operation_id=named("redirectToLatestRelease"),
            summary="Redirect to the latest Python 3 release's page",
            **REDIRECT,
        )
        async def latest(self, feeds: NamedDependency[ReleaseFeedService]) -> Redirect:
            return Redirect(await feeds.latest_page("python3"), status_code=302)

        @get(
            "/latest/{which:str}",
            operation_id=named("redirectToLatestOf"),
            summary="Redirect to the newest release's page of a series, or of pre-releases",
            **REDIRECT,
        )
        async def latest_of(
            self, which: Which, feeds: NamedDependency[ReleaseFeedService]
        ) -> Redirect:
            return Redirect(await feeds.latest_page(which), status_code=302)

    DownloadsPages.path = path
    DownloadsPages.__name__ = DownloadsPages.__qualname__ = f"{stem.capitalize()}DownloadsPages"
    return DownloadsPages


DownloadsPagesController = downloads_pages("/downloads")
GetItPagesController = downloads_pages("/getit", "getit")
"""python.org mounts its downloads pages twice, at ``/downloads/`` and at ``/getit/`` (for
readers behind China's firewall, python/pythondotorg#427): the same feed and redirects."""

ROUTES = [DownloadsPagesController, GetItPagesController]
