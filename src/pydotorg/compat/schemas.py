"""What python.org's v1 and v2 bodies share: a release file's own fields, which both of its
serializers list first and in this order (each version then adds its URI and signatures in
its own order, ``compat.v1.schemas``, ``compat.v2.schemas``)."""

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
