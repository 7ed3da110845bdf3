"""The pages service's pieces that need no server: rendering, paths, the search text."""

from __future__ import annotations

import pytest

from pydotorg.content.pages.schemas import is_site_path, normalise_path
from pydotorg.content.pages.services import rendered, text_of
from pydotorg.core.exceptions import FieldError


def test_a_body_its_renderer_refuses_is_a_422_naming_content() -> None:
    with pytest.raises(FieldError) as raised:
        rendered("text", "latex")
    assert raised.value.field == "content" and raised.value.status_code == 422


@pytest.mark.parametrize(
    ("raw", "path"),
    [("/", "/"), ("about", "/about/"), ("/about", "/about/"), ("a/b.c/", "/a/b.c/")],
)
def test_paths_are_normalised(raw: str, path: str) -> None:
    assert is_site_path(raw) and normalise_path(raw) == path


@pytest.mark.parametrize("raw", ["", "//", "/a/../", "..", "/a/.b/", "/a?b", "/a b/", "/ä/"])
def test_bad_paths(raw: str) -> None:
    assert not is_site_path(raw)


def test_the_search_reads_text_not_tags() -> None:
    assert text_of('<p class="hidden">Fish &amp; <a href="/x">chips</a></p>') == "Fish & chips"
