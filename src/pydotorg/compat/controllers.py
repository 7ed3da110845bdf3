"""Every python.org-compatible endpoint, v1 and v2."""

from typing import Any

from pydotorg.compat.v1 import downloads as v1_downloads
from pydotorg.compat.v2 import downloads as v2_downloads

ROUTES: list[Any] = [*v1_downloads.ROUTES, *v2_downloads.ROUTES]
"""The compatible endpoints keep no tables of their own: they serve the domains' records."""
