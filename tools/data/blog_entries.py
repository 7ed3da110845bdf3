"""The Python Insider blog's posts, facts only: title, link, guid, author, tags and dates.

Built from ``blog_entries.json`` (python/python-insider-blog ``content/posts/*/index.md``
front matter). Post bodies and descriptions are the authors' prose and are left out:
``pydotorg import feed`` fills summaries from the live feed.

The blog lives at https://blog.python.org, built with Astro from that repository: a post is at
``/{year}/{month}/{slug}/`` (``src/lib/utils.ts`` ``postUrl``, the publication date in UTC;
the RSS feed links it with the trailing slash and uses that link as its guid). So ``guid`` is
that address, and ``url`` the post's old Blogger address where the source records it (the site
redirects it there), else the same address. Unpublished posts are left out. Records are ordered
oldest first, so ids follow publication.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

OUTPUT = "blog_entries.json.gz"
SITE = "https://blog.python.org"


def post_url(slug: str, published: date) -> str:
    return f"{SITE}/{published.year}/{published.month:02d}/{slug}/"


def records(derived: Path) -> list[dict[str, Any]]:
    posts = json.loads((derived / "blog_entries.json").read_text(encoding="utf-8"))
    out = []
    for post in posts:
        if not post["published"]:
            continue
        published = date.fromisoformat(post["pub_date"])
        address = post_url(post["slug"], published)
        out.append(
            {
                "slug": post["slug"],
                "title": post["title"],
                "author": post["author"] or "",
                "tags": list(post["tags"] or []),
                "pub_date": published.isoformat(),
                "updated": post["updated"],
                "guid": address,
                "url": post["url"] or address,
            }
        )
    out.sort(key=lambda record: (record["pub_date"], record["slug"]))
    return out
