"""Request and response bodies of the downloads API, separate from the tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from pydotorg.core.schemas import (
    Description,
    Name,
    NamedRowCreate,
    NamedRowRead,
    OptionalUrl,
    Ref,
    Slug,
    Url,
    WriteSchema,
    patch_of,
)
from pydotorg.downloads.classify import Arch, Format, Kind, Platform, Signature

SupportStatus = Literal["prerelease", "bugfix", "security", "end-of-life"]
ReleaseName = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^Python [0-9]{1,3}\.[0-9]{1,3}(?:\.[0-9]{1,3})?(?:(?:a|b|rc)[0-9]{1,3})?\Z",
        description="'Python X.Y.Z', optionally with a pre-release tag: 'Python 3.14.0rc2'.",
        examples=["Python 3.13.1"],
    ),
]
Md5 = Annotated[str, msgspec.Meta(pattern=r"^(?:[0-9a-f]{32})?\Z", description="Hex MD5 or ''.")]
Sha256 = Annotated[
    str, msgspec.Meta(pattern=r"^(?:[0-9a-f]{64})?\Z", description="Hex SHA-256 or ''.")
]
FileSize = Annotated[int, msgspec.Meta(ge=0, le=2**53, description="Size in bytes.")]
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


class OSRead(NamedRowRead):
    resource_uri: str


class OSCreate(NamedRowCreate):
    pass


class ReleaseCycleRead(msgspec.Struct):
    series: str
    major: int
    status: SupportStatus
    pep: int | None
    branch: str
    release_manager: str
    first_release: date | None
    end_of_bugfix: date | None
    end_of_life: date | None


class ReleaseRead(NamedRowRead):
    version: int
    series: str
    python_version: str
    release_date: datetime | None | None
    pre_release: bool
    is_published: bool
    is_latest: bool
    show_on_download_page: bool
    release_notes_url: str
    release_page: str | None
    support_status: SupportStatus | None
    end_of_life: date | None
    resource_uri: str


class ReleaseCreate(WriteSchema):
    name: ReleaseName
    release_date: AwareDatetime
    slug: Slug | None = None
    is_published: bool = False
    show_on_download_page: bool = True
    release_notes_url: OptionalUrl = ""
    release_page: Url | None = None


class ReleaseFileRead(NamedRowRead):
    os: int
    os_slug: str
    release: int
    release_slug: str
    description: str
    is_source: bool
    url: str
    filesize: int
    md5_sum: str
    sha256_sum: str
    gpg_signature_file: str
    sigstore_signature_file: str
    sigstore_cert_file: str
    sigstore_bundle_file: str
    sbom_spdx2_file: str
    download_button: bool
    platform: Platform | None
    arch: Arch | None
    kind: Kind | None
    format: Format | None
    free_threaded: bool | None
    signatures: list[Signature]
    resource_uri: str


class ReleaseFileCreate(WriteSchema):
    name: Name
    os: Ref
    release: Ref
    url: Url
    slug: Slug | None = None
    description: Description = ""
    is_source: bool | None = None
    filesize: FileSize = 0
    md5_sum: Md5 = ""
    sha256_sum: Sha256 = ""
    gpg_signature_file: OptionalUrl = ""
    sigstore_signature_file: OptionalUrl = ""
    sigstore_cert_file: OptionalUrl = ""
    sigstore_bundle_file: OptionalUrl = ""
    sbom_spdx2_file: OptionalUrl = ""
    download_button: bool = False
    # Left out or null: read from the URL by the rules of ``downloads.classify``.
    platform: Platform | None = None
    arch: Arch | None = None
    kind: Kind | None = None
    format: Format | None = None
    free_threaded: bool | None = None


class BestFileRead(msgspec.Struct):
    """The one file that answers "which file do I download", with what checks it."""

    python_version: str
    release: int
    release_name: str
    platform: Platform
    arch: Arch
    kind: Kind
    format: Format
    free_threaded: bool
    name: str
    url: str
    filesize: int
    sha256_sum: str
    md5_sum: str
    signatures: list[Signature]
    gpg_signature_url: str | None
    sigstore_bundle_url: str | None
    sigstore_signature_url: str | None
    sigstore_cert_url: str | None
    sbom_url: str | None
    file: ReleaseFileRead


class MatrixEntry(msgspec.Struct):
    """One platform/arch/kind combination a release ships, and in which formats."""

    platform: Platform
    arch: Arch
    kind: Kind
    free_threaded: bool
    formats: list[Format]


class MatrixSeries(msgspec.Struct):
    """A supported series, its newest release and what that release ships."""

    series: str
    status: SupportStatus
    end_of_life: date | None
    python_version: str
    release: int
    release_name: str
    ships: list[MatrixEntry]


ReleaseUpdate = patch_of(ReleaseCreate, not_null=("slug",))
ReleaseFileUpdate = patch_of(ReleaseFileCreate, not_null=("slug", "is_source"))
