"""Search postings (one row per term of each document) and an index on pages' update time,
for the site-wide search and autocomplete at 100,000 documents

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
MAX_TERM_LENGTH = 200


def postings(title_terms: list[str], body_terms: list[str]) -> dict[str, tuple[str, str]]:
    """Each distinct term of a document with its positions in the title and in the body, as
    this revision stores them (a frozen copy of the application's function at the time)."""
    where: dict[str, tuple[list[str], list[str]]] = {}
    for column, terms in ((0, title_terms), (1, body_terms)):
        for position, term in enumerate(terms):
            if len(term) <= MAX_TERM_LENGTH:
                where.setdefault(term, ([], []))[column].append(str(position))
    return {term: (" ".join(title), " ".join(body)) for term, (title, body) in where.items()}


def upgrade() -> None:
    op.create_table(
        "search_postings",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column(
            "term",
            sa.String(length=200).with_variant(sa.String(200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "object_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("title_at", sa.Text(), nullable=False),
        sa.Column("body_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "term", "object_id", name=op.f("pk_search_postings")),
    )
    op.create_index("ix_search_postings_object", "search_postings", ["kind", "object_id"])
    op.create_index(
        "ix_search_postings_title",
        "search_postings",
        ["kind", "term", "object_id"],
        sqlite_where=sa.text("title_at <> ''"),
        postgresql_where=sa.text("title_at <> ''"),
    )
    op.create_index("ix_pages_updated_id", "pages", ["updated", "id"])
    # The postings of the documents indexed before this revision.
    bind = op.get_bind()
    table = sa.table(
        "search_postings",
        *(sa.column(name) for name in ("kind", "term", "object_id", "title_at", "body_at")),
    )
    rows: list[dict[str, object]] = []
    documents = bind.execute(
        sa.text("SELECT kind, object_id, title_terms, body_terms FROM search_documents")
    ).all()
    for kind, object_id, title, body in documents:
        for term, (title_at, body_at) in postings(title.split(), body.split()).items():
            rows.append(
                {
                    "kind": kind,
                    "term": term,
                    "object_id": object_id,
                    "title_at": title_at,
                    "body_at": body_at,
                }
            )
        if len(rows) >= BATCH:
            bind.execute(table.insert(), rows)
            rows = []
    if rows:
        bind.execute(table.insert(), rows)
    # Planner statistics: SQLite has none until asked, and without them it may sort a whole
    # table where walking an index newest first would stop after a page.
    op.execute("ANALYZE" if bind.dialect.name == "sqlite" else "ANALYZE search_postings")


def downgrade() -> None:
    op.drop_index("ix_pages_updated_id", table_name="pages")
    op.drop_index("ix_search_postings_title", table_name="search_postings")
    op.drop_index("ix_search_postings_object", table_name="search_postings")
    op.drop_table("search_postings")
