"""The PSF's 2022 sponsorship benefits, from python.org's fixture: facts only.

Each benefit keeps its id, name, programme (id), order, its tiered quantities per package
slug, and its logo placement (publisher, flight, and whether it links to the sponsors page and
describes the sponsor) where it has one. Its description texts are not shipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.data._programme import SOURCE, fixture

OUTPUT = "sponsorship_benefits.json.gz"


def records(derived: Path) -> list[dict[str, Any]]:
    models = fixture(derived)
    slugs = {pk: fields["slug"] for pk, fields in models["sponsorshippackage"]}
    owner = {pk: fields["benefit"] for pk, fields in models["benefitfeatureconfiguration"]}
    quantities: dict[int, dict[str, int]] = {}
    for pk, fields in models["tieredbenefitconfiguration"]:
        quantities.setdefault(owner[pk], {})[slugs[fields["package"]]] = fields["quantity"]
    placements = {owner[pk]: fields for pk, fields in models["logoplacementconfiguration"]}
    made = []
    for pk, fields in models["sponsorshipbenefit"]:
        placement = placements.get(pk)
        made.append(
            {
                "id": pk,
                "name": fields["name"],
                "program": fields["program"],
                "order": fields["order"],
                "quantities": quantities.get(pk, {}),
                "logo_placement": None
                if placement is None
                else {
                    "publisher": placement["publisher"],
                    "flight": placement["logo_place"],
                    "link_to_sponsors_page": placement["link_to_sponsors_page"],
                    "describe_as_sponsor": placement["describe_as_sponsor"],
                },
                "source": SOURCE,
            }
        )
    return made
