"""python.org's v2 bodies: its serializers' fields, in their order and with their types."""

from __future__ import annotations

from datetime import datetime

import msgspec

from pydotorg.compat.schemas import ReleaseFileFields


class V2OS(msgspec.Struct):
    name: str
    slug: str
    resource_uri: str


class V2Release(msgspec.Struct):
    name: str
    slug: str
    version: int
    is_published: bool
    is_latest: bool
    release_date: datetime
    pre_release: bool
    release_page: str | None
    release_notes_url: str
    show_on_download_page: bool
    resource_uri: str


class V2ReleaseFile(ReleaseFileFields):
    resource_uri: str
    sigstore_signature_file: str
    sigstore_cert_file: str
    sigstore_bundle_file: str
    sbom_spdx2_file: str


class V2Page(msgspec.Struct):
    title: str
    path: str
    keywords: str
    description: str
    content: str
    is_published: bool
    template_name: str
    resource_uri: str
