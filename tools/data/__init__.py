"""Builds the data files the service ships (``src/pydotorg/data/*.json.gz``) from public sources.

The shipped files hold facts only (names, titles, dates, people, places, numbers, URLs,
checksums, categories), never third-party prose. Each dataset is one module here with

- ``OUTPUT``: the file's name under ``src/pydotorg/data/``;
- ``records(derived: Path) -> list[dict[str, Any]]``: the records, built from the normalised
  JSON files in ``derived`` (one per entity: ``releases.json``, ``blog_entries.json``, ...),
  keeping only the fields the service ships.

``python -m tools.data DERIVED_DIR [DATASET ...]`` rebuilds every dataset (or the ones named).
The files are deterministic: the same sources give the same bytes (sorted keys, no gzip time).
``src/pydotorg/data/SOURCES.md`` records where each dataset comes from and its licence. The
sources are not part of this repository; the shipped files are, so a user never needs them.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parents[2] / "src" / "pydotorg" / "data"


def encode(records: list[dict[str, Any]]) -> bytes:
    """The bytes of a shipped data file: compact JSON, sorted keys, gzip without a timestamp."""
    text = json.dumps(records, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


def write(name: str, records: list[dict[str, Any]], data_dir: Path = DATA_DIR) -> Path:
    path = data_dir / name
    path.write_bytes(encode(records))
    return path
