"""Sponsors in the site-wide search: those with a finalized sponsorship, the public ones."""

from __future__ import annotations

from pydotorg.core.search import IndexSpec, SearchIndex, staff_or
from pydotorg.sponsors.models import Sponsor, Sponsorship
from pydotorg.sponsors.services import finalized_sponsorship, sponsor_document

INDEXES = [
    IndexSpec(
        name="sponsors",
        index=SearchIndex("sponsor", 8),
        model=Sponsor,
        title=Sponsor.name,
        date=Sponsor.created,
        route="getSponsor",
        visible=staff_or(finalized_sponsorship),
        document=sponsor_document,
        indexed=finalized_sponsorship,
        # A sponsorship finalized (or no longer) makes its sponsor public (or not).
        follows={Sponsorship: lambda sponsorship: sponsorship.sponsor_id},
    )
]
