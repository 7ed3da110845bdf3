"""How handlers' return values become responses, the same way for every endpoint.

``ApiResponse`` is the app's response class: a :class:`~pydotorg.core.pagination.Page` is
written as a bare JSON array with ``X-Total-Count`` and ``Link``, and a ``201 Created`` whose
body has a ``resource_uri`` carries it in ``Location``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response.base import ASGIResponse

from pydotorg.core.pagination import Page, link_header


class ApiResponse(Response[Any]):
    def to_asgi_response(
        self, app: Any, request: Request[Any, Any, Any], **kwargs: Any
    ) -> ASGIResponse:
        content = self.content
        if isinstance(content, Page):
            self.headers["X-Total-Count"] = str(content.total)
            self.headers.update(content.headers or {})
            if content.window.style != "body":
                self.headers["Link"] = link_header(request, content.window, content.total)
            self.content = content.items
        elif self.status_code == 201 and "Location" not in self.headers:
            uri = getattr(content, "resource_uri", None)
            if isinstance(uri, str):
                self.headers["Location"] = uri
        return super().to_asgi_response(app, request, **kwargs)
