"""python.org's v1 bodies: its Tastypie resources' fields, with relative URIs."""

from __future__ import annotations

import msgspec

from pydotorg.compat.schemas import ReleaseFileFields
from pydotorg.compat.v1.tastypie import Meta


class V1OS(msgspec.Struct):
    name: str
    slug: str
    resource_uri: str


class V1Release(msgspec.Struct):
    name: str
    slug: str
    version: int
    is_published: bool
    is_latest: bool
    release_date: str
    pre_release: bool
    release_page: str | None
    release_notes_url: str
    show_on_download_page: bool
    resource_uri: str


class V1ReleaseFile(ReleaseFileFields):
    sigstore_signature_file: str
    sigstore_cert_file: str
    sigstore_bundle_file: str
    sbom_spdx2_file: str
    resource_uri: str


class V1Page(msgspec.Struct):
    title: str
    keywords: str
    description: str
    path: str
    content: str
    is_published: bool
    template_name: str
    resource_uri: str


class V1OSList(msgspec.Struct):
    meta: Meta
    objects: list[V1OS]


class V1ReleaseList(msgspec.Struct):
    meta: Meta
    objects: list[V1Release]


class V1ReleaseFileList(msgspec.Struct):
    meta: Meta
    objects: list[V1ReleaseFile]


class V1PageList(msgspec.Struct):
    meta: Meta
    objects: list[V1Page]
