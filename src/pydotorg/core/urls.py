"""Absolute URLs of resources, as the guide's examples print them (``resource_uri``)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from pydotorg.settings import Settings


def base_url(request: Request[Any, Any, Any]) -> str:
    """``PUBLIC_BASE_URL`` when set (behind a proxy), else the scheme and host of the request."""
    settings: Settings = request.app.state.settings
    configured = settings.public_base_url
    if configured:
        return configured
    return str(request.base_url).rstrip("/")
