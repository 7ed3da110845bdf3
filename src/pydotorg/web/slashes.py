"""Paths that end in a slash, as python.org's do (``/api/v1/downloads/os/``).

Litestar answers a path with or without its trailing slash alike. Django, with its
``APPEND_SLASH``, answers the path without it with a ``301`` to the path with it, the query
string kept, whatever the method, before any view (or its credentials check) runs. A handler
that serves one of python.org's paths declares ``slashed=True``; at start-up
:class:`SlashedPaths` reads those routes' paths, the edge (``web.edge``) answers each of them
given without its slash with that ``301``, and :func:`document_slashes` lists them in the
OpenAPI document with the slash they are served at.
"""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.openapi.spec import OpenAPI

from pydotorg.core.endpoints import SLASHED_KEY

_PARAMETER = re.compile(r"{[^}]+}")


def _slashed_routes(app: Litestar) -> list[str]:
    return [
        route.path_format
        for route in app.routes
        if any(handler.opt.get(SLASHED_KEY) for handler in getattr(route, "route_handlers", ()))
    ]


def _pattern(path_format: str) -> str:
    literals = _PARAMETER.split(path_format)
    return "[^/]+".join(re.escape(literal) for literal in literals)


class SlashedPaths:
    """The app's paths served with a trailing slash, to redirect to when given without."""

    def __init__(self, app: Litestar) -> None:
        patterns = [_pattern(path) for path in _slashed_routes(app)]
        self.pattern = re.compile("|".join(patterns)) if patterns else None

    def location(self, path: str, raw_path: bytes | None, query: bytes) -> bytes | None:
        """Where a request for ``path`` is sent: the path with its slash (and the query
        string), or None when the path is not one of them."""
        if self.pattern is None or not self.pattern.fullmatch(path):
            return None
        target = (raw_path or path.encode()) + b"/"
        return target + b"?" + query if query else target


def document_slashes(app: Litestar, document: OpenAPI) -> None:
    """List each slashed path in the OpenAPI document with its trailing slash."""
    slashed = set(_slashed_routes(app))
    paths = document.paths or {}
    document.paths = {
        (f"{path}/" if path in slashed else path): item for path, item in paths.items()
    }
