"""Sponsors in the site-wide search: those with a finalized sponsorship, the public ones."""

from __future__ import annotations

from pydotorg.core.search import IndexSpec, staff_or
from pydotorg.sponsors.models import Sponsor
from pydotorg.sponsors.services import SPONSOR_INDEX, finalized_sponsorship, sponsor_document

INDEXES = [
    IndexSpec(
        name="sponsors",
        index=SPONSOR_INDEX,
        model=Sponsor,
        title=Sponsor.name,
        route="getSponsor",
        visible=staff_or(finalized_sponsorship),
        document=sponsor_document,
        indexed=finalized_sponsorship,
    )
]
