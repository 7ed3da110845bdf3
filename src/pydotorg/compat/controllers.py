"""Every python.org-compatible endpoint, v1 and v2."""

from typing import Any

from pydotorg.compat.v1 import downloads as v1_downloads
from pydotorg.compat.v1 import pages as v1_pages
from pydotorg.compat.v1 import root as v1_root
from pydotorg.compat.v2 import downloads as v2_downloads
from pydotorg.compat.v2 import pages as v2_pages
from pydotorg.compat.v2 import root as v2_root
from pydotorg.compat.v2 import sponsors as v2_sponsors

ROUTES: list[Any] = [
    *v1_root.ROUTES,
    *v1_downloads.ROUTES,
    *v1_pages.ROUTES,
    *v2_root.ROUTES,
    *v2_downloads.ROUTES,
    *v2_pages.ROUTES,
    *v2_sponsors.ROUTES,
]
