"""Defaults by configuration, exceptions by declaration: who may call an endpoint, what it costs.

Every domain controller derives from :class:`ApiController`. A handler's access rule, rate-limit
tier and whether its anonymous answers are cached follow from its HTTP method and controller:

- reads are open to anyone, in the LOW tier, and cached for anonymous callers;
- writes are for staff (a controller may open them with ``write_access = Access.SIGNED_IN``),
  in the HIGH tier.

A handler declares an exception next to itself, as keyword arguments Litestar keeps in its
``opt``: ``@post("/submit", access=Access.SIGNED_IN, tier=Tier.CRITICAL, errors=(409,))``.
The keys below name what a handler may declare besides its access (``core.auth``) and tier
(``core.ratelimit``); at start-up the app resolves and documents them all
(``web.endpoints.configure_endpoints``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from litestar import Controller, Router

from pydotorg.core.auth import Access
from pydotorg.core.ratelimit import Tier

DEFAULTS_KEY = "api_defaults"
# ``errors=(404,)``: statuses the handler may answer besides those derived from what it does.
ERRORS_KEY = "errors"
# ``also_as=(media type, ...)``: other media types the handler answers with when asked.
ALSO_AS_KEY = "also_as"
# ``database=False``: the handler never reaches the database, so it cannot answer 503 for it.
DATABASE_KEY = "database"
# ``refuses=True``: the handler only refuses its methods (405), so ``Allow`` does not list them.
REFUSES_KEY = "refuses"
# ``slashed=True``: the handler serves one of python.org's paths, which end in a slash
# (``web.slashes``).
SLASHED_KEY = "slashed"

SUBMISSION: dict[str, Any] = {
    "access": Access.SIGNED_IN,
    "tier": Tier.CRITICAL,
    "group": "submissions",
}
"""What a handler that puts something before staff for review declares (``@post(...,
**SUBMISSION)``): signed-in callers, the critical tier, and one counter for every kind of
submission, so that a caller's story, event, post and application share one limit."""
SEARCH: dict[str, Any] = {"access": Access.PUBLIC, "tier": Tier.CRITICAL, "group": "search"}
"""What a full-text search handler declares: open to anyone, the critical tier, and one counter
for every search endpoint."""


class ApiController(Controller):
    """Base of every domain controller: reads for anyone, writes for staff, unless it says
    otherwise (``read_access``, ``write_access``) or a handler does (``access=...``)."""

    read_access: ClassVar[Access] = Access.PUBLIC
    write_access: ClassVar[Access] = Access.STAFF

    def __init__(self, owner: Router) -> None:
        super().__init__(owner)
        self.opt = {DEFAULTS_KEY: (self.read_access, self.write_access), **(self.opt or {})}
