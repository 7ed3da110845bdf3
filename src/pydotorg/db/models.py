"""The metadata of every table: core's own and each domain's, for Alembic and the tests."""

from pydotorg.core import meta
from pydotorg.db.base import Base
from pydotorg.domains import DOMAINS

for domain in DOMAINS:
    domain.load_models()

metadata = Base.metadata

__all__ = ["meta", "metadata"]
