"""Helpers the downloads tests share."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import ReleaseFactory, unique_number
from tests.support import created_json


def make_release(
    staff: httpx.Client,
    major: int,
    *,
    published: bool = True,
    release_date: str = "2031-05-01T12:00:00+00:00",
    patch: int = 0,
) -> dict[str, Any]:
    """A release of the test's own, ``Python <major>.<random minor>.<patch>``, so tests never
    collide (the caller deletes it)."""
    name = f"Python {major}.{unique_number(50, 950)}.{patch}"
    body = ReleaseFactory.body(name=name, release_date=release_date, is_published=published)
    return created_json(staff.post("/api/v1/releases/", json=body))
