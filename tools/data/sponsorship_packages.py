"""The PSF's 2022 sponsorship packages (levels), from python.org's fixture: facts only.

Each package keeps its id, name, slug, amount (US dollars), order, year, whether it is
advertised and its logo dimension. Its description is not shipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.data._programme import SOURCE, fixture

OUTPUT = "sponsorship_packages.json.gz"


def records(derived: Path) -> list[dict[str, Any]]:
    return [
        {
            "id": pk,
            "name": fields["name"],
            "slug": fields["slug"],
            "sponsorship_amount": fields["sponsorship_amount"],
            "order": fields["order"],
            "year": fields["year"],
            "advertise": fields["advertise"],
            "logo_dimension": fields["logo_dimension"],
            "source": SOURCE,
        }
        for pk, fields in fixture(derived)["sponsorshippackage"]
    ]
