"""A synthetic search corpus: 100,000 documents (pages and blog entries, half each) whose words
are drawn from the shipped data's titles, deterministic from a seed.

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/search_corpus.py [N] [SEED]

The database is migrated and seeded first (the shipped data, demo content included); the
corpus is added with bulk inserts straight into the tables and the search index (the same
documents and postings ``SearchIndex.put`` writes), then the tables are analysed. Running it
again on the same database adds nothing.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text

from pydotorg.content.blogs.models import BlogEntry, BlogFeed
from pydotorg.content.pages.models import Page
from pydotorg.core.search import SearchDocument, SearchIndex, SearchPosting, analyse, moment
from pydotorg.data import DATA_DIR
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.db.migrate import upgrade
from pydotorg.db.seed import seed
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
                for word in analyse(str(record.get(key, ""))):
                    if len(word) > 1 and not word.isdigit():
                        counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda word: (-counts[word], word))


def documents(count: int, seed_value: int) -> list[tuple[str, str, datetime]]:
    rng = random.Random(seed_value)
    words = vocabulary()
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf-like, as text is
    start = datetime(2005, 1, 1, tzinfo=UTC)
    made = []
    for _ in range(count):
        title = " ".join(rng.choices(words, weights, k=rng.randint(3, 8))).capitalize()
        body = " ".join(rng.choices(words, weights, k=rng.randint(40, 160)))
        made.append((title, body, start + timedelta(minutes=rng.randint(0, 21 * 365 * 1440))))
    return made


async def build(database_url: str, count: int, seed_value: int) -> None:
    engine = create_engine(database_url, pool=False)
    async with create_sessionmaker(engine)() as session:
        if await session.scalar(select(Page.id).where(Page.path.startswith(MARKER)).limit(1)):
            print("the corpus is there already")
            await engine.dispose()
            return
        feed = BlogFeed(
            name="Bench corpus", slug="bench-corpus", feed_url="https://example.org/bench.xml"
        )
        session.add(feed)
        await session.flush()
        first_page = int(await session.scalar(text("SELECT coalesce(max(id), 0) FROM pages")))
        first_entry = int(
            await session.scalar(text("SELECT coalesce(max(id), 0) FROM blog_entries"))
        )
        docs = documents(count, seed_value)
        terms: set[str] = set()
        for offset in range(0, count, BATCH):
            pages: list[dict[str, Any]] = []
            entries: list[dict[str, Any]] = []
            index: list[dict[str, Any]] = []
            posting_rows: list[dict[str, Any]] = []
            for number, (title, body, when) in enumerate(docs[offset : offset + BATCH], offset):
                title_terms, body_terms = analyse(title), analyse(body)
                terms.update(title_terms, body_terms)
                if number % 2 == 0:
                    row_id = first_page + number // 2 + 1
                    pages.append(
                        {
                            "id": row_id,
                            "path": f"{MARKER}{number}/",
                            "title": title,
                            "content": body,
                            "content_type": "markdown",
                            "content_html": f"<p>{body}</p>",
                            "created": when,
                            "updated": when,
                        }
                    )
                    kind = "page"
                else:
                    row_id = first_entry + number // 2 + 1
                    entries.append(
                        {
                            "id": row_id,
                            "feed_id": feed.id,
                            "title": title,
                            "summary": body,
                            "url": f"https://example.org/bench/{number}/",
                            "guid": f"bench-{number}",
                            "pub_date": when,
                        }
                    )
                    kind = "blog_entry"
                posting_rows += SearchIndex(kind).posting_rows(
                    row_id, title_terms, body_terms, moment(when)
                )
                index.append(
                    {
                        "kind": kind,
                        "object_id": row_id,
                        "title_terms": " ".join(title_terms),
                        "body_terms": " ".join(body_terms),
                    }
                )
            await session.execute(insert(Page), pages)
            await session.execute(insert(BlogEntry), entries)
            await session.execute(insert(SearchDocument), index)
            await session.execute(insert(SearchPosting), posting_rows)
            print(f"{offset + len(index)} documents", end="\r", flush=True)
        await session.execute(
            text("INSERT INTO search_terms (term) VALUES (:term) ON CONFLICT DO NOTHING"),
            [{"term": term} for term in sorted(terms)],
        )
        if database_url.startswith("postgresql"):
            for table in ("pages", "blog_entries", "search_documents", "blog_feeds"):
                await session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        await session.commit()
    await analyse_tables(engine, database_url)
    await engine.dispose()
    print(f"\n{count} documents added")


async def analyse_tables(engine: Any, database_url: str) -> None:
    """Fresh planner statistics (``pydotorg search reindex`` does the same), and on
    PostgreSQL rebuilt posting indexes and the visibility map that lets index-only scans
    skip the table."""
    if database_url.startswith("postgresql"):
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            # Indexes grown by a bulk load of 6.5 million postings cost searches a third of
            # their p99 until rebuilt in one pass (bench/README.md, "Which corpus").
            await connection.execute(text("REINDEX TABLE search_postings"))
            await connection.execute(text("VACUUM ANALYZE"))
    else:
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed_value = int(sys.argv[2]) if len(sys.argv) > 2 else 2026
    url = get_settings().database_url
    upgrade(url)
    asyncio.run(seed(url, demo=True))
    asyncio.run(build(url, count, seed_value))


if __name__ == "__main__":
    main()
