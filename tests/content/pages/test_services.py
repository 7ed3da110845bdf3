"""The pages service's pieces that need no server: site paths."""

from __future__ import annotations

import pytest

from pydotorg.content.pages.schemas import is_site_path, normalise_path


@pytest.mark.parametrize(
    ("raw", "path"),
    [("/", "/"), ("about", "/about/"), ("/about", "/about/"), ("a/b.c/", "/a/b.c/")],
)
def test_paths_are_normalised(raw: str, path: str) -> None:
    assert is_site_path(raw) and normalise_path(raw) == path


@pytest.mark.parametrize("raw", ["", "//", "/a/../", "..", "/a/.b/", "/a?b", "/a b/", "/ä/"])
def test_bad_paths(raw: str) -> None:
    assert not is_site_path(raw)
