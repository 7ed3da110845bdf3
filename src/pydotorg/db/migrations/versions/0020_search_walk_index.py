"""PostgreSQL: the documents' newest-first index (kind, at, id) also holds each document's
object id, ``public`` and title vector (``INCLUDE``), so that reading a kind's documents
newest first for their titles (title matches among many, autocomplete) or their visibility is
an index-only scan: no row of the wide table (text, body vector) is read for a document that
does not match. The key is 0017's, as the model declares it. SQLite: nothing to do.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "search_documents (kind, at DESC NULLS LAST, id DESC)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_search_documents_newest")
    op.execute(
        f"CREATE INDEX ix_search_documents_newest ON {KEY} INCLUDE (object_id, public, title_tsv)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_search_documents_newest")
    op.execute(f"CREATE INDEX ix_search_documents_newest ON {KEY}")
