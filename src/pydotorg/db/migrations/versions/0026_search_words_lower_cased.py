"""A query's words are lower-cased, no longer case-folded (``pydotorg.search.query.words``), as
both engines lower-case the indexed text: ``Straße`` is ``straße``, which its documents hold
(folded, ``strasse``, it was found on neither engine). The vocabulary (``search_words``)
counts the public documents' words as the search reads them: the words a document had folded
and now has lower-cased (``ß`` and a few other letters) are counted again here, as
``pydotorg search reindex`` counts them. Only documents holding a character outside ASCII
can differ; the others are read and left.

Revision ID: 0026
Revises: 0025
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# pydotorg.search.query.words as of this revision (lower) and before it (casefold).
WORD = re.compile(r"[^\W_]+")
MAX_WORD_LENGTH, BATCH = 40, 2000


def _words(text: str, case: Callable[[str], str]) -> set[str]:
    found = WORD.findall(case(unicodedata.normalize("NFKC", text)))
    return {word for word in found if len(word) <= MAX_WORD_LENGTH}


def _recount(old: Callable[[str], str], new: Callable[[str], str]) -> None:
    bind = op.get_bind()
    change: Counter[str] = Counter()
    page = sa.text(
        "SELECT id, title, body FROM search_documents WHERE public AND id > :last "
        "ORDER BY id LIMIT :batch"
    )
    last = -(2**63)
    while rows := bind.execute(page, {"last": last, "batch": BATCH}).all():
        for _, title, body in rows:
            text = f"{title}\n{body}"
            if text.isascii():
                continue
            before, after = _words(text, old), _words(text, new)
            change.update(after - before)
            change.subtract(before - after)
        last = rows[-1][0]
    more = [{"word": w, "n": n} for w, n in sorted(change.items()) if n > 0]
    fewer = [{"word": w, "n": n} for w, n in sorted(change.items()) if n < 0]
    add = sa.text(
        "INSERT INTO search_words (word, documents) VALUES (:word, :n) ON CONFLICT (word) "
        "DO UPDATE SET documents = search_words.documents + excluded.documents"
    )
    take = sa.text("UPDATE search_words SET documents = documents + :n WHERE word = :word")
    drop = sa.text("DELETE FROM search_words WHERE word = :word AND documents <= 0")
    for start in range(0, len(more), BATCH):
        bind.execute(add, more[start : start + BATCH])
    for start in range(0, len(fewer), BATCH):
        batch = fewer[start : start + BATCH]
        bind.execute(take, batch)
        bind.execute(drop, batch)


def upgrade() -> None:
    _recount(str.casefold, str.lower)


def downgrade() -> None:
    _recount(str.lower, str.casefold)
