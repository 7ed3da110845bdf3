"""Every python.org-compatible endpoint, v1 and v2."""

from typing import Any

ROUTES: list[Any] = []
