"""``pydotorg import feed``: read an RSS or Atom feed and upsert its entries.

The feed is read whole (a local file, or an http(s) URL downloaded with bounded size and time)
and parsed with feedparser before the database is touched, so a feed that cannot be read or is
not a feed changes nothing. Its record is found by its feed URL (or, with ``--feed-name``, by
that name), and made if missing. Each entry is matched by its guid, falling back to its link;
what the feed says replaces what is stored, what it leaves out stays. A second run of the same
feed therefore changes nothing. Summaries in HTML are sanitised and plain ones escaped, once,
here; every written entry is indexed for search in the same transaction.
"""

from __future__ import annotations

import html
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import HTTPException
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg import __version__
from pydotorg.content.blogs.models import BlogEntry, BlogFeed
from pydotorg.content.blogs.services import set_tags, unique_tags
from pydotorg.core.days import FIRST_YEAR, LAST_YEAR
from pydotorg.core.schemas import NOT_IN_FREE_TEXT, NOT_IN_TEXT
from pydotorg.core.text import sanitize, slugify

MAX_BYTES = 10 * 1024 * 1024
TIMEOUT_SECONDS = 30.0
HTML_TYPES = {"text/html", "application/xhtml+xml"}
_NOT_ONE_LINE = re.compile(f"[{NOT_IN_TEXT}]+")
_NOT_FREE_TEXT = re.compile(f"[{NOT_IN_FREE_TEXT}]")
_SPACES = re.compile(r"\s+")
_WEB = re.compile(r"^https?://", re.IGNORECASE)


class FeedImportError(Exception):
    """Why a feed cannot be imported, in one line; nothing was changed."""


@dataclass(frozen=True)
class EntryFacts:
    """One entry as the feed gives it, cleaned to fit the blogs tables."""

    guid: str
    url: str
    title: str
    summary: str
    author: str
    tags: list[str]
    pub_date: datetime | None
    updated_date: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str
    self_link: str
    entries: list[EntryFacts]
    skipped: int


@dataclass
class ImportResult:
    feed: str
    new_feed: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def summary(self) -> str:
        counts = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        notes = []
        if self.new_feed:
            notes.append("new feed")
        if self.skipped:
            notes.append(f"{self.skipped} skipped without a guid or link")
        if not (self.new_feed or self.created or self.updated):
            notes.append("nothing changed")
        return f"{self.feed}: {counts}" + (f" ({'; '.join(notes)})" if notes else "")


# Reading ---------------------------------------------------------------------------------


def is_web(source: str) -> bool:
    return bool(_WEB.match(source))


def read_source(
    source: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_SECONDS
) -> bytes:
    """The bytes of a local file or of an http(s) URL, at most ``max_bytes``."""
    if is_web(source):
        return download(source, max_bytes=max_bytes, timeout=timeout)
    path = Path(source)
    try:
        if path.stat().st_size > max_bytes:
            raise FeedImportError(f"the file is larger than {max_bytes:,} bytes")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise FeedImportError("no such file") from exc
    except OSError as exc:
        raise FeedImportError(f"cannot read the file ({exc.strerror or exc})") from exc


def download(url: str, *, max_bytes: int, timeout: float) -> bytes:
    request = urllib.request.Request(  # noqa: S310 - is_web allowed http(s) only
        url,
        headers={
            "User-Agent": f"pydotorg/{__version__} (feed import)",
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
        },
    )
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FeedImportError(f"the feed is larger than {max_bytes:,} bytes")
                if time.monotonic() > deadline:
                    raise FeedImportError(f"the download took longer than {timeout:g} s")
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        raise FeedImportError(f"the server answered {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise FeedImportError(f"cannot reach the server ({exc.reason})") from exc
    except (TimeoutError, OSError, HTTPException) as exc:
        raise FeedImportError(f"cannot download the feed ({exc or type(exc).__name__})") from exc
    return b"".join(chunks)


def one_line(value: Any, limit: int) -> str:
    text = _SPACES.sub(" ", _NOT_ONE_LINE.sub(" ", str(value or ""))).strip()
    return text[:limit].rstrip()


def _moment(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return moment if FIRST_YEAR <= moment.year <= LAST_YEAR else None


def _summary(entry: Any) -> str:
    text = entry.get("summary") or ""
    if not text:
        return ""
    detail = entry.get("summary_detail") or {}
    kind = detail.get("type")
    if kind is None and entry.get("content"):
        kind = entry["content"][0].get("type")
    text = _NOT_FREE_TEXT.sub("", str(text))[:100_000]
    if kind is None or kind in HTML_TYPES:
        return sanitize(text)
    return html.escape(text).strip()


def _tags(entry: Any) -> list[str]:
    terms = (one_line(tag.get("term") or tag.get("label"), 100) for tag in entry.get("tags", []))
    return unique_tags(term for term in terms if term)[:20]


def entry_facts(entry: Any, base: str) -> EntryFacts | None:
    """What the blogs tables keep of one feedparser entry; None without a guid or a link."""
    link = one_line(entry.get("link"), 1000)
    link = urljoin(base, link) if link and base else link
    guid = one_line(entry.get("id"), 500) or link[:500]
    if not is_web(link):
        link = guid if is_web(guid) else ""
    if not guid or not link or len(link) > 1000:
        return None
    return EntryFacts(
        guid=guid,
        url=link,
        title=one_line(entry.get("title"), 500) or link[:500],
        summary=_summary(entry),
        author=one_line(entry.get("author"), 200),
        tags=_tags(entry),
        pub_date=_moment(entry.get("published_parsed")) or _moment(entry.get("updated_parsed")),
        updated_date=_moment(entry.get("updated_parsed")),
    )


def parse(content: bytes) -> ParsedFeed:
    """The feed in ``content``; a malformed feed, or not a feed at all, is refused."""
    parsed = feedparser.parse(content)
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        reason = f" ({one_line(problem, 200)})" if problem else ""
        raise FeedImportError(f"not an RSS or Atom feed{reason}")
    head = parsed.feed
    link = one_line(head.get("link"), 500)
    self_link = next(
        (
            one_line(item.get("href"), 500)
            for item in head.get("links", [])
            if item.get("rel") == "self" and is_web(str(item.get("href", "")))
        ),
        "",
    )
    facts = [entry_facts(entry, link) for entry in parsed.entries]
    entries = [item for item in facts if item is not None]
    if parsed.get("bozo") and not entries:
        problem = one_line(parsed.get("bozo_exception"), 200) or "malformed"
        raise FeedImportError(f"the feed is malformed ({problem})")
    return ParsedFeed(
        title=one_line(head.get("title"), 200),
        link=link if is_web(link) else "",
        self_link=self_link,
        entries=entries,
        skipped=len(facts) - len(entries),
    )


def load_feed(source: str) -> tuple[ParsedFeed, str]:
    """The parsed feed and the URL to record it under: the URL it was read from, or for a
    file its own ``rel="self"`` link (else the file's absolute ``file:`` URI)."""
    feed = parse(read_source(source))
    if is_web(source):
        return feed, source[:500]
    return feed, feed.self_link or Path(source).resolve().as_uri()[:500]


# Writing ---------------------------------------------------------------------------------


@dataclass
class _Known:
    by_guid: dict[str, BlogEntry] = field(default_factory=dict)
    by_url: dict[str, BlogEntry] = field(default_factory=dict)

    def add(self, entry: BlogEntry) -> None:
        self.by_guid[entry.guid] = entry
        self.by_url.setdefault(entry.url, entry)

    def find(self, facts: EntryFacts) -> BlogEntry | None:
        return self.by_guid.get(facts.guid) or self.by_url.get(facts.url)


async def _feed(
    session: AsyncSession, feed: ParsedFeed, feed_url: str, name: str | None
) -> tuple[BlogFeed, bool]:
    row = await session.scalar(select(BlogFeed).where(BlogFeed.feed_url == feed_url))
    if row is None and name:
        slug = slugify(name, fallback="feed")
        row = await session.scalar(select(BlogFeed).where(BlogFeed.slug == slug))
    if row is not None:
        return row, False
    title = name or feed.title or urlsplit(feed_url).hostname or "Feed"
    base = slugify(title, fallback="feed", max_length=150)
    taken = set(await session.scalars(select(BlogFeed.slug).where(BlogFeed.slug.like(f"{base}%"))))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    row = BlogFeed(name=title, slug=slug, website_url=feed.link, feed_url=feed_url)
    session.add(row)
    await session.flush()
    return row, True


def _changes(entry: BlogEntry, facts: EntryFacts) -> dict[str, Any]:
    """The columns the feed changes: those it gives that differ from what is stored."""
    given = {
        "guid": facts.guid,
        "url": facts.url,
        "title": facts.title,
        "summary": facts.summary or None,
        "author": facts.author or None,
        "pub_date": facts.pub_date,
        "updated_date": facts.updated_date,
    }
    return {
        name: value
        for name, value in given.items()
        if value is not None and getattr(entry, name) != value
    }


def _new_entry(feed_id: int, facts: EntryFacts, now: datetime) -> BlogEntry:
    entry = BlogEntry(
        feed_id=feed_id,
        guid=facts.guid,
        url=facts.url,
        title=facts.title,
        summary=facts.summary,
        author=facts.author,
        pub_date=facts.pub_date or now,
        updated_date=facts.updated_date,
    )
    set_tags(entry, facts.tags)
    return entry


def _update(entry: BlogEntry, facts: EntryFacts) -> bool:
    """Apply what the feed changes to ``entry``; whether it changed anything."""
    changes = _changes(entry, facts)
    retag = bool(facts.tags) and set(entry.tags) != set(unique_tags(facts.tags))
    for column, value in changes.items():
        setattr(entry, column, value)
    if retag:
        set_tags(entry, facts.tags)
    return bool(changes) or retag


async def upsert(
    session: AsyncSession,
    feed: ParsedFeed,
    feed_url: str,
    name: str | None,
    step: Callable[[], None] = lambda: None,
) -> ImportResult:
    """Write the feed's entries in the session's transaction (the caller commits)."""
    row, new_feed = await _feed(session, feed, feed_url, name)
    result = ImportResult(row.name, new_feed=new_feed, skipped=feed.skipped)
    known = _Known()
    for stored in await session.scalars(select(BlogEntry).where(BlogEntry.feed_id == row.id)):
        known.add(stored)
    now = datetime.now(UTC)
    for facts in feed.entries:
        found = known.find(facts)
        if found is None:
            entry = _new_entry(row.id, facts, now)
            session.add(entry)
            result.created += 1
        elif _update(found, facts):
            entry = found
            result.updated += 1
        else:
            result.unchanged += 1
            step()
            continue
        await session.flush()
        known.add(entry)
        step()
    return result


def progress_steps(total: int, enabled: bool) -> tuple[Callable[[], None], Callable[[], None]]:
    """A rich progress bar's ``advance`` and ``stop`` (doing nothing unless ``enabled``)."""
    if not enabled:
        return (lambda: None), (lambda: None)
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("Importing entries", total=total)
    bar.start()
    return (lambda: bar.advance(task)), bar.stop


async def import_feed(
    database_url: str, feed: ParsedFeed, feed_url: str, *, name: str | None, progress: bool
) -> ImportResult:
    """Upsert the feed's entries into the database at ``database_url``, in one transaction."""
    from pydotorg.db.engine import command_session

    advance, stop = progress_steps(len(feed.entries), progress)
    try:
        async with command_session(database_url) as session:
            result = await upsert(session, feed, feed_url, name, advance)
            await session.commit()
            return result
    finally:
        stop()
