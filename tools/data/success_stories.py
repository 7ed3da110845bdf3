"""The 42 legacy python.org success stories: their facts, never their text.

From ``success_stories.json`` (parsed from the legacy python.org ``about/success/*.rst`` pages):
slug, name (the story's title), category, author and date, and each story's page on python.org
(``https://www.python.org/about/success/<slug>/``, the links of the legacy index
``about/success.rst``). Summaries, keywords and story texts are left out.

- ``category`` is the first field the story's ``Category:`` header names, spelt as the legacy
  index names its fields ("Science" is "Scientific"); ``categories`` are every field the header
  and the index file the story under.
- ``company_url`` is the header's web site. The derived file read only ``Web site:`` headers;
  the others (``Website:``, ``Web Site:``) are read from the legacy page beside it
  (``../legacy-python-org/about/success/<slug>.rst``) when it is there.
- ``company_name``: the legacy pages name no company, so it is the web site's link text where
  that is a name (GravityZoo), else the site's host without ``www.``; empty without a site.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

OUTPUT = "success_stories.json.gz"
PAGE = "https://www.python.org/about/success/{slug}/"
SPELLING = {"Science": "Scientific", "Software Devleopment": "Software Development"}
WEB_SITE = re.compile(r"^\*\*Web ?site:\*\*\s*`(?P<text>[^<`]*?)\s*<(?P<url>[^>]+)>`_", re.I | re.M)


def field_names(header: str) -> list[str]:
    names = [SPELLING.get(name.strip(), name.strip()) for name in header.split(",")]
    return [name for name in names if name]


def web_site(derived: Path, record: dict[str, Any]) -> tuple[str, str]:
    """The story's web site: its link text and URL (empty when the page gives none)."""
    page = derived.parent / "legacy-python-org" / "about" / "success" / f"{record['slug']}.rst"
    if page.exists():
        match = WEB_SITE.search(page.read_text(encoding="utf-8"))
        if match:
            return match["text"].strip(), match["url"].strip()
    url = record["company_url"] or ""
    return url, url


def company_name(text: str, url: str) -> str:
    if text and not text.lower().startswith(("http://", "https://")):
        return text
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def records(derived: Path) -> list[dict[str, Any]]:
    stories = json.loads((derived / "success_stories.json").read_text(encoding="utf-8"))
    result = []
    for story in sorted(stories, key=lambda s: str(s["slug"])):
        named = field_names(story["category"] or "")
        indexed = [entry.split(" / ")[0].strip() for entry in story["index_categories"]]
        text, url = web_site(derived, story)
        result.append(
            {
                "slug": story["slug"],
                "name": story["name"],
                "company_name": company_name(text, url),
                "company_url": url,
                "category": named[0] if named else indexed[0],
                "categories": sorted(set(named) | set(indexed)),
                "author": story["author"] or "",
                "date": story["date"],
                "url": PAGE.format(slug=story["slug"]),
                "source": story["source"],
            }
        )
    return result
