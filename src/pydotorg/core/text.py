"""Small text helpers every domain needs the same way."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, *, fallback: str, max_length: int = 180) -> str:
    """A URL slug: ASCII letters and digits joined by hyphens ('Café Zürich' -> 'cafe-zurich')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or fallback
