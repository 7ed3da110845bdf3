"""Sponsors in the site-wide search: those with a finalized sponsorship, the public ones."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from pydotorg.core.search import IndexSpec, Role
from pydotorg.sponsors.models import Sponsor
from pydotorg.sponsors.services import SPONSOR_INDEX, finalized_sponsorship, sponsor_document


def _visible(role: Role, user_id: int | None) -> ColumnElement[bool]:
    return true() if role == "staff" else finalized_sponsorship()


INDEXES = [
    IndexSpec(
        name="sponsors",
        kind=SPONSOR_INDEX.kind,
        model=Sponsor,
        title=Sponsor.name,
        date=Sponsor.created,
        route="getSponsor",
        visible=_visible,
        document=sponsor_document,
        indexed=finalized_sponsorship,
    )
]
