"""RSS 2.0 and Atom 1.0 documents, built once for every domain's feeds (jobs, events, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"
RSS_MEDIA_TYPE = "application/rss+xml; charset=utf-8"
ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
XML_MEDIA_TYPE = "text/xml; charset=utf-8"  # for clients that read only text/* (generated ones)


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


def _text(parent: ET.Element, tag: str, text: str, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    element.text = text
    return element


def _clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters; drop them rather than emit a broken feed."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def _document(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def rss_feed(
    *, title: str, link: str, description: str, self_url: str, items: Sequence[FeedItem]
) -> bytes:
    ET.register_namespace("atom", ATOM_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", _clean(title))
    _text(channel, "link", link)
    _text(channel, "description", _clean(description))
    ET.SubElement(
        channel,
        f"{{{ATOM_NS}}}link",
        {"href": self_url, "rel": "self", "type": "application/rss+xml"},
    )
    newest = max((item.updated or item.published for item in items), default=None)
    if newest is not None:
        _text(channel, "lastBuildDate", format_datetime(newest.astimezone(UTC), usegmt=True))
    for item in items:
        entry = ET.SubElement(channel, "item")
        _text(entry, "title", _clean(item.title))
        _text(entry, "link", item.link)
        _text(entry, "description", _clean(item.summary))
        _text(entry, "guid", item.guid, isPermaLink="false")
        _text(entry, "pubDate", format_datetime(item.published.astimezone(UTC), usegmt=True))
        for category in item.categories:
            _text(entry, "category", _clean(category))
    return _document(rss)


def atom_feed(
    *, title: str, link: str, feed_id: str, self_url: str, items: Sequence[FeedItem]
) -> bytes:
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _text(feed, f"{{{ATOM_NS}}}title", _clean(title))
    _text(feed, f"{{{ATOM_NS}}}id", feed_id)
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"href": link, "rel": "alternate"})
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"href": self_url, "rel": "self"})
    newest = max(
        (item.updated or item.published for item in items), default=datetime(2000, 1, 1, tzinfo=UTC)
    )
    _text(feed, f"{{{ATOM_NS}}}updated", newest.astimezone(UTC).isoformat())
    for item in items:
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        _text(entry, f"{{{ATOM_NS}}}title", _clean(item.title))
        _text(entry, f"{{{ATOM_NS}}}id", item.guid)
        ET.SubElement(entry, f"{{{ATOM_NS}}}link", {"href": item.link, "rel": "alternate"})
        _text(entry, f"{{{ATOM_NS}}}published", item.published.astimezone(UTC).isoformat())
        updated = item.updated or item.published
        _text(entry, f"{{{ATOM_NS}}}updated", updated.astimezone(UTC).isoformat())
        if item.author:
            author = ET.SubElement(entry, f"{{{ATOM_NS}}}author")
            _text(author, f"{{{ATOM_NS}}}name", _clean(item.author))
        if item.summary:
            _text(entry, f"{{{ATOM_NS}}}summary", _clean(item.summary))
        for category in item.categories:
            ET.SubElement(entry, f"{{{ATOM_NS}}}category", {"term": _clean(category)})
    return _document(feed)
