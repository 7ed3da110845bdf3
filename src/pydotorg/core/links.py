"""Absolute links to resources, built from route names, never from hand-written paths.

Every route is named by its operation id (``getOS``, ``exportCalendarIcal``). :class:`Routes`
reads each one's path template from the app once at start-up; a request's :class:`Links` joins
one with the base URL (``PUBLIC_BASE_URL`` behind a proxy, else the request's scheme and host).
A service writes ``self.links.url("getOS", os.id)`` and never knows the path or the host.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar, Request

from pydotorg.core.urls import base_url

_PARAMETER = re.compile(r"{(\w+)}")


class Routes:
    """The path template of every named route of the app (operation id -> path)."""

    def __init__(self, app: Litestar) -> None:
        self.paths: dict[str, tuple[str, tuple[str, ...]]] = {}
        for route in app.routes:
            template = route.path_format or "/"
            names = tuple(_PARAMETER.findall(template))
            for handler in getattr(route, "route_handlers", ()):
                operation_id = getattr(handler, "operation_id", None)
                if isinstance(operation_id, str):
                    self.paths[operation_id] = (template, names)

    def path(self, name: str, *args: Any, **params: Any) -> str:
        """The path of route ``name``; its parameters by name, or in order."""
        template, names = self.paths[name]
        params.update(zip(names, args, strict=False))
        return template.format(**params)


class Links:
    """Absolute URLs for one request."""

    def __init__(self, base: str, routes: Routes) -> None:
        self.base = base
        self.routes = routes

    @classmethod
    def of(cls, request: Request[Any, Any, Any]) -> Links:
        return cls(base_url(request), request.app.state.routes)

    def url(self, name: str, *args: Any, **params: Any) -> str:
        template, names = self.routes.paths[name]
        if args:
            params.update(zip(names, args, strict=False))
        return self.base + template.format_map(params)
