"""PostgreSQL: a document's title words get a tsvector and a GIN index of their own (with the
kind's lexeme), so that "every word in the title" is an exact index lookup (the weighted
``tsv`` needs every candidate's row read to check the weights) and autocomplete's prefixes read
titles alone. SQLite has had its title table (``search_titles``) since 0017: nothing to do.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPLIT = "regexp_replace({}, '([/.@:])', '\\1' || chr(8203), 'g')"  # as 0017's


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE search_documents ADD COLUMN title_tsv tsvector GENERATED ALWAYS AS ("
        f"to_tsvector('english', {SPLIT.format('title')}) || "
        "array_to_tsvector(ARRAY['§' || kind])) STORED"
    )
    op.execute(
        "CREATE INDEX ix_search_documents_title_tsv ON search_documents USING gin (title_tsv)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_search_documents_title_tsv")
    op.execute("ALTER TABLE search_documents DROP COLUMN title_tsv")
