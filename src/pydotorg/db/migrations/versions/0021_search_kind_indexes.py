"""PostgreSQL: the two largest kinds (pages, blog entries) get GIN indexes of their own over
the title vector (partial: ``WHERE kind = ...``), so that autocomplete's prefix in one of them
reads that kind's titles alone (the whole table's index, 0019, intersects the prefix's titles
with the kind's lexeme, as long as the kind); the whole table's index stays for the other
kinds and for search. SQLite: nothing to do (a kind is a range of rowids).

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("page", "blog_entry")  # the other kinds: 0024
VECTORS = ("title_tsv",)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for kind in KINDS:
        for vector in VECTORS:
            op.execute(
                f"CREATE INDEX ix_search_documents_{vector}_{kind} ON search_documents "
                f"USING gin ({vector}) WHERE kind = '{kind}'"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for kind in KINDS:
        for vector in VECTORS:
            op.execute(f"DROP INDEX ix_search_documents_{vector}_{kind}")
