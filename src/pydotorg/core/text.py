"""Small text helpers every domain needs the same way.

Numbers a client writes are ASCII digits only: Python's ``str.isdigit``, ``int()`` and a
regex's digit class also take other scripts' digits ("\u0663", "\uff13"), and ``int()``
takes "+3", " 3" and "3_0", so every number the service reads is checked with
:func:`ascii_digits` or ``[0-9]``.
"""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, *, fallback: str, max_length: int = 180) -> str:
    """A URL slug: ASCII letters and digits joined by hyphens ('Café Zürich' -> 'cafe-zurich')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or fallback


def ascii_digits(text: str, max_length: int = 18) -> bool:
    """Whether ``text`` is 1 to ``max_length`` ASCII digits (18 keep it within 64 bits)."""
    return 0 < len(text) <= max_length and text.isascii() and text.isdigit()
