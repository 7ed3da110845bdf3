"""``pydotorg import pages DIR``: a tree of page files, imported as pages at their paths.

Each ``.md`` (Markdown), ``.rst`` (reStructuredText) or ``.html`` file is one page. Its site
path is its place in the tree: ``DIR/about/index.md`` is ``/about/``, ``DIR/psf/sponsorship.md``
is ``/psf/sponsorship/``, ``DIR/index.html`` is ``/``. Files and folders whose names start with
a dot are skipped, as are files of other types. A file starts with YAML front matter between
``---`` lines, read with python-frontmatter and PyYAML's safe loader::

    ---
    title: About               # required
    keywords: [python, psf]    # a list, or one comma-separated string
    description: One line or more.
    template: pages/default.html
    published: true           # default true
    ---
    The body, in the file's markup.

Every file is read, checked as the API checks a page (``PageCreate``) and rendered before
anything is written; the first bad one (unreadable, bad front matter, an invalid path, two
files for one path) stops the import with a :class:`PageImportError` naming it, and nothing
is written. Then every page is created or updated in one transaction, or left alone when
nothing of it changed, so a second run changes nothing. Pages whose files are gone are left
as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import msgspec
import yaml
from frontmatter.default_handlers import YAMLHandler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.content.markup import Markup, rendered
from pydotorg.content.pages.models import Page
from pydotorg.content.pages.schemas import PageCreate, is_site_path, normalise_path
from pydotorg.core.exceptions import FieldError
from pydotorg.core.schemas import changed_fields

MARKUP_OF_SUFFIX = {
    ".md": Markup.MARKDOWN,
    ".rst": Markup.RESTRUCTUREDTEXT,
    ".html": Markup.HTML,
}
FIELDS = (
    "title",
    "keywords",
    "description",
    "content",
    "content_type",
    "template_name",
    "is_published",
)


class PageImportError(Exception):
    """A file that cannot be imported: one line naming it and why."""


class FrontMatter(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: str
    keywords: str | Annotated[list[str], msgspec.Meta(max_length=100)] = ""
    description: str = ""
    template: str | None = None
    published: bool = True


@dataclass(frozen=True)
class SourcePage:
    """A page as its file says it should be."""

    file: str
    path: str
    values: dict[str, Any]
    content_html: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"pages: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


def site_path_of(relative: Path) -> str:
    """``about/index.md`` -> ``/about/``; ``psf/sponsorship.md`` -> ``/psf/sponsorship/``."""
    parts = [*relative.parent.parts, relative.stem]
    if parts[-1] == "index":
        parts.pop()
    return "/" + "".join(f"{part}/" for part in parts)


def _files(directory: Path) -> list[Path]:
    found = []
    for file in sorted(directory.rglob("*")):
        relative = file.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if file.suffix in MARKUP_OF_SUFFIX and file.is_file():
            found.append(file)
    return found


def read_page(directory: Path, file: Path) -> SourcePage:
    """One file as the page it describes; :class:`PageImportError` naming it if it is bad."""
    name = file.relative_to(directory).as_posix()

    def fail(reason: str) -> PageImportError:
        return PageImportError(f"{name}: {reason}")

    path = site_path_of(file.relative_to(directory))
    if not is_site_path(path):
        raise fail(f"invalid site path {path!r} (segments of letters, digits and . _ ~ -)")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot be read ({exc})") from exc
    handler = YAMLHandler()
    if not handler.detect(text):
        raise fail("no front matter (a YAML block between '---' lines at the top)")
    try:
        front, body = handler.split(text)
        metadata = handler.load(front)
    except (ValueError, yaml.YAMLError) as exc:
        raise fail("bad front matter: " + " ".join(str(exc).split())) from exc
    try:
        meta = msgspec.convert(metadata, FrontMatter)
    except msgspec.ValidationError as exc:
        raise fail(f"bad front matter: {exc}") from exc
    keywords = meta.keywords if isinstance(meta.keywords, str) else ", ".join(meta.keywords)
    fields: dict[str, Any] = {
        "path": path,
        "title": meta.title,
        "keywords": keywords,
        "description": meta.description,
        "content": body.strip("\n") + "\n" if body.strip() else "",
        "content_type": MARKUP_OF_SUFFIX[file.suffix].value,
        "is_published": meta.published,
    }
    if meta.template is not None:
        fields["template_name"] = meta.template
    try:
        page = msgspec.convert(fields, PageCreate)
    except msgspec.ValidationError as exc:
        raise fail(str(exc)) from exc
    values = changed_fields(page)
    values["content_type"] = Markup(values["content_type"]).value
    try:
        html = rendered(values["content"], values["content_type"])
    except FieldError as exc:
        raise fail(exc.message) from exc
    return SourcePage(name, normalise_path(values.pop("path")), values, html)


def read_tree(directory: Path) -> list[SourcePage]:
    """Every page file of a tree, checked; the first bad one raises :class:`PageImportError`."""
    if not directory.is_dir():
        raise PageImportError(f"{directory}: not a directory")
    pages: dict[str, SourcePage] = {}
    for file in _files(directory):
        page = read_page(directory, file)
        if page.path in pages:
            raise PageImportError(f"{page.file}: path {page.path} is also {pages[page.path].file}")
        pages[page.path] = page
    return list(pages.values())


def print_progress(outcome: str, page: SourcePage) -> None:
    """The command's ``progress``: a line for each page."""
    print(f"{outcome:9} {page.path}  ({page.file})")


async def import_pages(
    session: AsyncSession,
    directory: Path,
    progress: Callable[[str, SourcePage], None] | None = None,
) -> ImportReport:
    """Create or update a page per file of ``directory`` and commit, or write nothing and raise
    :class:`PageImportError`. ``progress(outcome, page)`` hears of each page as it is done
    (``"created"``, ``"updated"`` or ``"unchanged"``)."""
    sources = read_tree(directory)
    existing = {
        page.path: page
        for page in await session.scalars(
            select(Page).where(Page.path.in_([source.path for source in sources]))
        )
    }
    report = ImportReport()
    for source in sources:
        page = existing.get(source.path)
        if page is None:
            page = Page(path=source.path, **source.values)
            session.add(page)
            outcome = "created"
        elif all(getattr(page, name) == source.values[name] for name in FIELDS):
            outcome = "unchanged"
        else:
            for name in FIELDS:
                setattr(page, name, source.values[name])
            outcome = "updated"
        if outcome != "unchanged":
            page.content_html = source.content_html
            await session.flush()
        getattr(report, outcome).append(source.path)
        if progress is not None:
            progress(outcome, source)
    await session.commit()
    return report
