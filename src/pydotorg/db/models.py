"""Every domain's models, imported so the metadata is complete for Alembic and tests."""

from pydotorg.accounts import models as accounts_models
from pydotorg.core import meta as core_meta
from pydotorg.core import search as core_search
from pydotorg.db.base import Base
from pydotorg.downloads import models as downloads_models
from pydotorg.events import models as events_models
from pydotorg.jobs import models as jobs_models

metadata = Base.metadata

__all__ = [
    "accounts_models",
    "core_meta",
    "core_search",
    "downloads_models",
    "events_models",
    "jobs_models",
    "metadata",
]
