"""The one way into the index: every ORM flush that writes an indexed row (or a row an index
``follows``) re-indexes the rows it touched, in the same transaction, from their
:class:`~pydotorg.core.search.IndexSpec`. Seeding, ``pydotorg sync``, importers, the API and
``pydotorg search reindex`` all write through here; no domain writes index rows itself.

A document keeps its text as written (snippets are cut from it), its date, and whether
anonymous callers could see its row (``public``). The words of public documents, and only
theirs, are counted in ``search_words``: the vocabulary typo correction and autocomplete draw
from. A word leaves it with its last public document, so nothing hidden (a draft, a pending
event) is ever suggested or corrected to, and nothing a user writes without approval grows it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import Table, delete, event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from pydotorg.core.search import IndexSpec
from pydotorg.search.models import SearchDocument, SearchWord
from pydotorg.search.query import MAX_WORD_LENGTH, clean, words

BATCH = 500
MIN_WORD_LENGTH = 3
DOCUMENTS: Table = SearchDocument.__table__  # type: ignore[assignment]
WORDS: Table = SearchWord.__table__  # type: ignore[assignment]


@cache
def registry() -> dict[str, IndexSpec]:
    """Every index the domains declare, by name, in the domains' order."""
    from pydotorg.domains import DOMAINS  # the registry imports this domain

    return {spec.name: spec for domain in DOMAINS for spec in domain.search_indexes()}


@cache
def _watched() -> dict[type, list[tuple[IndexSpec, Callable[[Any], int | None] | None]]]:
    """For each model whose writes change documents: the indexes, and how a row of it names
    the indexed row (None: it is the indexed row)."""
    watched: dict[type, list[tuple[IndexSpec, Callable[[Any], int | None] | None]]] = {}
    for spec in registry().values():
        watched.setdefault(spec.model, []).append((spec, None))
        for model, owner in spec.follows.items():
            watched.setdefault(model, []).append((spec, owner))
    return watched


def vocabulary(title: str, body: str) -> set[str]:
    """The words of a document that typo correction may correct to: 3 to 40 characters, at
    least one of them a letter."""
    return {
        word
        for word in words(f"{title}\n{body}")
        if MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH and not word.isdigit()
    }


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    return None


def document(spec: IndexSpec, row: Any, public: bool) -> dict[str, Any]:
    """The ``search_documents`` row of an indexed row, as its index declares it."""
    title, body = spec.document(row)
    return {
        "kind": spec.kind,
        "object_id": row.id,
        "title": clean(title),
        "body": clean(body),
        "at": _moment(getattr(row, spec.date.key)),
        "public": bool(public),
    }


def count_words(session: Session, kind: str, change: Counter[str]) -> None:
    """Add ``change`` to the vocabulary's counts of one kind; words reaching 0 leave it."""
    more = [{"kind": kind, "word": w, "n": n} for w, n in sorted(change.items()) if n > 0]
    fewer = [{"kind": kind, "word": w, "n": n} for w, n in sorted(change.items()) if n < 0]
    if more:
        session.execute(
            text(
                "INSERT INTO search_words (kind, word, documents) VALUES (:kind, :word, :n) "
                "ON CONFLICT (kind, word) DO UPDATE "
                "SET documents = search_words.documents + excluded.documents"
            ),
            more,
        )
    if fewer:
        session.execute(
            text(
                "UPDATE search_words SET documents = documents + :n "
                "WHERE kind = :kind AND word = :word"
            ),
            fewer,
        )
        session.execute(
            text("DELETE FROM search_words WHERE kind = :kind AND word = :word AND documents <= 0"),
            fewer,
        )


def refresh(session: Session, spec: IndexSpec, ids: Iterable[int]) -> int:
    """Bring the documents of these rows in line with the rows as they are now (a row gone,
    or no longer indexed, loses its document); how many documents were written."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    with session.no_autoflush:
        before = {
            row.object_id: row
            for row in session.execute(
                select(
                    SearchDocument.id,
                    SearchDocument.object_id,
                    SearchDocument.title,
                    SearchDocument.body,
                    SearchDocument.at,
                    SearchDocument.public,
                ).where(SearchDocument.kind == spec.kind, SearchDocument.object_id.in_(ids))
            )
        }
        public = spec.visible("anonymous", None).label("public")
        after = {
            row.id: document(spec, row, seen)
            for row, seen in session.execute(
                select(spec.model, public).where(spec.model.id.in_(ids), spec.indexed()),
                execution_options={"populate_existing": True},
            ).unique()
        }
        dropped: list[int] = []
        written: list[dict[str, Any]] = []
        change: Counter[str] = Counter()
        for object_id in ids:
            old, new = before.get(object_id), after.get(object_id)
            if old is not None and new is not None and _same(old, new):
                continue
            if old is not None:
                dropped.append(old.id)
                if old.public:
                    change.subtract(vocabulary(old.title, old.body))
            if new is not None:
                written.append(new)
                if new["public"]:
                    change.update(vocabulary(new["title"], new["body"]))
        options = {"synchronize_session": False}
        if dropped:
            session.execute(
                delete(DOCUMENTS).where(DOCUMENTS.c.id.in_(dropped)), execution_options=options
            )
        if written:
            session.execute(insert(DOCUMENTS), written)
        count_words(session, spec.kind, change)
    return len(written)


def _same(old: Any, new: dict[str, Any]) -> bool:
    at = _moment(old.at)
    return (old.title, old.body, at, bool(old.public)) == (
        new["title"],
        new["body"],
        new["at"],
        new["public"],
    )


TOUCHED = "search_touched"


def _touch(session: Session, rows: Iterable[Any], dirty: Any = ()) -> None:
    """Note which indexed rows ``rows`` (written, or about to be) change the documents of."""
    watched = _watched()
    touched: dict[str, set[int]] = session.info.setdefault(TOUCHED, {})
    for row in rows:
        entries = watched.get(type(row))
        if not entries or (row in dirty and not session.is_modified(row)):
            continue
        for spec, owner in entries:
            object_id = row.id if owner is None else owner(row)
            if object_id is not None:
                touched.setdefault(spec.name, set()).add(object_id)


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    """Note the rows a flush wrote (new, changed or deleted); the flush's state is still the
    one before it here, so the documents are written once it is done."""
    dirty = session.dirty
    _touch(session, chain(session.new, dirty, session.deleted), dirty)


def _after_flush_postexec(session: Session, _flush: UOWTransaction) -> None:
    """Re-index the rows the flush touched, read as they now are."""
    touched: dict[str, set[int]] = session.info.pop(TOUCHED, {})
    specs = registry()
    for name, ids in touched.items():
        refresh(session, specs[name], ids)


def _bulk_write(state: ORMExecuteState) -> Any:
    """An ORM ``UPDATE`` or ``DELETE`` statement of indexed rows (or rows an index follows):
    the rows it matches are noted before it runs and re-indexed after."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return None
    model = state.bind_mapper.class_
    if model not in _watched():
        return None
    where = getattr(state.statement, "whereclause", None)
    matched = select(model) if where is None else select(model).where(where)
    session = state.session
    rows = list(session.scalars(matched, execution_options={"populate_existing": True}))
    _touch(session, rows)
    result = state.invoke_statement()
    _touch(session, session.scalars(select(model).where(model.id.in_([r.id for r in rows]))))
    _after_flush_postexec(session, None)  # type: ignore[arg-type]
    return result


def install() -> None:
    """Index every ORM write of every session (idempotent)."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("after_flush_postexec", _after_flush_postexec),
        ("do_orm_execute", _bulk_write),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


async def index_rows(session: AsyncSession, name: str, ids: Iterable[int]) -> int:
    """Bring the documents of these rows of index ``name`` in line with the rows (for rows
    written in bulk, without the ORM); how many documents were written."""
    spec = registry()[name]
    return await session.run_sync(lambda sync: refresh(sync, spec, ids))


def _rebuild(session: Session, spec: IndexSpec, missing_only: bool, advance: Any) -> int:
    if not missing_only:
        session.execute(delete(DOCUMENTS).where(DOCUMENTS.c.kind == spec.kind))
        session.execute(delete(WORDS).where(WORDS.c.kind == spec.kind))
    query = select(spec.model.id).where(spec.indexed()).order_by(spec.model.id)
    if missing_only:
        indexed = select(SearchDocument.object_id).where(SearchDocument.kind == spec.kind)
        query = query.where(spec.model.id.not_in(indexed))
    ids = list(session.scalars(query))
    count = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        count += refresh(session, spec, batch)
        if advance is not None:
            advance(len(batch))
        if not missing_only:
            session.expunge_all()  # a rebuild's session holds nothing else: keep memory flat
    return count


async def index_missing(session: AsyncSession, spec: IndexSpec) -> int:
    """Index the rows of an index that have no document (rows written without the ORM: the
    seeds' bulk inserts); how many were indexed."""
    return await session.run_sync(_rebuild, spec, True, None)


async def reindex(
    session: AsyncSession, spec: IndexSpec, advance: Callable[[int], None] | None = None
) -> int:
    """Rebuild one index and its vocabulary from its table: the same documents however often
    it runs, and the same as the writes made them."""
    return await session.run_sync(_rebuild, spec, False, advance)


async def indexable(session: AsyncSession, spec: IndexSpec) -> int:
    """How many rows an index holds once rebuilt."""
    total = await session.scalar(select(func.count()).select_from(spec.model).where(spec.indexed()))
    return int(total or 0)


__all__ = [
    "count_words",
    "document",
    "index_missing",
    "index_rows",
    "indexable",
    "install",
    "refresh",
    "registry",
    "reindex",
    "vocabulary",
]
