"""A synthetic search corpus: 100,000 documents (pages and blog entries, half each) whose words
are drawn from the shipped data's titles, deterministic from a seed.

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/search_corpus.py [N] [SEED]

The database is migrated and seeded first (the shipped data, demo content included); the
corpus's rows are added with bulk inserts straight into ``pages`` (published) and
``blog_entries``, then indexed through the search domain's own path
(``pydotorg.search.indexing.index_missing`` for every declared index, one commit per index:
the documents, the engine's full-text index kept by triggers or a generated column, and the
public vocabulary), then the tables are analysed (PostgreSQL: ``VACUUM ANALYZE``). Running it
again on the same database adds no rows, and indexes whatever a stopped run left unindexed.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text

from pydotorg.content.blogs.models import BlogEntry, BlogFeed
from pydotorg.content.pages.models import Page
from pydotorg.data import DATA_DIR
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.db.migrate import upgrade
from pydotorg.db.seed import reset_sequences, seed
from pydotorg.domains import DOMAINS
from pydotorg.search.indexing import index_missing, registry
from pydotorg.search.query import words
from pydotorg.settings import get_settings

BATCH = 2000
MARKER = "/bench-corpus/"


def vocabulary() -> list[str]:
    """The words of the shipped titles, most frequent first."""
    counts: dict[str, int] = {}
    for name, key in [
        ("releases", "name"),
        ("events_calendar", "title"),
        ("conferences", "title"),
        ("jobs", "job_title"),
        ("blog_entries", "title"),
        ("success_stories", "name"),
    ]:
        with gzip.open(DATA_DIR / f"{name}.json.gz", "rt") as handle:
            for record in json.load(handle):
                for word in words(str(record.get(key, ""))):
                    if len(word) > 1 and not word.isdigit():
                        counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda word: (-counts[word], word))


def documents(count: int, seed_value: int) -> list[tuple[str, str, datetime]]:
    rng = random.Random(seed_value)
    vocab = vocabulary()
    weights = [1 / (rank + 1) for rank in range(len(vocab))]  # Zipf-like, as text is
    start = datetime(2005, 1, 1, tzinfo=UTC)
    made = []
    for _ in range(count):
        title = " ".join(rng.choices(vocab, weights, k=rng.randint(3, 8))).capitalize()
        body = " ".join(rng.choices(vocab, weights, k=rng.randint(40, 160)))
        made.append((title, body, start + timedelta(minutes=rng.randint(0, 21 * 365 * 1440))))
    return made


async def insert_rows(session: Any, count: int, seed_value: int) -> None:
    """The corpus's pages and blog entries, in bulk (no ORM flush: not indexed yet)."""
    feed = BlogFeed(
        name="Bench corpus", slug="bench-corpus", feed_url="https://example.org/bench.xml"
    )
    session.add(feed)
    await session.flush()
    first_page = int(await session.scalar(text("SELECT coalesce(max(id), 0) FROM pages")))
    first_entry = int(await session.scalar(text("SELECT coalesce(max(id), 0) FROM blog_entries")))
    docs = documents(count, seed_value)
    for offset in range(0, count, BATCH):
        pages: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        for number, (title, body, when) in enumerate(docs[offset : offset + BATCH], offset):
            if number % 2 == 0:
                pages.append(
                    {
                        "id": first_page + number // 2 + 1,
                        "path": f"{MARKER}{number}/",
                        "title": title,
                        "content": body,
                        "content_type": "markdown",
                        "content_html": f"<p>{body}</p>",
                        "is_published": True,
                        "created": when,
                        "updated": when,
                    }
                )
            else:
                entries.append(
                    {
                        "id": first_entry + number // 2 + 1,
                        "feed_id": feed.id,
                        "title": title,
                        "summary": body,
                        "url": f"https://example.org/bench/{number}/",
                        "guid": f"bench-{number}",
                        "pub_date": when,
                    }
                )
        if pages:
            await session.execute(insert(Page), pages)
        if entries:
            await session.execute(insert(BlogEntry), entries)
        print(f"{offset + len(pages) + len(entries)} rows", end="\r", flush=True)
    await reset_sequences(session)
    await session.commit()
    print()


async def build(database_url: str, count: int, seed_value: int) -> None:
    engine = create_engine(database_url, pool=False)
    sessions = create_sessionmaker(engine)
    started = time.perf_counter()
    async with sessions() as session:
        there = await session.scalar(select(Page.id).where(Page.path.startswith(MARKER)).limit(1))
        if there:
            print("the corpus's rows are there already")
        else:
            await insert_rows(session, count, seed_value)
            print(f"rows inserted in {time.perf_counter() - started:.1f} s")
    for spec in registry().values():
        began = time.perf_counter()
        async with sessions() as session:  # one session per index: its identity map goes
            added = await index_missing(session, spec)
            await session.commit()
        if added:
            print(f"{spec.name}: {added} documents indexed in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    await analyse_tables(engine, database_url)
    print(f"analysed in {time.perf_counter() - began:.1f} s")
    await engine.dispose()
    print(f"corpus of {count} documents ready in {time.perf_counter() - started:.1f} s")


async def analyse_tables(engine: Any, database_url: str) -> None:
    """Fresh planner statistics (``pydotorg search reindex`` does the same), and on
    PostgreSQL the visibility map that lets index-only scans skip the table and GIN's
    pending list merged into the index."""
    if database_url.startswith("postgresql"):
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE"))
    else:
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed_value = int(sys.argv[2]) if len(sys.argv) > 2 else 2026
    url = get_settings().database_url
    started = time.perf_counter()
    upgrade(url)
    asyncio.run(seed(url, DOMAINS, demo=True))
    print(f"migrated and seeded in {time.perf_counter() - started:.1f} s")
    asyncio.run(build(url, count, seed_value))


if __name__ == "__main__":
    main()
