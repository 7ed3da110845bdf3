"""A release file's own fields, which python.org's DRF serializer lists first and in this order
(v2 then adds its URI and signatures, ``compat.v2.schemas``; v1 writes every key in
alphabetical order, as Tastypie does, ``compat.v1.schemas``)."""

from __future__ import annotations

import msgspec


class ReleaseFileFields(msgspec.Struct):
    name: str
    slug: str
    os: str
    release: str
    description: str
    is_source: bool
    url: str
    gpg_signature_file: str
    md5_sum: str
    sha256_sum: str
    filesize: int
    download_button: bool
