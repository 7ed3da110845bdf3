"""RSS 2.0 and Atom 1.0 documents, built once for every domain's feeds (jobs, events, ...).

Every text and attribute value goes through ``_clean``, which drops the characters XML 1.0
forbids (C0 controls but tab, newline and carriage return; unpaired surrogates; U+FFFE and
U+FFFF): the API refuses them at write time, and a row that holds one anyway (written before the
rule, or by another program) must not make the feed unparseable for every reader.

Readers render an RSS ``description`` (and an Atom ``summary`` of type ``html``) as HTML: an
item's summary is written there either as escaped text (:func:`html.escape`, so that an event
description reading ``&lt;img ...&gt;`` shows those characters rather than becoming an element)
or, when it is HTML, sanitised with the policy of every body (``core.text.sanitize``), however
it was stored. An Atom summary that is text is sent as ``type="text"``, which readers never
render as HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from pydotorg.core.text import sanitize

ATOM_NS = "http://www.w3.org/2005/Atom"
RSS_MEDIA_TYPE = "application/rss+xml; charset=utf-8"
ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
XML_MEDIA_TYPE = "text/xml; charset=utf-8"  # for clients that read only text/* (generated ones)
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class FeedItem:
    title: str
    link: str
    guid: str
    published: datetime
    summary: str = ""
    updated: datetime | None = None
    author: str = ""
    categories: Sequence[str] = ()
    summary_is_html: bool = False
    """The summary is HTML (a blog entry's), not plain text: Atom says so (``type="html"``)."""


def _as_html(item: FeedItem) -> str:
    """The item's summary as HTML a reader may render: sanitised, or escaped text."""
    return sanitize(item.summary) if item.summary_is_html else html.escape(item.summary)


def _clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def _text(parent: ET.Element, tag: str, text: str, **attrib: str) -> ET.Element:
    element = _element(parent, tag, **attrib)
    element.text = _clean(text)
    return element


def _element(parent: ET.Element, tag: str, **attrib: str) -> ET.Element:
    return ET.SubElement(parent, tag, {name: _clean(value) for name, value in attrib.items()})


def _document(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def rss_feed(
    *, title: str, link: str, description: str, self_url: str, items: Sequence[FeedItem]
) -> bytes:
    ET.register_namespace("atom", ATOM_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _element(rss, "channel")
    _text(channel, "title", title)
    _text(channel, "link", link)
    _text(channel, "description", description)
    _element(channel, f"{{{ATOM_NS}}}link", href=self_url, rel="self", type="application/rss+xml")
    newest = max((item.updated or item.published for item in items), default=None)
    if newest is not None:
        _text(channel, "lastBuildDate", format_datetime(newest.astimezone(UTC), usegmt=True))
    for item in items:
        entry = _element(channel, "item")
        _text(entry, "title", item.title)
        _text(entry, "link", item.link)
        _text(entry, "description", _as_html(item))
        _text(entry, "guid", item.guid, isPermaLink="false")
        _text(entry, "pubDate", format_datetime(item.published.astimezone(UTC), usegmt=True))
        for category in item.categories:
            _text(entry, "category", category)
    return _document(rss)


def atom_feed(
    *, title: str, link: str, feed_id: str, self_url: str, items: Sequence[FeedItem]
) -> bytes:
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _text(feed, f"{{{ATOM_NS}}}title", title)
    _text(feed, f"{{{ATOM_NS}}}id", feed_id)
    _element(feed, f"{{{ATOM_NS}}}link", href=link, rel="alternate")
    _element(feed, f"{{{ATOM_NS}}}link", href=self_url, rel="self")
    newest = max(
        (item.updated or item.published for item in items), default=datetime(2000, 1, 1, tzinfo=UTC)
    )
    _text(feed, f"{{{ATOM_NS}}}updated", newest.astimezone(UTC).isoformat())
    for item in items:
        entry = _element(feed, f"{{{ATOM_NS}}}entry")
        _text(entry, f"{{{ATOM_NS}}}title", item.title)
        _text(entry, f"{{{ATOM_NS}}}id", item.guid)
        _element(entry, f"{{{ATOM_NS}}}link", href=item.link, rel="alternate")
        _text(entry, f"{{{ATOM_NS}}}published", item.published.astimezone(UTC).isoformat())
        updated = item.updated or item.published
        _text(entry, f"{{{ATOM_NS}}}updated", updated.astimezone(UTC).isoformat())
        if item.author:
            author = _element(entry, f"{{{ATOM_NS}}}author")
            _text(author, f"{{{ATOM_NS}}}name", item.author)
        if item.summary:
            if item.summary_is_html:
                _text(entry, f"{{{ATOM_NS}}}summary", _as_html(item), type="html")
            else:
                _text(entry, f"{{{ATOM_NS}}}summary", item.summary, type="text")
        for category in item.categories:
            _element(entry, f"{{{ATOM_NS}}}category", term=category)
    return _document(feed)


@dataclass(frozen=True)
class FeedAbout:
    """What a feed is about, and where its two documents live."""

    title: str
    link: str
    """The page the feed follows (the list its items come from)."""
    description: str
    rss_url: str
    atom_url: str
    feed_id: str | None = None
    """The Atom feed's id; its own URL unless another stable URI names the thing followed."""


def feed_document(kind: str, about: FeedAbout, items: Sequence[FeedItem]) -> bytes:
    """``items`` as an ``"rss"`` or ``"atom"`` document."""
    if kind == "rss":
        return rss_feed(
            title=about.title,
            link=about.link,
            description=about.description,
            self_url=about.rss_url,
            items=items,
        )
    return atom_feed(
        title=about.title,
        link=about.link,
        feed_id=about.feed_id or about.atom_url,
        self_url=about.atom_url,
        items=items,
    )
