"""Reading another python.org's downloads from its ``/api/v2/``, for ``pydotorg sync``.

python.org answers ``/api/v2/downloads/{os,release,release_file}/`` with bare, unpaginated JSON
arrays of hyperlinked records. This module fetches the three lists and decodes them strictly
(wrong types and missing fields are refused), within bounds a hostile host cannot push
(``MAX_BYTES`` per answer, ``MAX_ITEMS`` per list), waiting out a ``429`` as its
``Retry-After`` asks a bounded number of times. Every failure is an ``UpstreamError`` whose
message is one line. Nothing here touches the database.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
import msgspec

from pydotorg.compat.v2.schemas import V2ReleaseFile
from pydotorg.core.days import OUTSIDE_UTC, outside_utc

MAX_BYTES = 32 * 2**20
"""Largest answer read (python.org's full ``release_file/`` list is about 3 MB)."""
MAX_ITEMS = 50_000
"""Most records taken from one list."""
MAX_RETRIES = 3
"""How many times a ``429`` is waited out before the sync gives up."""
MAX_WAIT = 120.0
"""Longest ``Retry-After`` honoured, in seconds; a longer one fails at once."""
TIMEOUT = httpx.Timeout(60.0, connect=10.0)

PATHS = {
    "os": "/api/v2/downloads/os/",
    "release": "/api/v2/downloads/release/",
    "release_file": "/api/v2/downloads/release_file/",
}
_LINK = re.compile(r"/api/v2/downloads/(os|release|release_file)/([1-9][0-9]{0,17})/?\Z")


class UpstreamError(Exception):
    """Why the source's answer cannot be used, in one line."""


class RemoteOS(msgspec.Struct):
    name: str
    slug: str
    resource_uri: str


class RemoteRelease(msgspec.Struct):
    """python.org's ``is_latest`` and ``pre_release`` are not read: this service derives both
    (from the name, and per major version) as it does on every write."""

    name: str
    slug: str
    version: int
    is_published: bool
    release_date: datetime | None
    release_page: str | None
    release_notes_url: str
    show_on_download_page: bool
    resource_uri: str


class RemoteFile(V2ReleaseFile, kw_only=True):
    """A release file as this service's ``/api/v2/`` serves it. ``sha256_sum`` came later to
    python.org (its migration 0014): when a source leaves it out, the local checksum is kept."""

    sha256_sum: str | None = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Downloads:
    """The three lists as the source gave them."""

    oses: list[RemoteOS]
    releases: list[RemoteRelease]
    files: list[RemoteFile]


def link_id(link: str, kind: str, where: str) -> int:
    """The id a hyperlink such as ``https://www.python.org/api/v2/downloads/release/146/``
    names (its last path segment), when it is a link to a ``kind``."""
    match = _LINK.search(link)
    if match is None or match.group(1) != kind:
        raise UpstreamError(f"{where}: {link!r} is not a link to a {kind.replace('_', ' ')}")
    return int(match.group(2))


def retry_after(value: str | None, now: datetime) -> float:
    """Seconds a ``Retry-After`` header asks to wait: a number of seconds or an HTTP date."""
    if value is None:
        return 1.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return max(0.0, (when - now).total_seconds())


T = TypeVar("T")
Sleep = Callable[[float], Awaitable[Any]]
Progress = Callable[[str, int, int | None], None]
"""Told ``(kind, bytes read so far, bytes expected or None)`` as an answer arrives."""


class Upstream:
    """One source: a base URL such as ``https://www.python.org``."""

    def __init__(
        self,
        base_url: str,
        client: httpx.AsyncClient,
        *,
        sleep: Sleep = asyncio.sleep,
        progress: Progress | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.sleep = sleep
        self.progress = progress

    async def downloads(self) -> Downloads:
        return Downloads(
            oses=await self.fetch("os", RemoteOS),
            releases=await self.fetch("release", RemoteRelease),
            files=await self.fetch("release_file", RemoteFile),
        )

    async def fetch(self, kind: str, item: type[T]) -> list[T]:
        url = self.base_url + PATHS[kind]
        body = await self._body(kind, url)
        try:
            items = msgspec.json.decode(body, type=list[item])  # type: ignore[valid-type]
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise UpstreamError(f"{url}: malformed answer: {exc}") from exc
        where = outside_utc(items)
        if where is not None:
            raise UpstreamError(f"{url}: malformed answer: {where} {OUTSIDE_UTC}")
        if len(items) > MAX_ITEMS:
            raise UpstreamError(f"{url}: {len(items)} records, more than the {MAX_ITEMS} taken")
        return items

    async def _body(self, kind: str, url: str) -> bytes:
        for attempt in range(MAX_RETRIES + 1):
            try:
                async with self.client.stream("GET", url) as response:
                    if response.status_code == 429:
                        wait = retry_after(response.headers.get("retry-after"), datetime.now(UTC))
                    else:
                        return await self._read(kind, url, response)
            except httpx.HTTPError as exc:
                raise UpstreamError(f"cannot fetch {url}: {_reason(exc)}") from exc
            if attempt == MAX_RETRIES:
                break
            if wait > MAX_WAIT:
                raise UpstreamError(
                    f"{url} answered 429 and asks to wait {wait:.0f} s, more than {MAX_WAIT:.0f} s"
                )
            await self.sleep(wait)
        raise UpstreamError(
            f"{url} still answered 429 (too many requests) after {MAX_RETRIES} retries"
        )

    async def _read(self, kind: str, url: str, response: httpx.Response) -> bytes:
        if response.status_code != 200:
            phrase = response.reason_phrase or "error"
            raise UpstreamError(f"{url} answered {response.status_code} {phrase}")
        declared = response.headers.get("content-length")
        expected = int(declared) if declared and declared.isdigit() else None
        if expected is not None and expected > MAX_BYTES:
            raise UpstreamError(f"{url}: answer of {expected} bytes, more than {MAX_BYTES}")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_BYTES:
                raise UpstreamError(f"{url}: answer longer than {MAX_BYTES} bytes")
            if self.progress is not None:
                self.progress(kind, len(body), expected)
        return bytes(body)


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text or type(exc).__name__
