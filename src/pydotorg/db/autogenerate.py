"""What Alembic's autogenerate compares and writes: the models against a database, less the
search engines' own objects, which the migrations make by hand and no model declares.

``pydotorg db revision`` writes a migration from the differences, and ``tests/db`` checks that
a database migrated to the head has none (the drift test). Both go through
:func:`include_object`, so what one ignores the other ignores too, for the reasons below.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Connection, Index, MetaData
from sqlalchemy.schema import SchemaItem

from pydotorg.db.base import UTCDateTime
from pydotorg.db.engine import create_engine

# SQLite (0017, 0022): FTS5 virtual tables over the search documents (search_fts,
# search_titles, search_title_stems) and over the vocabulary (search_word_trigrams), kept by
# triggers, and the shadow tables FTS5 makes for each (_data, _idx, _content, _docsize,
# _config).
SEARCH_TABLES = re.compile(
    r"search_(fts|titles|title_stems|word_trigrams)(_(data|idx|content|docsize|config))?"
)
# PostgreSQL (0017, 0019, 0021, 0024): the documents' generated tsvector columns, their GIN
# indexes (the whole table's, and each kind's own title index), and the vocabulary's pg_trgm
# GiST index.
SEARCH_COLUMNS = {("search_documents", "tsv"), ("search_documents", "title_tsv")}
SEARCH_INDEXES = re.compile(
    r"ix_search_documents_tsv|ix_search_words_trigrams"
    r"|ix_search_documents_title_tsv(_[a-z_]+)?"  # the whole table's, and each kind's own
)


ObjectFilter = Callable[[SchemaItem, str | None, str, bool, Any], bool]


def include_object(dialect: str) -> ObjectFilter:
    """Alembic's ``include_object`` hook for a database of ``dialect``."""

    def include(
        item: SchemaItem, name: str | None, kind: str, reflected: bool, compare_to: Any
    ) -> bool:
        if kind == "table":
            return not (reflected and SEARCH_TABLES.fullmatch(name or ""))
        if kind == "column":
            table = getattr(item, "table", None)
            return (getattr(table, "name", None), name) not in SEARCH_COLUMNS
        if kind == "index":
            if SEARCH_INDEXES.fullmatch(name or ""):
                return False
            # SQLite reflects neither an index's expressions nor its order: a model index with
            # either (lower(email), at DESC) is compared on PostgreSQL alone.
            has_expressions = isinstance(item, Index) and not all(
                isinstance(expression, Column) for expression in item.expressions
            )
            return not (dialect == "sqlite" and not reflected and has_expressions)
        return True

    return include


@contextmanager
def sqlite_limits_known() -> Iterator[None]:
    """Without SQLAlchemy's and Alembic's warnings that SQLite cannot reflect expression
    indexes: the rule above says so once, instead of four warnings on every run."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*expression-based index")
        yield


def render_item(kind: str, item: Any, context: Any) -> str | bool:
    """How autogenerate writes a type of ours: as the SQLAlchemy type it stores, so that a
    migration never imports the application (``UTCDateTime`` is ``DateTime(timezone=True)``)."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def configure_options(connection: Connection) -> dict[str, Any]:
    """The options every comparison of the models with ``connection``'s database takes."""
    return {
        "compare_type": True,
        "include_object": include_object(connection.dialect.name),
        "render_item": render_item,
        "render_as_batch": connection.dialect.name == "sqlite",
    }


def _differences(connection: Connection, metadata: MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts=configure_options(connection))
    with sqlite_limits_known():
        return list(compare_metadata(context, metadata))


async def differences(database_url: str, metadata: MetaData) -> list[Any]:
    """What autogenerate would change to make the database at ``database_url`` match the
    models' ``metadata`` (``pydotorg.domains.metadata()``): nothing, on a database migrated to
    the head, when models and migrations agree."""
    engine = create_engine(database_url, pool=False)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_differences, metadata)
    finally:
        await engine.dispose()


__all__ = [
    "configure_options",
    "differences",
    "include_object",
    "render_item",
    "sqlite_limits_known",
]
