"""The search tables live in the kit (``core/search.py``), shared by every domain."""

from pydotorg.core.search import SearchDocument, SearchPosting, SearchTerm

__all__ = ["SearchDocument", "SearchPosting", "SearchTerm"]
