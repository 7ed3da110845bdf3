"""Every domain's models, imported so the metadata is complete for Alembic and tests."""

from pydotorg.accounts import models as accounts_models
from pydotorg.core import meta as core_meta
from pydotorg.db.base import Base
from pydotorg.downloads import models as downloads_models

metadata = Base.metadata

__all__ = ["accounts_models", "core_meta", "downloads_models", "metadata"]
