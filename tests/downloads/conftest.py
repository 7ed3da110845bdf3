"""Helpers the downloads tests share."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


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
    minor = uuid.uuid4().int % 900 + 50
    response = staff.post(
        "/api/v1/releases/",
        json={
            "name": f"Python {major}.{minor}.{patch}",
            "release_date": release_date,
            "is_published": published,
        },
    )
    assert response.status_code == 201, response.text
    release: dict[str, Any] = response.json()
    return release
