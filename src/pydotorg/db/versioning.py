"""The data version: a token in ``service_meta`` that every write changes, in the same transaction.

Caches compare it to know when what they hold may be stale. Every ORM session of the project
keeps it (``create_sessionmaker`` installs the listeners), whichever process writes: the API,
another worker, ``pydotorg seed``. Models whose rows never reach a public response opt out
with ``cache_versioned = False``. A session whose ``info["response_cache"]`` holds an object
with ``set_version`` is told the new token at commit, so the writing worker never serves stale
bytes.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import Session, UOWTransaction

from pydotorg.core.meta import ServiceMeta

VERSION_KEY = "data_version"
SESSION_INFO_KEY = "response_cache"


def _bump(session: Session) -> None:
    if session.info.get("data_version_bumped"):
        return
    token = uuid.uuid4().hex
    session.info["data_version_bumped"] = token
    session.execute(
        update(ServiceMeta).where(ServiceMeta.key == VERSION_KEY).values(value=token),
        execution_options={"synchronize_session": False},
    )


def versioned(cls: type) -> bool:
    """Whether changes to rows of this model can change a public response.

    Models opt out with ``cache_versioned = False`` (credentials, sign-ins: never public).
    """
    return cls is not ServiceMeta and getattr(cls, "cache_versioned", True)


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    if any(versioned(type(obj)) for obj in changed):
        _bump(session)


def _on_execute(state: Any) -> None:
    writes = state.is_update or state.is_delete or state.is_insert
    if writes and not state.session.info.get("data_version_bumped"):
        mapper = state.bind_mapper
        if mapper is not None and versioned(mapper.class_):
            _bump(state.session)


def _after_commit(session: Session) -> None:
    token = session.info.pop("data_version_bumped", None)
    listener = session.info.get(SESSION_INFO_KEY)
    if token is not None and listener is not None:
        listener.set_version(token)


def _after_rollback(session: Session) -> None:
    session.info.pop("data_version_bumped", None)


def install_version_tracking() -> None:
    """Make every ORM write bump the data version in its own transaction (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _on_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))
