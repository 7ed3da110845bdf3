"""``pydotorg import pages DIR`` and the importer behind it, on both engines: pages at their
paths from a tree the test builds, a second run that changes nothing, and bad input that
stops the import before anything is written."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pydotorg.content.pages.importer import (
    ImportReport,
    PageImportError,
    import_pages,
    site_path_of,
)
from pydotorg.db.engine import create_engine, create_sessionmaker
from tests.factories import token
from tests.support import LiveServer


def run_import(server: LiveServer, directory: Path) -> ImportReport:
    async def run() -> ImportReport:
        engine = create_engine(server.database_url, pool=False)
        try:
            async with create_sessionmaker(engine)() as session:
                return await import_pages(session, directory)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build_tree(directory: Path) -> str:
    """Three pages under a folder of the test's own, plus files the importer skips; returns
    the folder's site path."""
    root = f"t-{token(12)}"
    write(
        directory / root / "about" / "index.md",
        "---\ntitle: About\nkeywords: [python, community]\ndescription: Who we are.\n---\n"
        "# About\n\nWe write *Python*.\n",
    )
    write(
        directory / root / "psf" / "sponsorship.rst",
        "---\ntitle: Sponsorship\nkeywords: money, support\ntemplate: psf/default.html\n"
        "published: false\n---\nSponsor the **PSF**.\n",
    )
    write(
        directory / root / "index.html",
        '---\ntitle: Home\n---\n<p onclick="x()">Welcome</p><script>alert(1)</script>\n',
    )
    write(directory / root / "notes.txt", "not a page")
    write(directory / root / ".drafts" / "secret.md", "---\ntitle: Secret\n---\nx\n")
    return f"/{root}/"


def lookup(client: httpx.Client, path: str) -> httpx.Response:
    return client.get("/api/pages/lookup", params={"path": path})


def test_paths_come_from_the_tree() -> None:
    assert site_path_of(Path("about/index.md")) == "/about/"
    assert site_path_of(Path("psf/sponsorship.md")) == "/psf/sponsorship/"
    assert site_path_of(Path("index.html")) == "/"
    assert site_path_of(Path("a/b/c.rst")) == "/a/b/c/"


def test_import_creates_pages_then_a_second_run_changes_nothing(
    server: LiveServer, staff: httpx.Client, anon: httpx.Client, tmp_path: Path
) -> None:
    root = build_tree(tmp_path)
    first = run_import(server, tmp_path)
    assert sorted(first.created) == sorted([f"{root}about/", f"{root}psf/sponsorship/", root]), (
        first
    )
    assert first.updated == [] and first.unchanged == []
    assert first.summary() == "pages: 3 created, 0 updated, 0 unchanged"

    about = lookup(staff, f"{root}about/").json()
    assert about["title"] == "About" and about["keywords"] == "python, community"
    assert about["description"] == "Who we are." and about["content_type"] == "markdown"
    assert about["content_html"] == "<h1>About</h1>\n<p>We write <em>Python</em>.</p>"
    assert about["is_published"] is True and about["template_name"] == "pages/default.html"
    sponsorship = lookup(staff, f"{root}psf/sponsorship/").json()
    assert sponsorship["content_type"] == "restructuredtext"
    assert "<strong>PSF</strong>" in sponsorship["content_html"]
    assert sponsorship["is_published"] is False
    assert sponsorship["template_name"] == "psf/default.html"
    home = lookup(staff, root).json()
    assert home["content_type"] == "html" and home["content_html"] == "<p>Welcome</p>"
    assert lookup(anon, f"{root}psf/sponsorship/").status_code == 404
    assert lookup(staff, f"{root}.drafts/secret/").status_code == 400
    listed = staff.get("/api/pages/", params={"path": root}).headers["x-total-count"]
    assert listed == "3"

    second = run_import(server, tmp_path)
    assert second.created == [] and second.updated == []
    assert sorted(second.unchanged) == sorted(first.created)
    assert second.summary() == "pages: 0 created, 0 updated, 3 unchanged"
    assert lookup(staff, f"{root}about/").json() == about


def test_a_changed_file_updates_its_page_only(
    server: LiveServer, staff: httpx.Client, anon: httpx.Client, tmp_path: Path
) -> None:
    root = build_tree(tmp_path)
    run_import(server, tmp_path)
    home = lookup(staff, root).json()
    word = f"zi{token()}"
    write(
        tmp_path / root.strip("/") / "about" / "index.md",
        f"---\ntitle: About us\n---\nNow about {word}.\n",
    )
    report = run_import(server, tmp_path)
    assert report.updated == [f"{root}about/"] and report.created == []
    assert sorted(report.unchanged) == [root, f"{root}psf/sponsorship/"]
    about = lookup(staff, f"{root}about/").json()
    assert about["title"] == "About us" and about["keywords"] == ""
    assert about["content_html"] == f"<p>Now about {word}.</p>"
    assert lookup(staff, root).json() == home
    found = anon.get("/api/pages/", params={"q": word}).json()
    assert [page["path"] for page in found] == [f"{root}about/"]


BAD_FILES = {
    "undecodable": ("bad.md", b"---\ntitle: x\n---\n\xff\xfe\xfa", "cannot be read"),
    "no front matter": ("bad.md", b"# Just a body\n", "no front matter"),
    "broken YAML": ("bad.md", b"---\ntitle: [unclosed\n---\nx\n", "bad front matter"),
    "not a mapping": ("bad.md", b"---\n- a\n- b\n---\nx\n", "bad front matter"),
    "no title": ("bad.md", b"---\nkeywords: x\n---\nx\n", "title"),
    "unknown key": ("bad.md", b"---\ntitle: x\nauthor: y\n---\nx\n", "author"),
    "wrong type": ("bad.md", b"---\ntitle: x\npublished: maybe\n---\nx\n", "published"),
    "control character": ("bad.md", b'---\ntitle: "a\\x07b"\n---\nx\n', "title"),
    "invalid path": ("bad name.md", b"---\ntitle: x\n---\nx\n", "invalid site path"),
    "non-ASCII path": ("caf\u00e9.md", b"---\ntitle: x\n---\nx\n", "invalid site path"),
    "query in path": ("a?b=1.md", b"---\ntitle: x\n---\nx\n", "invalid site path"),
    "same path twice": ("about.md", b"---\ntitle: x\n---\nx\n", "is also"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_input_names_the_file_and_writes_nothing(
    server: LiveServer, staff: httpx.Client, tmp_path: Path, case: str
) -> None:
    root = build_tree(tmp_path)
    run_import(server, tmp_path)
    before = lookup(staff, f"{root}about/").json()
    write(tmp_path / root.strip("/") / "about" / "index.md", "---\ntitle: Changed\n---\nNew.\n")
    write(tmp_path / root.strip("/") / "new" / "index.md", "---\ntitle: New\n---\nNew page.\n")
    name, content, reason = BAD_FILES[case]
    bad = tmp_path / root.strip("/") / name
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(content)
    with pytest.raises(PageImportError) as raised:
        run_import(server, tmp_path)
    message = str(raised.value)
    assert "\n" not in message and reason in message, message
    assert f"{root.strip('/')}/{name}" in message or f"{root.strip('/')}/about" in message
    assert lookup(staff, f"{root}about/").json() == before
    assert lookup(staff, f"{root}new/").status_code == 404


def test_a_missing_directory_is_refused(server: LiveServer, tmp_path: Path) -> None:
    with pytest.raises(PageImportError, match="not a directory"):
        run_import(server, tmp_path / "nowhere")


def pydotorg(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pydotorg", *args],
        cwd=cwd,
        env={key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_command_reports_each_page_and_a_summary(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    root = build_tree(tree)
    first = pydotorg(tmp_path, "import", "pages", str(tree))
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[-1] == "pages: 3 created, 0 updated, 0 unchanged"
    assert f"created   {root}about/  ({root.strip('/')}/about/index.md)" in lines
    assert len(lines) == 4
    second = pydotorg(tmp_path, "import", "pages", str(tree))
    assert second.stdout.splitlines()[-1] == "pages: 0 created, 0 updated, 3 unchanged"
    write(tree / "broken.md", "---\ntitle: [x\n---\n")
    third = pydotorg(tmp_path, "import", "pages", str(tree))
    assert third.returncode == 2 and third.stdout == ""
    error = third.stderr.strip()
    assert error.startswith("pydotorg: broken.md: bad front matter")
    assert error.endswith("nothing was imported") and "\n" not in error
    assert "import" in pydotorg(tmp_path, "--help").stdout
    assert "pages" in pydotorg(tmp_path, "import", "--help").stdout
