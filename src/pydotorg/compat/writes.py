"""What python.org's clients write, and how it becomes the domains' own create and update bodies.

python.org's frameworks ignore fields they do not know (a misspelt ``sha256sum`` from release
tooling was once stored as nothing rather than refused), so these bodies do too; the fields
they know are checked with the domains' own field types, and every rule of a write is then the
domain service's. Relations are written as URIs (``"os": "/api/v1/downloads/os/3/"``), read by
the version's module into ids.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from pydotorg.compat.lookups import InvalidFilter
from pydotorg.content.markup import Markup
from pydotorg.content.pages.schemas import Body, Keywords, PageCreate, SitePath, Title
from pydotorg.core import clock
from pydotorg.core.exceptions import FieldError
from pydotorg.core.schemas import Description, LenientSchema, Name, OptionalUrl, Url, one_line
from pydotorg.downloads.schemas import (
    FileSize,
    Md5,
    ReleaseCreate,
    ReleaseFileCreate,
    ReleaseFileUpdate,
    ReleaseUpdate,
    Sha256,
)
from pydotorg.downloads.services import parse_release_name

DjangoSlug = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=200,
        pattern=r"^[-a-zA-Z0-9_]+\Z",
        description="Letters, digits, '-' and '_' (Django's slug).",
    ),
]
Hyperlink = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=500, description="The related object's `resource_uri`."),
]


class OSWrite(LenientSchema):
    """An OS as python.org takes it (fields it does not know are ignored, as DRF does)."""

    name: Name | UnsetType = UNSET
    slug: DjangoSlug | UnsetType = UNSET


class ReleaseWrite(LenientSchema):
    """A release as python.org takes it; ``version``, ``is_latest`` and ``pre_release`` are
    read from the name and the other releases here, so they are accepted and not stored."""

    name: Name | UnsetType = UNSET
    slug: DjangoSlug | UnsetType = UNSET
    version: int | UnsetType = UNSET
    is_published: bool | UnsetType = UNSET
    is_latest: bool | UnsetType = UNSET
    release_date: datetime | UnsetType = UNSET
    pre_release: bool | UnsetType = UNSET
    release_page: UnsetType | None = UNSET
    release_notes_url: OptionalUrl | UnsetType = UNSET
    show_on_download_page: bool | UnsetType = UNSET


class ReleaseFileWrite(LenientSchema):
    """A release file as python.org takes it: ``os`` and ``release`` are their URIs."""

    name: Name | UnsetType = UNSET
    slug: DjangoSlug | UnsetType = UNSET
    os: Hyperlink | UnsetType = UNSET
    release: Hyperlink | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    is_source: bool | UnsetType = UNSET
    url: Url | UnsetType = UNSET
    gpg_signature_file: OptionalUrl | UnsetType = UNSET
    md5_sum: Md5 | UnsetType = UNSET
    sha256_sum: Sha256 | UnsetType = UNSET
    filesize: FileSize | UnsetType = UNSET
    download_button: bool | UnsetType = UNSET
    sigstore_signature_file: OptionalUrl | UnsetType = UNSET
    sigstore_cert_file: OptionalUrl | UnsetType = UNSET
    sigstore_bundle_file: OptionalUrl | UnsetType = UNSET
    sbom_spdx2_file: OptionalUrl | UnsetType = UNSET


TemplateOrBlank = Annotated[
    str,
    one_line(
        255,
        description="The site template that shows the page; blank (python.org's default) for "
        "the site's default one.",
    ),
]


class PageWrite(LenientSchema):
    """A page as python.org's v1 takes it."""

    title: Title
    path: SitePath
    keywords: Keywords | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    content: Body | UnsetType = UNSET
    is_published: bool | UnsetType = UNSET
    template_name: TemplateOrBlank | UnsetType = UNSET


def page_body(data: PageWrite) -> PageCreate:
    """The domain's page create body, with python.org's defaults for a page: its content is
    reStructuredText (``pages.models.DEFAULT_MARKUP_TYPE``) and its template blank."""
    values = {"template_name": "", **given(data)}
    return PageCreate(**values, content_type=Markup.RESTRUCTUREDTEXT)


REQUIRED = "This field is required."


def given(data: msgspec.Struct, *required: str) -> dict[str, Any]:
    """The fields a body set; a 400 naming each ``required`` one it left out."""
    values = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not UNSET}
    missing = [name for name in required if name not in values]
    if missing:
        raise InvalidFilter([(name, REQUIRED) for name in missing], source="body")
    return values


def release_body(data: ReleaseWrite, *, partial: bool, required: tuple[str, ...]) -> Any:
    """The domain's release create (or update) body; ``version`` must agree with the name, and
    a ``release_date`` without a zone is in UTC, as Django reads it on python.org (``USE_TZ``,
    ``TIME_ZONE = "UTC"``)."""
    values = given(data, *(() if partial else required))
    version = values.pop("version", None)
    values.pop("is_latest", None)
    values.pop("pre_release", None)
    name = values.get("name")
    if version is not None and name is not None and parse_release_name(name).major != version:
        raise FieldError("version", f"must be the major version of the name ({name})")
    moment = values.get("release_date")
    if moment is not None and moment.tzinfo is None:
        values["release_date"] = moment.replace(tzinfo=UTC)  # python.org's TIME_ZONE is UTC
    if partial:
        return ReleaseUpdate(**values)
    values.setdefault("release_date", clock.now())
    return ReleaseCreate(**values)


def file_body(values: dict[str, Any], *, partial: bool) -> Any:
    """The domain's release file create (or update) body, ``os`` and ``release`` as ids."""
    return ReleaseFileUpdate(**values) if partial else ReleaseFileCreate(**values)
