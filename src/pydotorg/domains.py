"""Every domain of the service. Adding a domain is one new package and one line here.

The order is the order of the documentation's sections and of seeding. This module is the
composition root's list: the app, the CLI, Alembic and the tests pass it (or what it gathers)
to the layers below, which never import it.
"""

from sqlalchemy import MetaData

from pydotorg import accounts, compat, content, downloads, events, jobs, search, sponsors
from pydotorg.core.domain import Domain
from pydotorg.db import meta  # noqa: F401  (the database's own table, service_meta)
from pydotorg.db.base import Base
from pydotorg.search.indexing import index_domains

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

index_domains(DOMAINS)


def metadata() -> MetaData:
    """The metadata of every table, the database's own (``db.meta``) and each domain's: what
    Alembic compares the schema with."""
    for domain in DOMAINS:
        domain.load_models()
    return Base.metadata
