"""Python releases: operating systems, releases, release files and the release cycle."""

from litestar.openapi.spec import Tag

from pydotorg.core.domain import Domain

DOMAIN = Domain(
    __name__,
    tags=[
        Tag(name="Releases", description="CPython releases and their support status."),
        Tag(name="Release files", description="Downloadable files of each release."),
        Tag(name="Operating systems", description="OSes that downloads are published for."),
        Tag(name="Release cycle", description="Support schedule of each minor series."),
    ],
)
