"""Releases in the site-wide search: every release is indexed, published ones are public."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from pydotorg.core.search import IndexSpec, SearchIndex, staff_or
from pydotorg.downloads.models import Release

RELEASE_INDEX = SearchIndex("release", 1)


def document(release: Release) -> tuple[str, str]:
    """A release is found by its name (``Python 3.12.1``: ``3.12`` finds it too)."""
    return release.name, ""


def _published() -> ColumnElement[bool]:
    return Release.is_published.is_(True)


INDEXES = [
    IndexSpec(
        name="releases",
        index=RELEASE_INDEX,
        model=Release,
        title=Release.name,
        date=Release.release_date,
        route="getRelease",
        visible=staff_or(_published),
        document=document,
    )
]
