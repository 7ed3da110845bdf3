"""Does PostgreSQL's indexed text hold the words a query is made of? Random texts (words of
letters, digits, hex and non-ASCII letters joined by every ASCII punctuation character and a
few others), each searched whole and word by word: a miss is a text whose own query does not
match its ``tsvector``, straight in SQL (``to_tsvector`` of the text split as the engine
splits it ``@@`` the query's ``to_tsquery``). Queries of stop words only are left out.

    .venv/bin/python bench/search_tokens.py [TEXTS] [PUNCTUATION]

PUNCTUATION is the regular expression a zero-width space goes after (default: the engine's,
``engines.PUNCTUATION``; ``'[/.@:]'`` was migration 0017's). DATABASE_URL names the
PostgreSQL database (any: nothing is written); deterministic from the seed 2026.
"""

from __future__ import annotations

import asyncio
import os
import random
import string
import sys

import asyncpg

from pydotorg.search.engines import PUNCTUATION
from pydotorg.search.query import Term, parse

JOINS = [c for c in map(chr, range(33, 127)) if not c.isalnum()]
JOINS += [" - ", "--", "'s", ".-", "-.", " ", "—", "’", "…", "é-"]  # noqa: RUF001
LETTERS = "éüßñøçæΣπ" + string.ascii_lowercase


def part(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
        return "".join(rng.choices(string.digits, k=rng.randint(1, 6)))
    if kind < 0.5:
        return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(1, 8)))
    if kind < 0.55:
        return "".join(rng.choices(LETTERS, k=rng.randint(1, 8)))
    return "".join(rng.choices(string.digits + "abcdef", k=rng.randint(2, 10)))


def text(rng: random.Random) -> str:
    parts = [part(rng)]
    for _ in range(rng.randint(1, 3)):
        parts += [rng.choice(JOINS), part(rng)]
    if rng.random() < 0.3:  # not " -" first: an exclusion
        parts.insert(0, rng.choice([j for j in JOINS if not j.startswith((" ", "-"))]))
    if rng.random() < 0.3:
        parts.append(rng.choice(JOINS))
    return "".join(parts)


async def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    punctuation = sys.argv[2] if len(sys.argv) > 2 else PUNCTUATION
    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    check = (
        "SELECT numnode(q) > 0, to_tsvector('english', regexp_replace($1, '(' || $3 || ')', "
        "'\\1' || chr(8203), 'g')) @@ q FROM to_tsquery('english', $2) q"
    )
    rng = random.Random(2026)
    queries, misses = 0, {"whole": 0, "one word": 0}
    examples: list[tuple[str, str]] = []
    for _ in range(count):
        typed = text(rng)
        query = parse(typed)
        if query.empty:
            continue
        single = [Term((w,)) for clause in query.clauses for term in clause for w in term.words]
        for label, tsquery in [("whole", query.tsquery())] + [
            ("one word", term.tsquery()) for term in single
        ]:
            counted, found = await connection.fetchrow(check, typed, tsquery, punctuation)
            if not counted:
                continue
            queries += 1
            if not found:
                misses[label] += 1
                examples.append((typed, tsquery))
    await connection.close()
    print(f"{queries} queries of {count} texts, split at {punctuation}: misses {misses}")
    for typed, tsquery in examples[:10]:
        print(f"    {typed!r}: {tsquery}")


if __name__ == "__main__":
    asyncio.run(main())
