"""The site-wide search's vocabulary (typo tolerance corrects a query's words to it)

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_terms",
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_search_terms")),
    )
    # The words of the documents indexed before this revision.
    bind = op.get_bind()
    terms: set[str] = set()
    for title, body in bind.execute(
        sa.text("SELECT title_terms, body_terms FROM search_documents")
    ):
        terms.update(word for word in f"{title} {body}".split() if len(word) <= 200)
    if terms:
        table = sa.table("search_terms", sa.column("term", sa.String))
        op.bulk_insert(table, [{"term": term} for term in sorted(terms)])


def downgrade() -> None:
    op.drop_table("search_terms")
