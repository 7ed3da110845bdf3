"""Numbers in paths are ASCII digits.

Litestar reads a ``{name:int}`` path segment with Python's ``int()``, which takes other
scripts' digits ("\\u0663", "\\uff13"), a sign, spaces and underscores ("+3", " 3", "3_0"), so
``/api/v1/releases/٣`` answered as ``/api/v1/releases/3``. With :func:`ascii_path_integers`
such a segment takes ASCII digits only, and anything else matches no route (a 404), as
``/api/v1/releases/abc`` does. Routes take their parsers when the app is built, so
``create_app`` sets this first.
"""

from __future__ import annotations

from litestar.routes import base


def path_integer(segment: str) -> int:
    """The number an ``{name:int}`` segment holds; ``ValueError`` (a 404) unless ASCII digits."""
    if not (segment.isascii() and segment.isdigit()):
        raise ValueError(f"not a number in ASCII digits: {segment!r}")
    return int(segment)


def ascii_path_integers() -> None:
    """Make every ``{name:int}`` path parameter of the apps built from now on ASCII digits."""
    base.parsers_map[int] = path_integer
