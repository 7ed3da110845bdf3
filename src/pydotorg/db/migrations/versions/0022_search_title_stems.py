"""SQLite: a document's title gets an FTS5 table of its own with the search table's tokenizer
(``porter``), ``search_title_stems``, so that "every word in the title" reads the document
lists of titles alone: with the search table's column filter (``{title} :``) FTS5 decoded every
position list of the words' documents, titles and bodies, to find the title column (2-4 ms a
kind for a few title matches among many). Kept by the documents' triggers, as the other two;
built from the documents in place. PostgreSQL: nothing to do (``title_tsv``, 0019).

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_NEW = "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); "
FTS_OLD = (
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
)
TITLES_NEW = "INSERT INTO search_titles(rowid, title) VALUES (new.id, new.title); "
TITLES_OLD = (
    "INSERT INTO search_titles(search_titles, rowid, title) VALUES ('delete', old.id, old.title); "
)
STEMS_NEW = "INSERT INTO search_title_stems(rowid, title) VALUES (new.id, new.title); "
STEMS_OLD = (
    "INSERT INTO search_title_stems(search_title_stems, rowid, title) "
    "VALUES ('delete', old.id, old.title); "
)


def _triggers(new: str, old: str) -> list[str]:
    """The documents' triggers, writing ``new`` for a new row and ``old`` for an old one."""
    return [
        f"CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN {new}END",
        f"CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN {old}END",
        f"CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN {old}{new}END",
    ]


def _drop_triggers() -> None:
    for trigger in ("search_documents_ai", "search_documents_ad", "search_documents_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_title_stems USING fts5(title, "
        "content='search_documents', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute("INSERT INTO search_title_stems(search_title_stems) VALUES ('rebuild')")
    _drop_triggers()
    for statement in _triggers(FTS_NEW + TITLES_NEW + STEMS_NEW, FTS_OLD + TITLES_OLD + STEMS_OLD):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()
    for statement in _triggers(FTS_NEW + TITLES_NEW, FTS_OLD + TITLES_OLD):
        op.execute(statement)
    op.execute("DROP TABLE search_title_stems")
