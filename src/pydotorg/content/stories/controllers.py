"""The stories routes."""

from typing import Any

ROUTES: list[Any] = []
