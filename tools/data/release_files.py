"""Release download files: names, URLs, sizes, checksums, signature and SBOM URLs.

The order is the source's. Each file carries python.org's id where known (by URL), else one
numbered after them in this order (``_pythonorg_ids``). ``description`` is
python.org's short label of a file ("for macOS 10.9 and later", "Recommended"), a fact of the
file. Dropped: the derivation's bookkeeping (``name_rule``, ``sha256_published``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.data._fields import keep, source
from tools.data._pythonorg_ids import numbered

OUTPUT = "release_files.json.gz"
FIELDS = (
    "release",
    "filename",
    "name",
    "os",
    "is_source",
    "url",
    "filesize",
    "md5_sum",
    "sha256_sum",
    "description",
    "gpg_signature_file",
    "sigstore_bundle_file",
    "sbom_spdx2_file",
    "download_button",
    "source",
)


def records(derived: Path) -> list[dict[str, Any]]:
    kept = keep(source(derived, "release_files"), FIELDS)
    for record in kept:  # hex digests in lower case, as the API takes and gives them
        for checksum in ("md5_sum", "sha256_sum"):
            if record[checksum]:
                record[checksum] = record[checksum].lower()
    return numbered(kept, derived, "release_file", "url")
