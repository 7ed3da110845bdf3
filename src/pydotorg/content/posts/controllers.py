"""The posts routes."""

from typing import Any

ROUTES: list[Any] = []
