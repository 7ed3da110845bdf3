"""Every domain of the service. Adding a domain is one new package and one line here.

The order is the order of the documentation's sections and of seeding.
"""

from pydotorg import accounts, compat, content, downloads, events, jobs, search, sponsors
from pydotorg.core.domain import Domain

DOMAINS: tuple[Domain, ...] = (
    downloads.DOMAIN,
    events.DOMAIN,
    jobs.DOMAIN,
    content.DOMAIN,
    sponsors.DOMAIN,
    accounts.DOMAIN,
    search.DOMAIN,
    compat.DOMAIN,
)
