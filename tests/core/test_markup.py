"""Bodies rendered on write: each markup type, and nothing that runs survives."""

from __future__ import annotations

import pytest

from pydotorg.core.markup import Markup, render, sanitize


def test_markdown_is_commonmark() -> None:
    html = render("# Title\n\nSome *emphasis* and [a link](https://example.org).", "markdown")
    assert html.startswith("<h1>Title</h1>")
    assert "<em>emphasis</em>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in html


def test_restructuredtext_keeps_its_title_and_refuses_files_and_raw_html() -> None:
    source = (
        "Title\n=====\n\nText with *emphasis*.\n\n"
        ".. include:: /etc/passwd\n\n.. raw:: html\n\n   <b id=raw>raw</b>\n"
    )
    html = render(source, Markup.RESTRUCTUREDTEXT)
    assert "Title</h" in html and "<em>emphasis</em>" in html
    assert "root:" not in html and "raw" not in html.replace('id="title"', "")
    assert "system-message" not in html


def test_html_is_kept_but_sanitised() -> None:
    html = render('<p onclick="x()">Hi <a href="javascript:alert(1)">there</a></p>', "html")
    assert html == '<p>Hi <a rel="noopener noreferrer">there</a></p>'


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example"></iframe>',
        '<img src="x" onerror="alert(1)">',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<form action="https://evil.example"><input name="q"></form>',
    ],
)
def test_nothing_that_runs_survives(dirty: str) -> None:
    clean = sanitize(dirty)
    for word in ("script", "style", "iframe", "onerror", "vbscript", "form", "input", "alert"):
        assert word not in clean, clean


def test_an_unknown_markup_type_is_refused() -> None:
    with pytest.raises(ValueError, match="latex"):
        render("text", "latex")
