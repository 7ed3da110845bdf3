"""Search on each database's own full-text engine: documents keep their text as written
(SQLite FTS5 with bm25 and the porter stemmer, and a title table for prefixes; PostgreSQL a
weighted english tsvector with a GIN index), a vocabulary of public documents' words indexed
by trigrams (FTS5 trigram; pg_trgm); the postings, the word list and the old documents go.
The documents are written again by the next seeding (``pydotorg serve`` does it on start) or
``pydotorg search reindex``.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Word = sa.String(length=40).with_variant(sa.String(40, collation="C"), "postgresql")
TRIGRAM_SQLITE = (3, 34, 0)  # the first SQLite with FTS5's trigram tokenizer
# PostgreSQL's parser reads a/b, a.b and a@b as one token (a path, a host, a version): a
# zero-width space after each of / . @ : makes their words words, as on SQLite.
SPLIT = "regexp_replace({}, '([/.@:])', '\\1' || chr(8203), 'g')"

# SQLite: a document's rowid orders it by kind, then date (the application allocates it), so
# FTS5 reads a kind's matches newest first and stops. search_titles: titles alone, unstemmed,
# with prefix indexes, for autocomplete.
SQLITE_DOCUMENTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, "
    "content='search_documents', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_titles USING fts5(title, "
    "content='search_documents', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6 7 8')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); "
    "INSERT INTO search_titles(rowid, title) VALUES (new.id, new.title); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_titles(search_titles, rowid, title) "
    "VALUES ('delete', old.id, old.title); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_titles(search_titles, rowid, title) "
    "VALUES ('delete', old.id, old.title); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); "
    "INSERT INTO search_titles(rowid, title) VALUES (new.id, new.title); END",
    "CREATE INDEX ix_search_documents_newest ON search_documents (kind, at, id)",
]
SQLITE_WORDS = [
    "CREATE VIRTUAL TABLE search_word_trigrams USING fts5(word, content='', tokenize='trigram')",
    "CREATE TRIGGER search_words_ai AFTER INSERT ON search_words BEGIN "
    "INSERT INTO search_word_trigrams(rowid, word) VALUES (new.rowid, ' ' || new.word || ' '); "
    "END",
    "CREATE TRIGGER search_words_ad AFTER DELETE ON search_words BEGIN "
    "INSERT INTO search_word_trigrams(search_word_trigrams, rowid, word) "
    "VALUES ('delete', old.rowid, ' ' || old.word || ' '); END",
]
# PostgreSQL: the kind is a lexeme of its own ('§page': no typed word can be it), so that the
# GIN index narrows a word's documents to one kind.
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('english', {SPLIT.format('title')}), 'A') || "
    f"setweight(to_tsvector('english', {SPLIT.format('body')}), 'B') || "
    "array_to_tsvector(ARRAY['§' || kind])) STORED",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)",
    "CREATE INDEX ix_search_documents_newest ON search_documents "
    "(kind, at DESC NULLS LAST, id DESC)",
    "CREATE INDEX ix_search_words_trigrams ON search_words USING gist (word gist_trgm_ops)",
]


def _sqlite_version() -> tuple[int, ...]:
    version = op.get_bind().exec_driver_sql("SELECT sqlite_version()").scalar()
    return tuple(int(part) for part in str(version).split("."))


def _drop_old() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_index("ix_search_postings_newest", table_name="search_postings")
    op.drop_index("ix_search_postings_title", table_name="search_postings")
    op.drop_index("ix_search_postings_object", table_name="search_postings")
    op.drop_table("search_postings")
    op.drop_table("search_terms")
    if dialect == "sqlite":
        for trigger in ("search_documents_ai", "search_documents_ad", "search_documents_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_documents")


def upgrade() -> None:
    _drop_old()
    dialect = op.get_bind().dialect.name
    op.create_table(
        "search_documents",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("object_id", Id, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("kind", "object_id", name="uq_search_documents_object"),
    )
    op.create_table(
        "search_words",
        sa.Column("word", Word, nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words")),
    )
    if dialect == "sqlite":
        statements = list(SQLITE_DOCUMENTS)
        if _sqlite_version() >= TRIGRAM_SQLITE:  # else: no typo correction (README)
            statements += SQLITE_WORDS
    else:
        statements = POSTGRES
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    """Back to 0016's tables, empty: 0016's code indexes the rows again as it seeds."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in (
            "search_documents_ai",
            "search_documents_ad",
            "search_documents_au",
            "search_words_ai",
            "search_words_ad",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_word_trigrams")
        op.execute("DROP TABLE IF EXISTS search_titles")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_words")
    op.drop_table("search_documents")
    op.create_table(
        "search_documents",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("object_id", Id, nullable=False),
        sa.Column("title_terms", sa.Text(), nullable=False),
        sa.Column("body_terms", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("kind", "object_id", name="uq_search_documents_object"),
    )
    if dialect == "sqlite":
        for statement in (
            "CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, body_terms, "
            "content='search_documents', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 0')",
            "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
            "INSERT INTO search_fts(rowid, title_terms, body_terms) "
            "VALUES (new.id, new.title_terms, new.body_terms); END",
            "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) "
            "VALUES ('delete', old.id, old.title_terms, old.body_terms); END",
            "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) "
            "VALUES ('delete', old.id, old.title_terms, old.body_terms); "
            "INSERT INTO search_fts(rowid, title_terms, body_terms) "
            "VALUES (new.id, new.title_terms, new.body_terms); END",
        ):
            op.execute(statement)
    else:
        op.execute(
            "ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple', title_terms), 'A') || "
            "setweight(to_tsvector('simple', body_terms), 'B')) STORED"
        )
        op.execute("CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)")
    op.create_table(
        "search_terms",
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_search_terms")),
    )
    term = sa.String(length=200).with_variant(sa.String(200, collation="C"), "postgresql")
    op.create_table(
        "search_postings",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("term", term, nullable=False),
        sa.Column("object_id", Id, nullable=False),
        sa.Column("title_at", sa.Text(), nullable=False),
        sa.Column("body_at", sa.Text(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=True),
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
    op.create_index(
        "ix_search_postings_newest", "search_postings", ["kind", "term", "at", "object_id"]
    )
