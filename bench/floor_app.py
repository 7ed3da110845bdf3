"""The floor of an uncached read: Litestar and SQLAlchemy Core answering the same bytes.

``bench/uncached.sh`` compares pydotorg with ``RESPONSE_CACHE=0`` against this app. It answers
``GET /api/v1/releases/latest`` and ``GET /api/v1/releases?pageSize=20`` (``currentPage`` too)
from the same database (``DATABASE_URL``, the same SQLite file or PostgreSQL database, on the
same async driver), with byte-identical JSON bodies and the same ``X-Total-Count``. No ORM, no
middleware, no dependencies beyond the query parameters, no OpenAPI routes; each statement is
built once at import, and each request checks out a pooled connection, runs one statement and
encodes the rows with msgspec. Whatever pydotorg spends beyond this is the cost of its own
layers (and of what it does that this app does not: ETag, rate limiting, the ``Link`` header).

One Core query per request, the fewest that give the same answer:

- latest: the release joined to its release cycle (support status, end of life), newest first,
  ``LIMIT 1``;
- list: the page joined the same way, with the total as an uncorrelated scalar subquery
  (``(SELECT count(*) ...) AS total``), which SQLite and PostgreSQL evaluate once per
  statement. Only a page past the end (no rows, so no total) needs a second query, the same
  ``count(*)`` alone; the benchmarked first page never does. (``count(*) OVER ()`` is one query
  too, but SQLite then keeps all 643 joined rows, every column, in the window's table before
  sorting them: 1.3 ms of SQLite per page instead of 0.35 ms.)

Serve it with granian like the real app; ``PUBLIC_BASE_URL`` makes ``resource_uri`` the same::

    DATABASE_URL=sqlite:///var/pydotorg.sqlite3 PUBLIC_BASE_URL=http://127.0.0.1 \\
        .venv/bin/granian --interface asgi --factory --workers 1 --host 127.0.0.1 \\
        --port 8001 bench.floor_app:create_app
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Litestar, Request, Response, get
from litestar.params import Parameter
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

LATEST_PATH = "/api/v1/releases/latest"
LIST_PATH = "/api/v1/releases"
JSON = "application/json"

metadata = MetaData()
release = Table(
    "download_release",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String),
    Column("slug", String),
    Column("major", Integer),
    Column("minor", Integer),
    Column("micro", Integer),
    Column("stage_rank", Integer),
    Column("stage_number", Integer),
    Column("series", String),
    Column("release_date", DateTime(timezone=True)),
    Column("pre_release", Boolean),
    Column("is_published", Boolean),
    Column("is_latest", Boolean),
    Column("show_on_download_page", Boolean),
    Column("release_notes_url", String),
    Column("release_page_url", String),
)
cycle = Table(
    "download_release_cycle",
    metadata,
    Column("series", String, primary_key=True),
    Column("status", String),
    Column("first_release", Date),
    Column("end_of_bugfix", Date),
    Column("end_of_life", Date),
)

r = release.c
COLUMNS = (
    *(r.id, r.name, r.slug, r.major, r.minor, r.micro, r.stage_rank, r.stage_number, r.series),
    *(r.release_date, r.pre_release, r.is_published, r.is_latest, r.show_on_download_page),
    *(r.release_notes_url, r.release_page_url, cycle.c.status, cycle.c.end_of_life),
    *(cycle.c.first_release, cycle.c.end_of_bugfix),
)
JOINED = release.outerjoin(cycle, cycle.c.series == r.series)
NEWEST_FIRST = (
    r.major.desc(),
    r.minor.desc(),
    r.micro.desc(),
    r.stage_rank.desc(),
    r.stage_number.desc(),
)
LATEST = (
    select(*COLUMNS)
    .select_from(JOINED)
    .where(r.is_published.is_(True), r.pre_release.is_(False), r.major == 3)
    .order_by(*NEWEST_FIRST)
    .limit(1)
)
COUNT = select(func.count()).select_from(release).where(r.is_published.is_(True))
PAGE = (
    select(*COLUMNS, COUNT.scalar_subquery().label("total"))
    .select_from(JOINED)
    .where(r.is_published.is_(True))
    .order_by(r.release_date.desc().nulls_last(), *NEWEST_FIRST)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
STAGES = {0: "a", 1: "b", 2: "rc"}


class ReleaseBody(msgspec.Struct):
    id: int
    name: str
    slug: str
    version: int
    series: str
    python_version: str
    release_date: datetime | None
    pre_release: bool
    is_published: bool
    is_latest: bool
    show_on_download_page: bool
    release_notes_url: str
    release_page: str | None
    support_status: str | None
    end_of_life: date | None
    resource_uri: str


def support_status(row: Any, today: date) -> str | None:
    """Where the release's series stands on ``today``, by its schedule's dates."""
    if row.end_of_life is not None and today >= row.end_of_life:
        return "end-of-life"
    if row.end_of_bugfix is not None and today >= row.end_of_bugfix:
        return "security"
    if row.first_release is not None:
        return "bugfix" if today >= row.first_release else "prerelease"
    status: str | None = row.status
    return "prerelease" if status == "feature" else status


def body_of(row: Any, base: str) -> ReleaseBody:
    (id_, name, slug, major, minor, micro, rank, number, series, when, pre, published) = row[:12]
    stage = STAGES.get(rank, "")
    if when is not None:
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return ReleaseBody(
        id=id_,
        name=name,
        slug=slug,
        version=major,
        series=series,
        python_version=f"{major}.{minor}.{micro}{stage}{number if stage else ''}",
        release_date=when,
        pre_release=pre,
        is_published=published,
        is_latest=row.is_latest,
        show_on_download_page=row.show_on_download_page,
        release_notes_url=row.release_notes_url,
        release_page=row.release_page_url,
        support_status=support_status(row, datetime.now(UTC).date()),
        end_of_life=row.end_of_life,
        resource_uri=f"{base}/api/v1/releases/{id_}",
    )


def async_url(url: str) -> str:
    """The URL with pydotorg's drivers: aiosqlite for SQLite, asyncpg for PostgreSQL."""
    for plain, driver in (
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://", "postgresql+asyncpg://"),
    ):
        if url.startswith(plain):
            return driver + url.removeprefix(plain)
    return url


def create_engine(url: str, *, one_trip: bool = False) -> AsyncEngine:
    """The pool of pydotorg's engine (``db/engine.py``), so that only the work per request
    differs: 10 connections for a SQLite file, 10 + 10 for PostgreSQL. The connections are
    SQLAlchemy's own aiosqlite or asyncpg adapter; with ``one_trip`` (``FLOOR_ONE_TRIP=1``),
    SQLite's are pydotorg's, which take one trip to aiosqlite's thread per statement
    (``src/pydotorg/db/sqlite.py``), to tell that saving from the rest."""
    if url.startswith("postgresql"):
        return create_async_engine(url, pool_size=10, max_overflow=10, pool_recycle=1800)
    if one_trip:
        from sqlalchemy import make_url

        from pydotorg.db.sqlite import connector

        return create_async_engine(
            url, pool_size=10, max_overflow=0, async_creator=connector(make_url(url))
        )
    return create_async_engine(url, pool_size=10, max_overflow=0)


def create_app() -> Litestar:
    """The floor app on ``$DATABASE_URL``, with links under ``$PUBLIC_BASE_URL`` if set."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL must name the database pydotorg serves")
    engine = create_engine(async_url(url), one_trip=os.environ.get("FLOOR_ONE_TRIP") == "1")
    public_base = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
    encode = msgspec.json.Encoder().encode

    @get(LATEST_PATH)
    async def latest(request: Request[Any, Any, Any]) -> Response[bytes]:
        async with engine.connect() as connection:
            row = (await connection.execute(LATEST)).first()
        if row is None:
            return Response(b'{"detail":"none"}', status_code=404, media_type=JSON)
        base = public_base or str(request.base_url).rstrip("/")
        return Response(encode(body_of(row, base)), media_type=JSON)

    @get(LIST_PATH)
    async def list_releases(
        request: Request[Any, Any, Any],
        current_page: Annotated[int, Parameter(query="currentPage", ge=1)] = 1,
        page_size: Annotated[int, Parameter(query="pageSize", ge=1, le=1000)] = 20,
    ) -> Response[bytes]:
        window = {"limit": page_size, "offset": (current_page - 1) * page_size}
        async with engine.connect() as connection:
            rows = (await connection.execute(PAGE, window)).all()
            total = rows[0].total if rows else await connection.scalar(COUNT)
        base = public_base or str(request.base_url).rstrip("/")
        return Response(
            encode([body_of(row, base) for row in rows]),
            media_type=JSON,
            headers={"X-Total-Count": str(total)},
        )

    @get("/health")
    async def health() -> Response[bytes]:
        return Response(b'{"status":"ok"}', media_type=JSON)

    return Litestar(
        route_handlers=[latest, list_releases, health],
        on_shutdown=[engine.dispose],
        openapi_config=None,
        debug=False,
    )
