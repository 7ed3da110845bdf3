"""Release files' platform, arch, kind, format and free_threaded, read from their URLs

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 18:50:00
"""

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("platform", "arch", "kind", "format")

# A frozen copy of the rules of ``downloads/classify.py`` (as of revision 0019): this
# revision classifies the files already stored by them, whatever the application's rules
# become. Each rule: a pattern of the file name, platform, arch ("{1}": the arch word the
# pattern's first group captured), kind.
_ARCH_WORDS = {"win32": "x86", "amd64": "amd64", "arm64": "arm64"}
_ARCH_WORDS |= {"aarch64": "aarch64", "x86_64": "x86_64", "x86": "x86"}
_VERSION = r"[0-9]+(?:\.[0-9]+)*(?:(?:a|b|rc)[0-9]+)?"
RULES: tuple[tuple[str, str, str, str], ...] = (
    (r"-(aarch64|x86_64)-linux-android\.tar\.gz$", "android", "{1}", "embeddable"),
    (r"^python-.*-macosx?11(?:\.0)?\.pkg$", "macos", "universal2", "installer"),
    (r"^python-.*-macosx10\.9\.pkg$", "macos", "x86_64", "installer"),
    (r"^python-.*-macosx10\.6\.(?:pkg|dmg)$", "macos", "intel", "installer"),
    (r"^python-.*[-_]macosx(?:10\.[345])?(?:-?[0-9]{4}(?:-[0-9]{2}){2})?\.(?:pkg|dmg)$",
     "macos", "universal", "installer"),
    (rf"^python-{_VERSION}\.dmg$", "macos", "universal", "installer"),
    (r"-embed-(amd64|arm64|win32)\.(?:zip|exe)$", "windows", "{1}", "embeddable"),
    (r"-(amd64|arm64)-webinstall\.exe$", "windows", "{1}", "web-installer"),
    (r"-webinstall\.exe$", "windows", "x86", "web-installer"),
    (r"-(amd64|arm64)\.exe$", "windows", "{1}", "installer"),
    (r"\.(amd64|arm64)\.msi$", "windows", "{1}", "installer"),
    (rf"^python-{_VERSION}(?:-[0-9]+)?\.(?:exe|msi)$", "windows", "x86", "installer"),
    (r"[.-](amd64|arm64)-pdb\.zip$", "windows", "{1}", "debug-symbols"),
    (r"-pdb\.zip$", "windows", "x86", "debug-symbols"),
    (r"-debug\.zip$", "windows", "x86", "debug-binaries"),
    (r"^python[0-9]+(?:(?:a|b|rc)[0-9]+)?\.chm$", "windows", "none", "docs"),
    (rf"^windows-{_VERSION}\.json$", "windows", "none", "manifest"),
    (r"^python(x86|arm64)(?:-freethreaded)?\.[0-9].*\.nupkg$", "windows", "{1}", "nuget"),
    (r"^python(?:-freethreaded)?\.[0-9].*\.nupkg$", "windows", "amd64", "nuget"),
    (rf"^python-{_VERSION}\.(?:tar\.xz|tgz|tar\.bz2|tar\.gz)$", "source", "none", "source"),
)  # fmt: skip
# Longest suffix first, so ``.tar.gz`` wins over ``.gz``.
SUFFIXES: tuple[str, ...] = (".tar.xz", ".tar.gz", ".tar.bz2", ".tgz", ".exe", ".msi", ".pkg")
SUFFIXES += (".dmg", ".zip", ".nupkg", ".chm", ".json")
_FREE_THREADED = re.compile(r"free-?threaded|[0-9](?:a|b|rc)?[0-9]*t(?=[-.])", re.IGNORECASE)
_COMPILED = tuple((re.compile(rule[0], re.IGNORECASE), rule) for rule in RULES)
UNCLASSIFIED: dict[str, Any] = dict.fromkeys((*COLUMNS, "free_threaded"))


def classify(url: str) -> dict[str, Any]:
    """The columns the rules give the file at ``url`` (all ``None`` when none applies)."""
    name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    lowered = name.lower()
    suffix = next((suffix for suffix in SUFFIXES if lowered.endswith(suffix)), None)
    if suffix is None:
        return UNCLASSIFIED
    for pattern, (_, platform, arch, kind) in _COMPILED:
        match = pattern.search(name)
        if match is None:
            continue
        return {
            "platform": platform,
            "arch": _ARCH_WORDS[match.group(1).lower()] if arch == "{1}" else arch,
            "kind": kind,
            "format": suffix[1:],
            "free_threaded": _FREE_THREADED.search(name) is not None,
        }
    return UNCLASSIFIED


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("download_release_file", sa.Column(name, sa.String(20), nullable=True))
    op.add_column("download_release_file", sa.Column("free_threaded", sa.Boolean(), nullable=True))
    op.create_index(
        op.f("ix_download_release_file_platform"), "download_release_file", ["platform"]
    )
    # Classify the files already there, by the rules the service applied on write.
    table = sa.table(
        "download_release_file",
        sa.column("id", sa.BigInteger()),
        sa.column("url", sa.String()),
        *(sa.column(name, sa.String()) for name in COLUMNS),
        sa.column("free_threaded", sa.Boolean()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, table.c.url)).all()
    updates = [{"key": key, **classify(url)} for key, url in rows]
    if updates:
        values: dict[str, Any] = {name: sa.bindparam(name) for name in (*COLUMNS, "free_threaded")}
        bind.execute(
            table.update().where(table.c.id == sa.bindparam("key")).values(values), updates
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_download_release_file_platform"), table_name="download_release_file")
    with op.batch_alter_table("download_release_file", schema=None) as batch_op:
        for name in (*COLUMNS, "free_threaded"):
            batch_op.drop_column(name)
