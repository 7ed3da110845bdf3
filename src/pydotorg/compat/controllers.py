"""Every python.org-compatible endpoint, v1 and v2."""

from typing import Any

from pydotorg.compat.v2 import root as v2_root
from pydotorg.compat.v2 import sponsors as v2_sponsors

ROUTES: list[Any] = []
ROUTES += v2_root.ROUTES
ROUTES += v2_sponsors.ROUTES
