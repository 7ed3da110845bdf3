"""Data versions: a token per table in ``service_meta`` (``data_version:<table>``) that every
transaction writing the table changes, as it commits.

Caches compare them to know when what they hold may be stale: an entry that read
``download_release`` ends when that table's token moves, and only then. Every ORM session of
the project keeps them (``create_sessionmaker`` installs the listeners), whichever process
writes: the API, another worker, ``pydotorg seed``. Models whose rows never reach a public
response opt out with ``cache_versioned = False``. A session whose ``info["response_cache"]``
holds an object with ``changed`` is told the new tokens at commit, so the writing worker never
serves stale bytes.

The tables a transaction wrote are collected as it flushes and written in one statement, in
name order, just before it commits: two writers of the same tables lock their version rows in
the same order, so they queue rather than deadlock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapper, Session, UOWTransaction

from pydotorg.db.meta import ServiceMeta

VERSION_PREFIX = "data_version:"
SESSION_INFO_KEY = "response_cache"
WRITTEN = "data_versions_written"  # session.info: the tables this transaction wrote
COMMITTING = "data_versions_committing"  # session.info: the token and tables written


def version_key(table: str) -> str:
    return VERSION_PREFIX + table


def versioned(cls: type) -> bool:
    """Whether changes to rows of this model can change a public response.

    Models opt out with ``cache_versioned = False`` (credentials, sign-ins: never public).
    """
    return cls is not ServiceMeta and getattr(cls, "cache_versioned", True)


def _tables(mapper: Mapper[Any]) -> set[str]:
    return {table.name for table in mapper.tables if isinstance(table, Table)}


def _wrote(session: Session, tables: Iterable[str]) -> None:
    session.info.setdefault(WRITTEN, set()).update(tables)


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if versioned(type(obj)):
            _wrote(session, _tables(obj.__mapper__))


def _on_execute(state: Any) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None:
        if versioned(mapper.class_):
            _wrote(session=state.session, tables=_tables(mapper))
        return
    table = getattr(state.statement, "table", None)  # a Core statement on a Table
    if isinstance(table, Table) and table.name != ServiceMeta.__tablename__:
        _wrote(state.session, {table.name})


def _before_commit(session: Session) -> None:
    session.flush()  # what commit would flush is collected now, and written below
    tables = sorted(session.info.get(WRITTEN, ()))
    if not tables:
        return
    token = uuid.uuid4().hex
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ServiceMeta).values(
        [{"key": version_key(table), "value": token} for table in tables]
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[ServiceMeta.key], set_={"value": statement.excluded.value}
        )
    )
    session.info.pop(WRITTEN)  # written: told to the cache at commit
    session.info[COMMITTING] = (token, tables)


def _after_commit(session: Session) -> None:
    session.info.pop(WRITTEN, None)
    written = session.info.pop(COMMITTING, None)
    listener = session.info.get(SESSION_INFO_KEY)
    if written is not None and listener is not None:
        token, tables = written
        listener.changed(dict.fromkeys(tables, token))


def _after_rollback(session: Session) -> None:
    session.info.pop(WRITTEN, None)
    session.info.pop(COMMITTING, None)


def install_version_tracking() -> None:
    """Make every ORM write change its tables' versions in its own transaction (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _on_execute)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))


async def read_versions(engine: AsyncEngine) -> dict[str, str]:
    """Every table's current token, by table name: what the response cache follows."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(ServiceMeta.key, ServiceMeta.value).where(
                ServiceMeta.key.startswith(VERSION_PREFIX)
            )
        )
        return {key.removeprefix(VERSION_PREFIX): value for key, value in rows}
