"""One indexing path: every ORM write reaches the index through the indexes' declarations, the
vocabulary holds public documents' words only, and a reindex changes nothing (both engines)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.content.blogs.models import BlogEntry, BlogFeed
from pydotorg.content.pages.models import Page
from pydotorg.core import clock
from pydotorg.core.search import SearchIndex
from pydotorg.db.engine import create_engine, create_sessionmaker
from pydotorg.domains import DOMAINS
from pydotorg.jobs.indexes import JOB_INDEX
from pydotorg.jobs.models import Job, JobStatus
from pydotorg.search.engines import PUNCTUATION
from pydotorg.search.indexing import index_domains, registry, reindex
from pydotorg.search.models import SearchDocument, SearchWord
from tests.search.support import word
from tests.support import LiveServer, execute_sql, migrated_database, on_both_engines

WHEN = datetime(2024, 5, 17, 9, 30, 15, tzinfo=UTC)


def a_job(title: str, **fields: Any) -> Job:
    """A job posting as a row, with what its table requires."""
    required = {"company_name": "ACME", "description": "Keep watch.", "contact_email": "j@ex.org"}
    return Job(slug=title.lower().replace(" ", "-"), job_title=title, **{**required, **fields})


async def documents(session: AsyncSession) -> set[tuple[Any, ...]]:
    rows = await session.execute(
        select(
            SearchDocument.kind,
            SearchDocument.object_id,
            SearchDocument.title,
            SearchDocument.body,
            SearchDocument.at,
            SearchDocument.public,
        )
    )
    return {tuple(row) for row in rows}


async def vocabulary(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(SearchWord.word, SearchWord.documents))
    return {str(word): int(count) for word, count in rows}


async def writes(url: str) -> dict[str, Any]:
    """A run of ORM writes, what the index held after each, and whether a reindex of every
    index changes anything."""
    engine = create_engine(url, pool=False)
    seen: dict[str, Any] = {}
    try:
        async with create_sessionmaker(engine)() as session:
            job = a_job("Lighthouse keeper", description="Zyxwvut beacons.", status=JobStatus.DRAFT)
            session.add(job)
            await session.commit()
            seen["draft"] = (await documents(session), await vocabulary(session))
            job.status, job.approved = JobStatus.APPROVED, WHEN
            await session.commit()
            seen["approved"] = (await documents(session), await vocabulary(session))
            page = Page(path="/indexed/", title="Indexed Page", description="Qwertzu notes.")
            hidden = Page(
                path="/hidden/", title="Hidden", description="Zyxwvut", is_published=False
            )
            session.add_all([page, hidden])
            await session.commit()
            first_at = await session.scalar(
                select(SearchDocument.at).where(SearchDocument.object_id == page.id)
            )
            clock.start_at(WHEN + timedelta(days=400))
            try:
                page.description = "Edited later."
                await session.commit()
            finally:
                clock.start_at(None)
            seen["page_dates"] = (first_at, page.updated, await documents(session))
            feed = BlogFeed(name="Feed", slug="feed", feed_url="https://example.org/feed.xml")
            session.add(feed)
            await session.flush()
            for n in range(3):
                session.add(
                    BlogEntry(
                        feed_id=feed.id,
                        title=f"Entry {n} plover",
                        url=f"https://example.org/{n}",
                        guid=f"g{n}",
                        pub_date=WHEN + timedelta(days=n),
                    )
                )
            await session.commit()
            seen["entries"] = await vocabulary(session)
            for entry in await session.scalars(select(BlogEntry)):
                await session.delete(entry)
            await session.commit()
            seen["bulk_deleted"] = (await documents(session), await vocabulary(session))
            await session.delete(job)
            await session.commit()
            seen["job_deleted"] = await vocabulary(session)
            before = (await documents(session), await vocabulary(session))
            for spec in registry().values():
                await reindex(session, spec)
            await session.commit()
            seen["reindexed_equal"] = before == (
                await documents(session),
                await vocabulary(session),
            )
    finally:
        await engine.dispose()
    return seen


def test_writes_reach_the_index_and_the_public_vocabulary(tmp_path: Path) -> None:
    for seen in on_both_engines(tmp_path, writes):
        docs, words = seen["draft"]
        assert [(d[0], d[2], d[5]) for d in docs] == [("job", "Lighthouse keeper ACME", False)]
        assert words == {}  # a draft's words are nobody's to be suggested
        docs, words = seen["approved"]
        assert [(d[0], d[4], d[5]) for d in docs] == [("job", WHEN, True)]
        assert words["zyxwvut"] == 1 and words["lighthouse"] == 1
        first_at, updated, docs = seen["page_dates"]
        pages = {d[2]: d for d in docs if d[0] == "page"}
        assert set(pages) == {"Indexed Page "}  # an unpublished page is not indexed
        assert pages["Indexed Page "][4] == updated and updated - first_at > timedelta(days=399)
        assert seen["entries"]["plover"] == 3
        docs, words = seen["bulk_deleted"]
        assert not [d for d in docs if d[0] == "blog_entry"]
        assert "plover" not in words  # gone with its last document
        assert "zyxwvut" not in seen["job_deleted"]  # the hidden page holds it: not public
        assert seen["reindexed_equal"]


async def expiring(url: str) -> list[int]:
    """What the statements made once count for a posting that expires tomorrow: today, then
    with the clock two days on."""
    from pydotorg.search.engines import ENGINES
    from pydotorg.search.query import parse
    from pydotorg.search.services import Shape, index_statements, named

    engine = create_engine(url, pool=False)
    name = "postgresql" if url.startswith("postgresql") else "sqlite"
    shape = Shape(name, "jobs", "anonymous", None, False, False)
    params = ENGINES[name].query_params(JOB_INDEX, parse("lighthouse"))
    today = clock.now()
    counts = []
    try:
        async with create_sessionmaker(engine)() as session:
            expires = today + timedelta(days=1)
            job = a_job(
                "Lighthouse keeper", status=JobStatus.APPROVED, approved=today, expires=expires
            )
            session.add(job)
            await session.commit()
            found = index_statements(shape).walk
            for moved in (None, today + timedelta(days=2)):
                clock.start_at(moved)
                assert index_statements(shape).walk is found  # made once
                values = named({**params, "room": 10}, "jobs")  # the index's parameter names
                counts.append(len(list(await session.execute(found, values))))
    finally:
        clock.start_at(None)
        await engine.dispose()
    return counts


def test_statements_made_once_read_the_clock_when_they_run(tmp_path: Path) -> None:
    for counts in on_both_engines(tmp_path, expiring):
        assert counts == [1, 0]  # expired: hidden from anonymous searches


def index_and_reindex(database_url: str) -> tuple[Any, Any]:
    """Every document and vocabulary count, as written, then as a reindex writes them."""
    import asyncio

    async def read() -> tuple[Any, Any]:
        engine = create_engine(database_url, pool=False)
        try:
            async with create_sessionmaker(engine)() as session:
                written = (await documents(session), await vocabulary(session))
                for spec in registry().values():
                    await reindex(session, spec)
                rebuilt = (await documents(session), await vocabulary(session))
                await session.rollback()
                return written, rebuilt
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_after_seeding_and_writes_every_index_is_what_a_reindex_makes(
    fresh_server: LiveServer,
) -> None:
    """Seeding (the domains' own writes and the search domain's for bulk-inserted rows) and
    a run of writes through the API leave each index as a rebuild from its table would."""
    from tests.search.support import make_page, word

    written, rebuilt = index_and_reindex(fresh_server.database_url)
    assert written == rebuilt and len(written[0]) > 3000
    with fresh_server.client("staff") as staff:
        page = make_page(staff, f"{word()} page", "Some **bold** words.")
        staff.patch(f"/api/pages/{page['id']}", json={"title": "Renamed"}).raise_for_status()
        hidden = make_page(staff, f"{word()} hidden")
        staff.patch(f"/api/pages/{hidden['id']}", json={"is_published": False})
        releases = staff.get("/api/v1/releases/", params={"pageSize": 2}).json()
        for release in releases:
            staff.patch(release["resource_uri"], json={"is_published": False}).raise_for_status()
        staff.delete(releases[0]["resource_uri"]).raise_for_status()
        sponsors = staff.get("/api/v1/sponsors/", params={"all": "true"}).json()
        staff.patch(
            f"/api/v1/sponsors/{sponsors[0]['id']}", json={"description": "Renamed sponsor."}
        ).raise_for_status()
    written, rebuilt = index_and_reindex(fresh_server.database_url)
    assert written == rebuilt


async def prefixes(url: str) -> dict[str, list[str]]:
    """Autocomplete's titles of one kind, read as a kind larger than PostgreSQL's small-kind
    line is (its newest titles first, then the GIN index): a prefix only the oldest titles
    hold, and one every title holds."""
    from pydotorg.search import engines
    from pydotorg.search.engines import ENGINES
    from pydotorg.search.services import title_statement

    engine = create_engine(url, pool=False)
    name = "postgresql" if url.startswith("postgresql") else "sqlite"
    rare, common = word(), word()
    found: dict[str, list[str]] = {}
    try:
        async with create_sessionmaker(engine)() as session:
            feed = BlogFeed(name=rare, slug=rare, feed_url=f"https://example.org/{rare}.xml")
            session.add(feed)
            await session.flush()
            start = datetime(2020, 1, 1, tzinfo=UTC)
            for n in range(12):  # the oldest three hold the rare word
                title = f"{common} {n}" + f" {rare}{n}" * (n < 3)
                url_ = f"https://example.org/{rare}/{n}/"
                entry = BlogEntry(feed_id=feed.id, title=title, summary="", url=url_, guid=url_)
                entry.pub_date = start + timedelta(days=n)
                session.add(entry)
            await session.commit()
            small, engines.SMALL_KIND = engines.SMALL_KIND, 5  # every kind here is "large"
            try:
                statement = title_statement.__wrapped__(name, "anonymous", None)
            finally:
                engines.SMALL_KIND = small
            for typed in (rare[:5], common):
                params: dict[str, Any] = {}
                for spec in registry().values():
                    params.update(
                        ENGINES[name].prefix_params(f"t_{spec.name}", spec.index, [typed])
                    )
                await ENGINES[name].prepare(session)
                rows = await session.execute(statement, params)
                found[typed] = sorted(title for index, title in rows if index == "blogs")
                await session.rollback()
    finally:
        await engine.dispose()
    return {"rare": found[rare[:5]], "common": found[common], "words": [rare, common]}


def test_autocomplete_finds_old_titles_of_a_large_kind(tmp_path: Path) -> None:
    for seen in on_both_engines(tmp_path, prefixes):
        rare, common = seen["words"]
        assert seen["rare"] == [f"{common} {n} {rare}{n}" for n in range(3)]
        assert len(seen["common"]) == 12


def test_the_registry_holds_the_indexes_of_the_domains_it_is_given() -> None:
    """The search never imports the composition root: it is given the domains
    (``pydotorg.domains`` names them), and says so when it has not been."""
    try:
        index_domains([])
        with pytest.raises(RuntimeError, match=r"import pydotorg\.domains"):
            registry()
        index_domains([domain for domain in DOMAINS if domain.package != "pydotorg.jobs"])
        assert "jobs" not in registry()
    finally:
        index_domains(DOMAINS)
    assert "jobs" in registry()


def test_every_kind_has_a_title_index_of_its_own_on_postgresql(tmp_path: Path) -> None:
    """Autocomplete reads a larger kind's older titles from the kind's own GIN index (a kind
    without one would read every kind's titles holding the prefix): a new kind's migration
    adds it."""
    statement = "SELECT indexname FROM pg_indexes WHERE tablename = 'search_documents'"
    with migrated_database("postgresql", tmp_path) as url:
        found = {row[0] for row in execute_sql(url, statement)}
    kinds = {spec.kind for spec in registry().values()}
    assert {f"ix_search_documents_title_tsv_{kind}" for kind in kinds} <= found


def test_the_stored_vectors_split_the_text_as_the_snippets_do(tmp_path: Path) -> None:
    """Both vectors are generated from the text split at every ASCII punctuation character
    (migration 0025), as the engine splits it for ``ts_headline``: PostgreSQL's parser reads
    no token across punctuation that a query's words would not find."""
    statement = (
        "SELECT generation_expression FROM information_schema.columns "
        "WHERE table_name = 'search_documents' AND column_name IN ('tsv', 'title_tsv')"
    )
    with migrated_database("postgresql", tmp_path) as url:
        expressions = [row[0] for row in execute_sql(url, statement)]
    assert len(expressions) == 2
    for expression in expressions:
        assert f"'({PUNCTUATION})'" in expression, expression
        assert "[/.@:]" not in expression


@pytest.mark.parametrize(("kind", "number"), [("Page", 1), ("page'", 1), ("", 1), ("page", 0)])
def test_a_kind_is_a_name_engines_can_write_in_a_statement(kind: str, number: int) -> None:
    with pytest.raises(ValueError, match="a kind is"):
        SearchIndex(kind, number)
