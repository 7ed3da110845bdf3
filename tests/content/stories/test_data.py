"""``tools/data/success_stories.py``: the shipped stories keep facts only, read by its rules
(built here from a small derived folder of our own; the real sources are not in the repository)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tools.data import encode
from tools.data.success_stories import records

PROSE = "A long story text that must never be shipped."


def source(slug: str, **overrides: object) -> dict[str, Any]:
    record: dict[str, Any] = {
        "slug": slug,
        "name": f"{slug.title()} Uses Python",
        "company_url": None,
        "category": "Science, Business,",
        "keywords": "python, prose",
        "index_categories": ["Engineering / Simulation", "Scientific / Weather"],
        "author": None,
        "date": "2004-06-02",
        "summary": PROSE,
        "content_rst": PROSE,
        "content_markup_type": "restructuredtext",
        "source": f"legacy python.org about/success/{slug}.rst (2012 snapshot)",
    }
    record.update(overrides)
    return record


def derived(tmp_path: Path, stories: list[dict[str, Any]], pages: dict[str, str]) -> Path:
    folder = tmp_path / "derived"
    folder.mkdir()
    (folder / "success_stories.json").write_text(json.dumps(stories))
    legacy = tmp_path / "legacy-python-org" / "about" / "success"
    legacy.mkdir(parents=True)
    for slug, text in pages.items():
        (legacy / f"{slug}.rst").write_text(text)
    return folder


def test_records_keep_facts_and_read_the_web_site_from_the_legacy_page(tmp_path: Path) -> None:
    folder = derived(
        tmp_path,
        [
            source("zeta", company_url="http://www.zeta.example/", author="Ada"),
            source("alpha", category="Software Devleopment"),
            source("named"),
        ],
        {
            "alpha": "**Website:**  `http://www.alpha.example/ <http://www.alpha.example/>`_\n",
            "named": "**Web Site:**  `Named Co <http://named.example>`_\n",
        },
    )
    made = records(folder)
    assert [r["slug"] for r in made] == ["alpha", "named", "zeta"]
    alpha, named, zeta = made
    assert alpha == {
        "slug": "alpha",
        "name": "Alpha Uses Python",
        "company_name": "alpha.example",
        "company_url": "http://www.alpha.example/",
        "category": "Software Development",
        "categories": ["Engineering", "Scientific", "Software Development"],
        "author": "",
        "date": "2004-06-02",
        "url": "https://www.python.org/about/success/alpha/",
        "source": "legacy python.org about/success/alpha.rst (2012 snapshot)",
    }
    assert (named["company_name"], named["company_url"]) == ("Named Co", "http://named.example")
    assert zeta["company_name"] == "zeta.example" and zeta["author"] == "Ada"
    assert zeta["category"] == "Scientific"
    assert zeta["categories"] == ["Business", "Engineering", "Scientific"]
    assert PROSE.encode() not in encode(made)
    assert b"prose" not in encode(made)


def test_a_story_without_a_web_site_has_no_company(tmp_path: Path) -> None:
    (story,) = records(derived(tmp_path, [source("bare")], {}))
    assert story["company_name"] == story["company_url"] == ""
