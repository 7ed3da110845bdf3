"""What a release file is, read once from its URL's file name by one table of rules.

Install tools used to parse names (``macos11.pkg``, ``-embed-amd64.zip``) or hard-code OS ids.
Here the parsing happens once, on every write and at seed time, and the result is stored in five
columns: ``platform``, ``arch``, ``kind``, ``format`` and ``free_threaded``. The table below is
the whole rule set: the first rule whose pattern matches the file name (case-insensitive) gives
the platform, architecture and kind; the format comes from the name's suffix; a file is
free-threaded when its name says so (``freethreaded``, or a version ending in ``t`` such as
``3.14.0t``). A name no rule matches is left unclassified (all five fields ``null``);
``pydotorg check files`` lists those, and staff can set the fields by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

Platform = Literal["windows", "macos", "linux", "android", "ios", "source", "any"]
Arch = Literal[
    "x86", "amd64", "arm64", "aarch64", "x86_64", "universal2", "intel", "universal", "none"
]
Kind = Literal[
    "installer",
    "web-installer",
    "embeddable",
    "source",
    "docs",
    "manifest",
    "debug-symbols",
    "debug-binaries",
    "nuget",
]
Format = Literal[
    "exe", "msi", "pkg", "dmg", "zip", "tar.xz", "tar.gz", "tgz", "tar.bz2", "nupkg", "chm", "json"
]
Signature = Literal["gpg", "sigstore", "sbom"]

PLATFORMS: tuple[str, ...] = get_args(Platform)
ARCHES: tuple[str, ...] = get_args(Arch)
KINDS: tuple[str, ...] = get_args(Kind)
FORMATS: tuple[str, ...] = get_args(Format)
SIGNATURES: tuple[str, ...] = get_args(Signature)

# The arch a name spells, for rules that take it from the name (``win32`` is 32-bit x86).
_ARCH_WORDS = {"win32": "x86", "amd64": "amd64", "arm64": "arm64"}
_ARCH_WORDS |= {"aarch64": "aarch64", "x86_64": "x86_64", "x86": "x86"}
_VERSION = r"[0-9]+(?:\.[0-9]+)*(?:(?:a|b|rc)[0-9]+)?"


@dataclass(frozen=True)
class Rule:
    """``pattern`` matches a file name; ``arch`` is a value, or ``"{1}"`` for the arch word the
    pattern's first group captured (``amd64``, ``win32``, ...)."""

    pattern: str
    platform: Platform
    arch: str
    kind: Kind
    example: str


RULES: tuple[Rule, ...] = (
    Rule(r"-(aarch64|x86_64)-linux-android\.tar\.gz$", "android", "{1}", "embeddable",
         "python-3.14.0-aarch64-linux-android.tar.gz"),
    Rule(r"^python-.*-macosx?11(?:\.0)?\.pkg$", "macos", "universal2", "installer",
         "python-3.13.1-macos11.pkg"),
    Rule(r"^python-.*-macosx10\.9\.pkg$", "macos", "x86_64", "installer",
         "python-3.8.10-macosx10.9.pkg"),
    Rule(r"^python-.*-macosx10\.6\.(?:pkg|dmg)$", "macos", "intel", "installer",
         "python-3.6.8-macosx10.6.pkg"),
    Rule(r"^python-.*[-_]macosx(?:10\.[345])?(?:-?[0-9]{4}(?:-[0-9]{2}){2})?\.(?:pkg|dmg)$",
         "macos", "universal", "installer", "python-2.7.3-macosx10.3.dmg"),
    Rule(rf"^python-{_VERSION}\.dmg$", "macos", "universal", "installer", "python-3.1.dmg"),
    Rule(r"-embed-(amd64|arm64|win32)\.(?:zip|exe)$", "windows", "{1}", "embeddable",
         "python-3.13.1-embed-arm64.zip"),
    Rule(r"-(amd64|arm64)-webinstall\.exe$", "windows", "{1}", "web-installer",
         "python-3.9.0-amd64-webinstall.exe"),
    Rule(r"-webinstall\.exe$", "windows", "x86", "web-installer", "python-3.9.0-webinstall.exe"),
    Rule(r"-(amd64|arm64)\.exe$", "windows", "{1}", "installer", "python-3.13.1-arm64.exe"),
    Rule(r"\.(amd64|arm64)\.msi$", "windows", "{1}", "installer", "python-2.7.18.amd64.msi"),
    Rule(rf"^python-{_VERSION}(?:-[0-9]+)?\.(?:exe|msi)$", "windows", "x86", "installer",
         "python-3.13.1.exe"),
    Rule(r"[.-](amd64|arm64)-pdb\.zip$", "windows", "{1}", "debug-symbols",
         "python-2.7.6.amd64-pdb.zip"),
    Rule(r"-pdb\.zip$", "windows", "x86", "debug-symbols", "python-2.7.6-pdb.zip"),
    Rule(r"-debug\.zip$", "windows", "x86", "debug-binaries", "Python-2.0.1-Debug.zip"),
    Rule(r"^python[0-9]+(?:(?:a|b|rc)[0-9]+)?\.chm$", "windows", "none", "docs", "python3121.chm"),
    Rule(rf"^windows-{_VERSION}\.json$", "windows", "none", "manifest", "windows-3.13.6.json"),
    Rule(r"^python(x86|arm64)(?:-freethreaded)?\.[0-9].*\.nupkg$", "windows", "{1}", "nuget",
         "pythonarm64.3.13.1.nupkg"),
    Rule(r"^python(?:-freethreaded)?\.[0-9].*\.nupkg$", "windows", "amd64", "nuget",
         "python.3.13.1.nupkg"),
    Rule(rf"^python-{_VERSION}\.(?:tar\.xz|tgz|tar\.bz2|tar\.gz)$", "source", "none", "source",
         "Python-3.13.1.tar.xz"),
)  # fmt: skip

# Longest suffix first, so ``.tar.gz`` wins over ``.gz``.
_SUFFIXES: tuple[tuple[str, Format], ...] = (
    (".tar.xz", "tar.xz"),
    (".tar.gz", "tar.gz"),
    (".tar.bz2", "tar.bz2"),
    (".tgz", "tgz"),
    (".exe", "exe"),
    (".msi", "msi"),
    (".pkg", "pkg"),
    (".dmg", "dmg"),
    (".zip", "zip"),
    (".nupkg", "nupkg"),
    (".chm", "chm"),
    (".json", "json"),
)
_FREE_THREADED = re.compile(r"free-?threaded|[0-9](?:a|b|rc)?[0-9]*t(?=[-.])", re.IGNORECASE)
_COMPILED = tuple((re.compile(rule.pattern, re.IGNORECASE), rule) for rule in RULES)

FIELDS = ("platform", "arch", "kind", "format", "free_threaded")


@dataclass(frozen=True)
class Classification:
    platform: str | None
    arch: str | None
    kind: str | None
    format: str | None
    free_threaded: bool | None

    def columns(self) -> dict[str, str | bool | None]:
        return {name: getattr(self, name) for name in FIELDS}


UNCLASSIFIED = Classification(None, None, None, None, None)


def file_name(url: str) -> str:
    """The last path segment of a file's URL: ``.../3.13.1/python-3.13.1-arm64.exe``."""
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def classify(url: str) -> Classification:
    """The fields the rules give the file at ``url``, or all ``None`` when none applies."""
    name = file_name(url)
    lowered = name.lower()
    fmt = next((f for suffix, f in _SUFFIXES if lowered.endswith(suffix)), None)
    if fmt is None:
        return UNCLASSIFIED
    for pattern, rule in _COMPILED:
        match = pattern.search(name)
        if match is None:
            continue
        arch = _ARCH_WORDS[match.group(1).lower()] if rule.arch == "{1}" else rule.arch
        free = _FREE_THREADED.search(name) is not None
        return Classification(rule.platform, arch, rule.kind, fmt, free)
    return UNCLASSIFIED


def signatures(
    gpg: str, sigstore_bundle: str, sigstore_signature: str, sbom: str
) -> list[Signature]:
    """The signature kinds a file has, from its sidecar URLs."""
    kinds: list[Signature] = []
    if gpg:
        kinds.append("gpg")
    if sigstore_bundle or sigstore_signature:
        kinds.append("sigstore")
    if sbom:
        kinds.append("sbom")
    return kinds
