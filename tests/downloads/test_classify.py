"""The rules table of ``downloads.classify`` on every distinct file name pattern it ships with."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pydotorg.data import load
from pydotorg.downloads.classify import (
    RULES,
    UNCLASSIFIED,
    Classification,
    classify,
    file_name,
    signatures,
)

FTP = "https://www.python.org/ftp/python"

# Every distinct name pattern of the shipped 3,359 files ({v}: the release's version, {n}: the
# digits of a help file's name, {date}: a build date) and what the rules make of it.
EXPECTED = {
    "Python-{v}-1.exe": ("windows", "x86", "installer", "exe"),
    "Python-{v}-Debug.zip": ("windows", "x86", "debug-binaries", "zip"),
    "Python-{v}.exe": ("windows", "x86", "installer", "exe"),
    "Python-{v}.tar.bz2": ("source", "none", "source", "tar.bz2"),
    "Python-{v}.tar.xz": ("source", "none", "source", "tar.xz"),
    "Python-{v}.tgz": ("source", "none", "source", "tgz"),
    "Python{n}.chm": ("windows", "none", "docs", "chm"),
    "python-{v}-aarch64-linux-android.tar.gz": ("android", "aarch64", "embeddable", "tar.gz"),
    "python-{v}-amd64-webinstall.exe": ("windows", "amd64", "web-installer", "exe"),
    "python-{v}-amd64.exe": ("windows", "amd64", "installer", "exe"),
    "python-{v}-arm64.exe": ("windows", "arm64", "installer", "exe"),
    "python-{v}-embed-amd64.exe": ("windows", "amd64", "embeddable", "exe"),
    "python-{v}-embed-amd64.zip": ("windows", "amd64", "embeddable", "zip"),
    "python-{v}-embed-arm64.zip": ("windows", "arm64", "embeddable", "zip"),
    "python-{v}-embed-win32.exe": ("windows", "x86", "embeddable", "exe"),
    "python-{v}-embed-win32.zip": ("windows", "x86", "embeddable", "zip"),
    "python-{v}-macos11.0.pkg": ("macos", "universal2", "installer", "pkg"),
    "python-{v}-macos11.pkg": ("macos", "universal2", "installer", "pkg"),
    "python-{v}-macosx.dmg": ("macos", "universal", "installer", "dmg"),
    "python-{v}-macosx10.3-{date}.dmg": ("macos", "universal", "installer", "dmg"),
    "python-{v}-macosx10.3.dmg": ("macos", "universal", "installer", "dmg"),
    "python-{v}-macosx10.5.dmg": ("macos", "universal", "installer", "dmg"),
    "python-{v}-macosx10.5.pkg": ("macos", "universal", "installer", "pkg"),
    "python-{v}-macosx10.6.dmg": ("macos", "intel", "installer", "dmg"),
    "python-{v}-macosx10.6.pkg": ("macos", "intel", "installer", "pkg"),
    "python-{v}-macosx10.9.pkg": ("macos", "x86_64", "installer", "pkg"),
    "python-{v}-macosx11.0.pkg": ("macos", "universal2", "installer", "pkg"),
    "python-{v}-macosx{date}.dmg": ("macos", "universal", "installer", "dmg"),
    "python-{v}-pdb.zip": ("windows", "x86", "debug-symbols", "zip"),
    "python-{v}-webinstall.exe": ("windows", "x86", "web-installer", "exe"),
    "python-{v}-x86_64-linux-android.tar.gz": ("android", "x86_64", "embeddable", "tar.gz"),
    "python-{v}.amd64-pdb.zip": ("windows", "amd64", "debug-symbols", "zip"),
    "python-{v}.amd64.msi": ("windows", "amd64", "installer", "msi"),
    "python-{v}.dmg": ("macos", "universal", "installer", "dmg"),
    "python-{v}.exe": ("windows", "x86", "installer", "exe"),
    "python-{v}.msi": ("windows", "x86", "installer", "msi"),
    "python-{v}.post1-embed-amd64.zip": ("windows", "amd64", "embeddable", "zip"),
    "python-{v}.post1-embed-win32.zip": ("windows", "x86", "embeddable", "zip"),
    "python-{v}_macosx10.3.dmg": ("macos", "universal", "installer", "dmg"),
    "python-{v}post2-macos11.pkg": ("macos", "universal2", "installer", "pkg"),
    "python{n}.chm": ("windows", "none", "docs", "chm"),
    "python{n}a{n}.chm": ("windows", "none", "docs", "chm"),
    "python{n}b{n}.chm": ("windows", "none", "docs", "chm"),
    "python{n}rc{n}.chm": ("windows", "none", "docs", "chm"),
    "windows-{v}.json": ("windows", "none", "manifest", "json"),
}


def pattern(record: dict[str, Any]) -> str:
    """The file's name with its release's version (and a help file's digits) generalised."""
    name, version = record["filename"], record["release"]
    name = name.replace(version, "{v}") if version in name else name.replace(version[:-2], "{v}")
    if name.endswith(".chm"):
        name = re.sub(r"\d+", "{n}", name)
    return re.sub(r"\d{4}-\d\d-\d\d", "{date}", name)


def patterns() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for record in load("release_files"):
        found.setdefault(pattern(record), []).append(record)
    return found


def test_the_table_names_every_pattern_of_the_shipped_files() -> None:
    assert len(load("release_files")) == 3359
    assert set(patterns()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_file_of_a_pattern_is_classified_as_the_table_says(name: str) -> None:
    for record in patterns()[name]:
        found = classify(record["url"])
        assert (found.platform, found.arch, found.kind, found.format) == EXPECTED[name], record
        assert found.free_threaded is False


def test_each_rule_classifies_its_own_example() -> None:
    for rule in RULES:
        found = classify(f"{FTP}/3.13.1/{rule.example}")
        assert (found.platform, found.kind) == (rule.platform, rule.kind), rule.example
        assert found.arch is not None and found.format is not None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("python-3.14.0t-amd64.exe", Classification("windows", "amd64", "installer", "exe", True)),
        (
            "python-freethreaded.3.13.1.nupkg",
            Classification("windows", "amd64", "nuget", "nupkg", True),
        ),
        ("pythonarm64.3.13.1.nupkg", Classification("windows", "arm64", "nuget", "nupkg", False)),
        ("pythonx86.3.13.1.nupkg", Classification("windows", "x86", "nuget", "nupkg", False)),
        ("python-3.13.1-amd64.exe", Classification("windows", "amd64", "installer", "exe", False)),
        ("Python-3.13.0rc1.tgz", Classification("source", "none", "source", "tgz", False)),
    ],
)
def test_free_threaded_and_nuget_names(name: str, expected: Classification) -> None:
    assert classify(f"{FTP}/3.13.1/{name}") == expected


@pytest.mark.parametrize(
    "url",
    [
        f"{FTP}/3.13.1/README.txt",
        f"{FTP}/3.13.1/python-3.13.1-sparc.exe.txt",
        f"{FTP}/3.13.1/notes.zip",
        f"{FTP}/3.13.1/",
    ],
)
def test_names_no_rule_knows_stay_unclassified(url: str) -> None:
    assert classify(url) == UNCLASSIFIED
    assert all(value is None for value in UNCLASSIFIED.columns().values())


def test_the_file_name_is_the_last_path_segment_without_a_query() -> None:
    assert file_name(f"{FTP}/3.13.1/python-3.13.1.exe?x=1") == "python-3.13.1.exe"
    assert classify(f"{FTP}/3.13.1/python-3.13.1-arm64.exe?download").arch == "arm64"


def test_signature_kinds_come_from_the_sidecar_urls() -> None:
    assert signatures("a.asc", "", "", "") == ["gpg"]
    assert signatures("", "", "a.sig", "a.spdx.json") == ["sigstore", "sbom"]
    assert signatures("a.asc", "a.sigstore", "", "a.spdx.json") == ["gpg", "sigstore", "sbom"]
    assert signatures("", "", "", "") == []
