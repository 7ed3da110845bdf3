"""The one way into the index: every ORM flush that writes an indexed row (or a row its index
``follows``) re-indexes the rows it touched, in the same transaction, from their
:class:`~pydotorg.core.search.IndexSpec`. The API, seeding, ``pydotorg sync``, the importers and
``pydotorg search reindex`` all write through here; no domain writes index rows.

Only public documents' words are counted in ``search_words`` (how frequent a typed word is,
and, of those :func:`correctable`, what typos are corrected to), and a word leaves with its
last public document: nothing hidden is ever counted or corrected to, and nothing written
without approval grows the vocabulary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import Table, delete, event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction

from pydotorg.core.domain import Domain
from pydotorg.core.search import IndexSpec
from pydotorg.search.engines import SAME_SECOND, sqlite_rowid
from pydotorg.search.models import SearchDocument
from pydotorg.search.query import MAX_WORD_LENGTH, clean, words

BATCH = 500
# What of a document is indexed: enough for any real page, and a bound on what one write
# costs the engine (PostgreSQL refuses a tsvector over 1 MB).
MAX_TITLE, MAX_BODY = 1_000, 200_000
DOCUMENTS: Table = SearchDocument.__table__  # type: ignore[assignment]
TOUCHED = "search_touched"  # session.info: the rows a flush touched, by index name
Owner = Callable[[Any], int | None]


_DOMAINS: list[Domain] = []  # every domain of the service, as the composition root names them


def index_domains(domains: Sequence[Domain]) -> None:
    """Name every domain of the service, in order: the search holds the indexes they declare.

    The composition root (``pydotorg/domains.py``) passes its list when it is imported; the
    search, a domain itself, never imports it."""
    _DOMAINS[:] = domains
    registry.cache_clear()
    _watched.cache_clear()


@cache
def registry() -> dict[str, IndexSpec]:
    """Every index the domains declare, by name, in the domains' order."""
    if not _DOMAINS:
        raise RuntimeError("no domains named to the search yet: import pydotorg.domains first")
    specs = {spec.name: spec for domain in _DOMAINS for spec in domain.search_indexes()}
    numbers = [spec.index.number for spec in specs.values()]
    if len(set(numbers)) != len(numbers) or not all(0 < n < 128 for n in numbers):
        raise RuntimeError(f"search indexes need distinct numbers from 1 to 127: {numbers}")
    return specs


@cache
def _watched() -> dict[type, list[tuple[IndexSpec, Owner | None]]]:
    """Each model whose writes change documents: its indexes, and how a row names the indexed
    row (None: it is the indexed row)."""
    watched: dict[type, list[tuple[IndexSpec, Owner | None]]] = {}
    for spec in registry().values():
        watched.setdefault(spec.model, []).append((spec, None))
        for model, owner in spec.follows.items():
            watched.setdefault(model, []).append((spec, owner))
    return watched


def vocabulary(title: str, body: str) -> set[str]:
    """The words of a document counted in ``search_words``: every word up to 40 characters
    (``is``, ``3`` and ``2024`` too, so that the search knows how frequent they are)."""
    return {w for w in words(f"{title}\n{body}") if len(w) <= MAX_WORD_LENGTH}


def correctable(word: str) -> bool:
    """Whether a counted word is one a typo may be corrected to: 3 characters or more, not
    all digits (``CORRECTABLE``, the same in SQL, keeps the trigram indexes to them)."""
    return len(word) >= 3 and not word.isdigit()


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), tzinfo=UTC) if isinstance(value, date) else None


def count_words(session: Session, change: Counter[str]) -> None:
    """Add ``change`` to the vocabulary's counts; a word reaching 0 leaves it."""
    more = [{"word": w, "n": n} for w, n in sorted(change.items()) if n > 0]
    fewer = [{"word": w, "n": n} for w, n in sorted(change.items()) if n < 0]
    if more:
        session.execute(
            text(
                "INSERT INTO search_words (word, documents) VALUES (:word, :n) ON CONFLICT (word) "
                "DO UPDATE SET documents = search_words.documents + excluded.documents"
            ),
            more,
        )
    if fewer:
        session.execute(
            text("UPDATE search_words SET documents = documents + :n WHERE word = :word"), fewer
        )
        session.execute(
            text("DELETE FROM search_words WHERE word = :word AND documents <= 0"), fewer
        )


def refresh(session: Session, spec: IndexSpec, ids: Iterable[int]) -> int:
    """Make the documents of these rows what their index declares of the rows as they are
    now (a row gone or no longer indexed loses its document); how many were written."""
    ids = sorted(set(ids))
    columns = (DOCUMENTS.c.title, DOCUMENTS.c.body, DOCUMENTS.c.at, DOCUMENTS.c.public)
    with session.no_autoflush:
        query = select(DOCUMENTS.c.object_id, DOCUMENTS.c.id, *columns)
        old = {
            row[0]: row[1:]
            for row in session.execute(
                query.where(DOCUMENTS.c.kind == spec.kind, DOCUMENTS.c.object_id.in_(ids))
            )
        }
        public = spec.visible("anonymous", None).label("public")
        rows = select(spec.model, public).where(spec.model.id.in_(ids), spec.indexed())
        new = {}
        for row, seen in session.execute(
            rows, execution_options={"populate_existing": True}
        ).unique():
            title, body = spec.document(row)
            new[row.id] = (
                clean(title)[:MAX_TITLE],
                clean(body)[:MAX_BODY],
                _instant(getattr(row, spec.date.key)),
                bool(seen),
            )
        change: Counter[str] = Counter()
        dropped: list[int] = []
        written: list[dict[str, Any]] = []
        for object_id in ids:
            before, after = old.get(object_id), new.get(object_id)
            if before is not None and tuple(before[1:]) == after:
                continue
            if before is not None:
                dropped.append(before[0])
                change.subtract(vocabulary(*before[1:3]) if before[4] else ())
            if after is not None:
                fields = dict(zip(("title", "body", "at", "public"), after, strict=True))
                written.append({**fields, "kind": spec.kind, "object_id": object_id})
                change.update(vocabulary(*after[:2]) if after[3] else ())
        if dropped:
            session.execute(delete(DOCUMENTS).where(DOCUMENTS.c.id.in_(dropped)))
        if written and session.get_bind().dialect.name == "sqlite":
            _number(session, spec, written)
        if written:
            session.execute(insert(DOCUMENTS), written)
        count_words(session, change)
    return len(written)


def _number(session: Session, spec: IndexSpec, written: list[dict[str, Any]]) -> None:
    """SQLite: give each new document the next free rowid of its kind and second, so that
    rowids order a kind's documents by date (``engines.sqlite_rowid``; one writer at a time)."""
    taken: dict[int, int] = {}
    for document in written:
        base = sqlite_rowid(spec.index.number, document["at"])
        if base not in taken:
            top = select(func.max(DOCUMENTS.c.id)).where(
                DOCUMENTS.c.id.between(base, base + SAME_SECOND - 1)
            )
            taken[base] = (session.scalar(top) or base - 1) + 1
        document["id"], taken[base] = taken[base], taken[base] + 1


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    """Note the rows a flush wrote (its state is still the one before it here)."""
    touched: dict[str, set[int]] = session.info.setdefault(TOUCHED, {})
    for row in chain(session.new, session.dirty, session.deleted):
        if row in session.dirty and not session.is_modified(row):
            continue
        for spec, owner in _watched().get(type(row), ()):
            object_id = row.id if owner is None else owner(row)
            if object_id is not None:
                touched.setdefault(spec.name, set()).add(object_id)


def _after_flush_postexec(session: Session, _flush: UOWTransaction) -> None:
    """Re-index the rows the flush touched, read as they now are."""
    for name, ids in session.info.pop(TOUCHED, {}).items():
        refresh(session, registry()[name], ids)


def install() -> None:
    """Index every ORM flush of every session (idempotent)."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("after_flush_postexec", _after_flush_postexec),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


async def index_rows(session: AsyncSession, name: str, ids: Iterable[int]) -> int:
    """Re-index rows written without the ORM's flush (bulk statements); how many written."""
    spec = registry()[name]
    return await session.run_sync(lambda sync: refresh(sync, spec, ids))


def _rebuild(session: Session, spec: IndexSpec, missing_only: bool, advance: Any) -> int:
    query = select(spec.model.id).where(spec.indexed()).order_by(spec.model.id)
    if missing_only:  # rows written without the ORM: the seeds' bulk inserts
        query = query.where(
            spec.model.id.not_in(select(DOCUMENTS.c.object_id).where(DOCUMENTS.c.kind == spec.kind))
        )
    else:
        gone: Counter[str] = Counter()
        public = select(DOCUMENTS.c.title, DOCUMENTS.c.body).where(
            DOCUMENTS.c.kind == spec.kind, DOCUMENTS.c.public
        )
        for title, body in session.execute(public):
            gone.subtract(vocabulary(title, body))
        count_words(session, gone)
        session.execute(delete(DOCUMENTS).where(DOCUMENTS.c.kind == spec.kind))
    ids = list(session.scalars(query))
    count = 0
    for start in range(0, len(ids), BATCH):
        count += refresh(session, spec, ids[start : start + BATCH])
        if advance is not None:
            advance(len(ids[start : start + BATCH]))
    return count


async def index_missing(session: AsyncSession, spec: IndexSpec) -> int:
    """Index the rows of an index that have no document; how many were indexed."""
    return await session.run_sync(_rebuild, spec, True, None)


async def reindex(
    session: AsyncSession, spec: IndexSpec, advance: Callable[[int], None] | None = None
) -> int:
    """Rebuild one index from its table: the same documents as the writes made them."""
    return await session.run_sync(_rebuild, spec, False, advance)


async def indexable(session: AsyncSession, spec: IndexSpec) -> int:
    """How many rows an index holds once rebuilt."""
    return int(
        await session.scalar(select(func.count()).select_from(spec.model).where(spec.indexed()))
        or 0
    )


class UnknownIndexError(LookupError):
    """A command named an index the registry does not have."""


async def reindex_all(session: AsyncSession, name: str | None, progress: bool) -> list[str]:
    """``pydotorg search reindex [NAME]``: rebuild one index or every one, with a progress bar
    on a terminal, then fresh planner statistics (SQLite keeps none by itself); a line for
    each index. An unknown name is an :class:`UnknownIndexError`."""
    from rich.progress import Progress, TaskID

    specs = registry()
    if name is not None and name not in specs:
        raise UnknownIndexError(f"unknown index {name!r}; one of {', '.join(specs)}")
    chosen = [specs[name]] if name is not None else list(specs.values())
    lines = []
    with Progress(disable=not progress, transient=True) as bar:
        for spec in chosen:
            task = bar.add_task(spec.name, total=await indexable(session, spec))

            def advance(steps: int, task: TaskID = task) -> None:
                bar.advance(task, steps)

            count = await reindex(session, spec, advance)
            lines.append(f"{spec.name}: {count} documents")
    await session.commit()
    sqlite = session.get_bind().dialect.name == "sqlite"
    await session.execute(text("ANALYZE" if sqlite else "ANALYZE search_documents"))
    await session.commit()
    return lines


__all__ = [
    "UnknownIndexError",
    "count_words",
    "index_domains",
    "index_missing",
    "index_rows",
    "indexable",
    "install",
    "refresh",
    "registry",
    "reindex",
    "reindex_all",
]
