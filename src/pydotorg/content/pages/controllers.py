"""The pages routes."""

from typing import Any

ROUTES: list[Any] = []
