"""The site-wide search's tables: one document per indexed row, and the public vocabulary.

Each database indexes them with its own engine, made by the migrations (0017): SQLite FTS5
tables kept by triggers, PostgreSQL a stored weighted ``tsvector`` (GIN) and ``pg_trgm``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base, Id, UTCDateTime


class SearchDocument(Base):
    """One indexed row: its text as written (snippets are cut from it), its date, and whether
    anonymous callers could see it when it was indexed (``public``)."""

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "object_id", name="uq_search_documents_object"),
        # A kind's documents newest first, as PostgreSQL's index has them (0017; since 0020 it
        # also holds object_id, public and title_tsv, INCLUDEd for index-only readings). SQLite's
        # is (kind, at, id), read backwards: the same order, since SQLite sorts NULLs first.
        Index("ix_search_documents_newest", "kind", text("at DESC NULLS LAST"), text("id DESC")),
    )
    cache_versioned = False

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    object_id: Mapped[int] = mapped_column(Id, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class SearchWord(Base):
    """A word of public documents (up to 40 characters) and how many hold it: how frequent a
    typed word is, and, of 3 characters or more and not all digits, what typos are corrected
    to. A word leaves with its last public document."""

    __tablename__ = "search_words"
    cache_versioned = False

    word: Mapped[str] = mapped_column(
        String(40).with_variant(String(40, collation="C"), "postgresql"), primary_key=True
    )
    documents: Mapped[int] = mapped_column(Integer, nullable=False)
