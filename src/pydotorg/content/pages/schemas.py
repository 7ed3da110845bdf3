"""Request and response bodies of pages, and the rule for a page's site path."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

import msgspec

from pydotorg.content.markup import Markup
from pydotorg.content.pages.models import DEFAULT_TEMPLATE
from pydotorg.core.schemas import WriteSchema, free_text, one_line, patch_of

_SEGMENT = r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*"
SITE_PATH = rf"^/?(?:{_SEGMENT}/)*(?:{_SEGMENT}/?)?\Z"
"""A site path: segments of letters, digits and ``. _ ~ -`` (none starting with a dot, so no
``.`` or ``..``), between slashes; no query string, fragment, escape, space or control
character. ``/`` alone is the site's root."""
PATH_DESCRIPTION = (
    "A site path such as `/about/` or `psf/sponsorship`: segments of letters, digits and "
    "`. _ ~ -` (none starting with a dot), stored with a leading and a trailing slash."
)
MAX_PATH = 500
_SITE_PATH = re.compile(SITE_PATH)


def is_site_path(raw: str) -> bool:
    return 0 < len(raw) <= MAX_PATH and _SITE_PATH.match(raw) is not None


def normalise_path(raw: str) -> str:
    """``about`` and ``/about`` -> ``/about/``; ``/`` stays (the path must be a site path)."""
    segments = [segment for segment in raw.split("/") if segment]
    return "/" + "".join(f"{segment}/" for segment in segments)


SitePath = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=MAX_PATH,
        pattern=SITE_PATH,
        description=PATH_DESCRIPTION,
        examples=["/about/api/"],
    ),
]
Title = Annotated[str, one_line(500, min_length=1, description="One line.")]
Keywords = Annotated[str, one_line(1000, description="Comma-separated keywords.")]
Body = Annotated[str, free_text(200_000, description="The page as written, in `content_type`.")]
Template = Annotated[
    str, one_line(255, description="The site template that shows the page.", min_length=1)
]


class PageRead(msgspec.Struct):
    id: int
    path: str
    title: str
    keywords: str
    description: str
    content: str
    content_type: Markup
    content_html: str
    template_name: str
    is_published: bool
    creator_id: int | None
    created: datetime
    updated: datetime
    resource_uri: str


class PageCreate(WriteSchema):
    path: SitePath
    title: Title
    content: Body = ""
    content_type: Markup = Markup.MARKDOWN
    keywords: Keywords = ""
    description: Annotated[str, free_text(10_000, description="Free text.")] = ""
    template_name: Template = DEFAULT_TEMPLATE
    is_published: bool = True


PageUpdate = patch_of(PageCreate)
