"""The blog entries dataset: facts of published posts only, linked where the blog has them."""

from __future__ import annotations

import json
from pathlib import Path

from pydotorg.data import load
from tools.data import blog_entries


def post(**fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "slug": "python-3140-final-is-here",
        "title": "Python 3.14.0 final is here!",
        "pub_date": "2025-10-07",
        "updated": None,
        "author": "Hugo van Kemenade",
        "summary": "The authors' own words.",
        "tags": ["releases"],
        "published": True,
        "url": None,
        "body_markdown": "The whole post.",
    }
    record.update(fields)
    return record


def test_records_keep_facts_and_link_each_post(tmp_path: Path) -> None:
    posts = [
        post(),
        post(
            slug="welcome-to-python-insider",
            title="Welcome",
            pub_date="2011-03-23",
            updated="2011-03-24",
            url="https://blog.python.org/2011/03/welcome-to-python-insider.html",
            tags=[],
        ),
        post(slug="draft", published=False),
    ]
    (tmp_path / "blog_entries.json").write_text(json.dumps(posts))
    records = blog_entries.records(tmp_path)
    assert records == [
        {
            "slug": "welcome-to-python-insider",
            "title": "Welcome",
            "author": "Hugo van Kemenade",
            "tags": [],
            "pub_date": "2011-03-23",
            "updated": "2011-03-24",
            "guid": "https://blog.python.org/2011/03/welcome-to-python-insider/",
            "url": "https://blog.python.org/2011/03/welcome-to-python-insider.html",
        },
        {
            "slug": "python-3140-final-is-here",
            "title": "Python 3.14.0 final is here!",
            "author": "Hugo van Kemenade",
            "tags": ["releases"],
            "pub_date": "2025-10-07",
            "updated": None,
            "guid": "https://blog.python.org/2025/10/python-3140-final-is-here/",
            "url": "https://blog.python.org/2025/10/python-3140-final-is-here/",
        },
    ]


def test_the_shipped_file_holds_no_prose() -> None:
    records = load(blog_entries.OUTPUT.removesuffix(".json.gz"))
    assert records
    fields = {"slug", "title", "author", "tags", "pub_date", "updated", "guid", "url"}
    assert all(set(record) == fields for record in records)
    assert len({record["guid"] for record in records}) == len(records)
