"""Small text helpers every domain needs the same way.

HTML from anyone (a rendered body, an imported feed's entry) passes :func:`sanitize` before it
is stored or served, so every domain keeps the same policy.

Numbers a client writes are ASCII digits only: Python's ``str.isdigit``, ``int()`` and a
regex's digit class also take other scripts' digits ("\u0663", "\uff13"), and ``int()``
takes "+3", " 3" and "3_0", so every number the service reads is checked with
:func:`ascii_digits` or ``[0-9]``.
"""

from __future__ import annotations

import re
import unicodedata

import nh3

# ammonia's defaults, plus what docutils writes (sections, definition lists, footnotes) and the
# ``class`` attribute it and syntax highlighting use; ``id`` for in-page anchors.
ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"section", "aside", "tfoot", "th"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "title", "lang"},
}
URL_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "cite", "longdesc"}
# What old browsers skipped before a URL's scheme (IE read backticks as quotes).
_URL_PREFIX_NOISE = re.compile(r"^[\s`'\"\x00-\x1f\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def slugify(text: str, *, fallback: str, max_length: int = 180) -> str:
    """A URL slug: ASCII letters and digits joined by hyphens ('Café Zürich' -> 'cafe-zurich')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or fallback


def ascii_digits(text: str, max_length: int = 18) -> bool:
    """Whether ``text`` is 1 to ``max_length`` ASCII digits (18 keep it within 64 bits)."""
    return 0 < len(text) <= max_length and text.isascii() and text.isdigit()


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    """Drop a URL that nh3 reads as relative but an old browser would not: one whose scheme
    (``javascript:``) follows quotes, backticks or spaces nh3 takes for part of a path."""
    if attribute in URL_ATTRIBUTES:
        scheme = _SCHEME.match(_URL_PREFIX_NOISE.sub("", value).lower())
        if scheme is not None and scheme.group(1) not in URL_SCHEMES:
            return None
    return value


def sanitize(html: str) -> str:
    """HTML with nothing that runs, loads from an unknown scheme or changes the page around it."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_url_filter,
    ).strip()
