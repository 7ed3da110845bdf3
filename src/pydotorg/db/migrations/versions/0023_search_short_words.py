"""The vocabulary ``search_words`` counts every word of the public documents up to 40
characters, the short (``is``, ``us``) and all-digit (``3``, ``2024``) ones too, so that the
search knows how frequent every typed word is (a word not counted was taken for a rare one:
scored on SQLite, ``is`` in 77% of the documents; read from the GIN bitmap on PostgreSQL).
Typos are still corrected only to words of 3 characters or more, not all digits: the trigram
indexes keep to them (PostgreSQL: a partial index; SQLite: triggers that feed
``search_word_trigrams`` only them). The words added are counted here from the public
documents, as ``pydotorg search reindex`` counts them.

Revision ID: 0023
Revises: 0022
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# pydotorg.search.query.words and indexing.correctable as of this revision.
WORD = re.compile(r"[^\W_]+")
MAX_WORD_LENGTH, BATCH = 40, 2000
POSTGRES_CORRECTABLE = "length(word) >= 3 AND word !~ '^[0-9]+$'"
SQLITE_CORRECTABLE = "length({0}.word) >= 3 AND {0}.word GLOB '*[^0-9]*'"
TRIGRAM_INDEX = (
    "CREATE INDEX ix_search_words_trigrams ON search_words USING gist (word gist_trgm_ops)"
)


def _correctable(word: str) -> bool:
    return len(word) >= 3 and not word.isdigit()


def _sqlite_triggers(when: str) -> list[str]:
    return [
        f"CREATE TRIGGER search_words_ai AFTER INSERT ON search_words {when.format('new')} "  # noqa: S608
        "BEGIN INSERT INTO search_word_trigrams(rowid, word) "
        "VALUES (new.rowid, ' ' || new.word || ' '); END",
        f"CREATE TRIGGER search_words_ad AFTER DELETE ON search_words {when.format('old')} "  # noqa: S608
        "BEGIN INSERT INTO search_word_trigrams(search_word_trigrams, rowid, word) "
        "VALUES ('delete', old.rowid, ' ' || old.word || ' '); END",
    ]


def _set_trigram_index(correctable_only: bool) -> None:
    """The trigram index (table) of the correctable words only, or of every word."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.execute("DROP INDEX ix_search_words_trigrams")
        where = f" WHERE {POSTGRES_CORRECTABLE}" if correctable_only else ""
        op.execute(TRIGRAM_INDEX + where)
        return
    found = "SELECT count(*) FROM sqlite_master WHERE name = 'search_word_trigrams'"
    if not bind.scalar(sa.text(found)):  # SQLite before 3.34: no trigram table (0017)
        return
    for trigger in ("search_words_ai", "search_words_ad"):
        op.execute(f"DROP TRIGGER {trigger}")
    when = f"WHEN {SQLITE_CORRECTABLE}" if correctable_only else ""
    for statement in _sqlite_triggers(when):
        op.execute(statement)


def upgrade() -> None:
    bind = op.get_bind()
    _set_trigram_index(correctable_only=True)
    counts: Counter[str] = Counter()
    page = sa.text(
        "SELECT id, title, body FROM search_documents WHERE public AND id > :last "
        "ORDER BY id LIMIT :batch"
    )
    last = -(2**63)
    while rows := bind.execute(page, {"last": last, "batch": BATCH}).all():
        for _, title, body in rows:
            text = unicodedata.normalize("NFKC", f"{title}\n{body}").casefold()
            counts.update(
                {w for w in WORD.findall(text) if len(w) <= MAX_WORD_LENGTH and not _correctable(w)}
            )
        last = rows[-1][0]
    insert = sa.text("INSERT INTO search_words (word, documents) VALUES (:word, :n)")
    new = [{"word": word, "n": n} for word, n in sorted(counts.items())]
    for start in range(0, len(new), BATCH):
        bind.execute(insert, new[start : start + BATCH])


def downgrade() -> None:
    bind = op.get_bind()
    words = bind.scalars(sa.text("SELECT word FROM search_words")).all()
    gone = [{"word": word} for word in words if not _correctable(word)]
    delete = sa.text("DELETE FROM search_words WHERE word = :word")
    for start in range(0, len(gone), BATCH):
        bind.execute(delete, gone[start : start + BATCH])
    _set_trigram_index(correctable_only=False)
