"""python.org's v1 bodies: its Tastypie resources' fields, with relative URIs.

Tastypie writes JSON with sorted keys, so every body here declares its fields in alphabetical
order (``{"meta", "objects"}``, ``{"name", "resource_uri", "slug"}``).
"""

from __future__ import annotations

from typing import Any

import msgspec


class Meta(msgspec.Struct):
    limit: int
    next: str | None
    offset: int
    previous: str | None
    total_count: int


class V1OS(msgspec.Struct, kw_only=True):
    name: str
    resource_uri: str
    slug: str


class V1Release(msgspec.Struct, kw_only=True):
    is_latest: bool
    is_published: bool
    name: str
    pre_release: bool
    release_date: str
    release_notes_url: str
    release_page: str | None
    resource_uri: str
    show_on_download_page: bool
    slug: str
    version: int


class V1ReleaseFile(msgspec.Struct, kw_only=True):
    description: str
    download_button: bool
    filesize: int
    gpg_signature_file: str
    is_source: bool
    md5_sum: str
    name: str
    os: str
    release: str
    resource_uri: str
    sbom_spdx2_file: str
    sha256_sum: str
    sigstore_bundle_file: str
    sigstore_cert_file: str
    sigstore_signature_file: str
    slug: str
    url: str


class V1Page(msgspec.Struct, kw_only=True):
    content: str
    description: str
    is_published: bool
    keywords: str
    path: str
    resource_uri: str
    template_name: str
    title: str


class V1List(msgspec.Struct):
    """Tastypie's list of one resource: ``meta`` (the window) first, then a subclass's
    ``objects``."""

    meta: Meta


class V1OSList(V1List):
    objects: list[V1OS]


class V1ReleaseList(V1List):
    objects: list[V1Release]


class V1ReleaseFileList(V1List):
    objects: list[V1ReleaseFile]


class V1PageList(V1List):
    objects: list[V1Page]


class V1Set(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Tastypie's ``set/1;3/`` of one resource: the identifiers that named none (left out
    when every one did), then a subclass's ``objects``."""

    not_found: list[str] | None = None


class V1OSSet(V1Set, kw_only=True):
    """Tastypie's ``set/1;3/``: the objects found, in the order asked, and the identifiers
    that named none (left out when every one did)."""

    objects: list[V1OS]


class V1ReleaseSet(V1Set, kw_only=True):
    objects: list[V1Release]


class V1ReleaseFileSet(V1Set, kw_only=True):
    objects: list[V1ReleaseFile]


class V1PageSet(V1Set, kw_only=True):
    objects: list[V1Page]


class FieldSchema(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One field as Tastypie's ``schema/`` describes it; ``related_schema`` and
    ``related_type`` for a relation only."""

    blank: bool
    default: Any
    help_text: str
    nullable: bool
    primary_key: bool
    readonly: bool
    related_schema: str | None = None
    related_type: str | None = None
    type: str
    unique: bool
    verbose_name: str


class ResourceSchema(msgspec.Struct, kw_only=True):
    """A resource as Tastypie's ``schema/`` describes it. ``filtering`` is each filtering
    field's lookups, or ``1`` (Tastypie's ``ALL``) or ``2`` (``ALL_WITH_RELATIONS``)."""

    allowed_detail_http_methods: list[str]
    allowed_list_http_methods: list[str]
    default_format: str
    default_limit: int
    fields: dict[str, FieldSchema]
    filtering: dict[str, int | list[str]]


class IndexEntry(msgspec.Struct):
    """A resource in the v1 API's top level: its list path and its schema's path (or, with
    ``fullschema``, the schema)."""

    list_endpoint: str
    schema: str | ResourceSchema
