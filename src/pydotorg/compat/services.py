"""The domains' services as python.org lists them: its order, its filters, its visibility.

Each class here is the domain's own service (every rule of a write, every check, the
transaction) with three things changed for python.org's API: the list order (its models'
``Meta.ordering``), filters given as SQL conditions (``compat.lookups``), and for release files
python.org's visibility (files of unpublished releases are listed to anyone). The v1 and v2
modules derive from these and only say how a row reads (``read``) in their shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, delete, select

from pydotorg.compat.writes import (
    OSWrite,
    PageWrite,
    ReleaseFileWrite,
    ReleaseWrite,
    file_body,
    given,
    page_body,
    release_body,
)
from pydotorg.content.pages.models import Page
from pydotorg.content.pages.services import PageService
from pydotorg.core.exceptions import (
    DOES_NOT_EXIST,
    UNIQUE,
    DomainError,
    FieldError,
    NotFoundError,
)
from pydotorg.core.links import Links
from pydotorg.core.pagination import MAX_OFFSET, Window
from pydotorg.core.pagination import Page as Window_Page
from pydotorg.core.queries import in_byte_order
from pydotorg.core.services import by_role
from pydotorg.core.text import ascii_digits
from pydotorg.downloads.file_services import ReleaseFileService, python_org_files
from pydotorg.downloads.models import OS, Release, ReleaseFile
from pydotorg.downloads.services import PYTHON_ORG_ORDER, OSService, ReleaseService

Conditions = Sequence[ColumnElement[bool]]
FIELD_LABELS = {"url": "URL"}
"""python.org's fields whose ``verbose_name`` is not their name."""
RELEASE_COLUMNS = {"version": "major"}
"""python.org's release fields -> the release's columns, where they differ (v1 and v2)."""
PAGE_COLUMNS = {"content": "content_html"}
"""python.org's page ``content`` is the page rendered (v1 and v2)."""
EVERYTHING = Window(limit=MAX_OFFSET, offset=0, style="body")
SOME_AT_ONCE = 500


def uri_of(links: Links, route: str, *, absolute: bool) -> Callable[[int], str]:
    """The ``resource_uri`` of a row of ``route`` by id, with python.org's trailing slash:
    absolute (DRF) or a path (Tastypie)."""
    template, _names = links.routes.paths[route]
    head = template.split("{", 1)[0]
    prefix = (links.base if absolute else "") + head

    def uri(key: int) -> str:
        return f"{prefix}{key}/"

    return uri


def id_of(links: Links, route: str, value: str, field: str) -> int:
    """The id in a URI of ``route`` (absolute or a path, trailing slash optional), or a 400
    naming ``field``: python.org's relations are written as their URIs."""
    template, _names = links.routes.paths[route]
    head = template.split("{", 1)[0]
    path = value
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    tail = path.removeprefix(head).rstrip("/") if path.startswith(head) else ""
    if not ascii_digits(tail):
        raise FieldError(field, "Invalid hyperlink - Incorrect URL match.")
    return int(tail)


class PythonOrgList:
    """What every python.org resource service adds: filtering by conditions, the whole list
    (v2 has no pagination) and whether a row exists that the caller may not see (v1's 401)."""

    model: ClassVar[type[Any]]
    links: Links
    stem: ClassVar[str] = "drf"
    """The version's operation-id prefix: ``drf`` (v2, absolute URIs) or ``tastypie`` (v1,
    paths)."""
    write_schema: ClassVar[type[Any]]
    """What python.org's clients write (``compat.writes``)."""
    required: ClassVar[tuple[str, ...]] = ()
    """The fields a create (and a v2 replace) must give."""
    verbose_name: ClassVar[str] = ""
    """The model's name in python.org's messages (its ``Meta.verbose_name``)."""
    object_name: ClassVar[str] = ""
    """The model's class name on python.org, which its v2 404s name."""

    def uri(self, route: str) -> Callable[[int], str]:
        """``resource_uri`` of route's rows by id (made once per service and route)."""
        made: dict[str, Callable[[int], str]] = self.__dict__.setdefault("_uris", {})
        if route not in made:
            made[route] = uri_of(self.links, route, absolute=self.stem == "drf")
        return made[route]

    def id_in(self, route: str, value: str, field: str) -> int:
        return id_of(self.links, route, value, field)

    def body(self, data: Any, *, partial: bool) -> Any:
        """The domain's create (or, ``partial``, update) body of what a client wrote."""
        raise NotImplementedError

    # The domain service's operations, answering in the version's shape (its ``read``).
    async def get(self, key: int | str) -> Any:
        try:
            return await super().get(key)  # type: ignore[misc]
        except NotFoundError as exc:
            raise self.in_words(exc) from None

    async def create(self, data: Any) -> Any:
        try:
            return await super().create(data)  # type: ignore[misc]
        except FieldError as exc:
            raise self.in_words(exc) from None

    async def update(self, key: int, data: Any) -> Any:
        try:
            return await super().update(key, data)  # type: ignore[misc]
        except (FieldError, NotFoundError) as exc:
            raise self.in_words(exc) from None

    async def delete(self, key: int) -> None:
        try:
            await super().delete(key)  # type: ignore[misc]
        except NotFoundError as exc:
            raise self.in_words(exc) from None

    def in_words(self, error: DomainError) -> DomainError:
        """An error as python.org's v2 words it (Django's ``get_object_or_404``, DRF's
        ``UniqueValidator`` and ``HyperlinkedRelatedField``); v1 keeps the domain's words."""
        if self.stem != "drf":
            return error
        if isinstance(error, NotFoundError):
            return NotFoundError(f"No {self.object_name} matches the given query.")
        if not isinstance(error, FieldError):
            return error
        if error.code == UNIQUE:
            label = FIELD_LABELS.get(error.field, error.field)
            message = f"{self.verbose_name} with this {label} already exists."
            return FieldError(error.field, message, code=UNIQUE)
        if error.code == DOES_NOT_EXIST:
            return FieldError(error.field, "Invalid hyperlink - Object does not exist.")
        return error

    async def page(self, window: Window, filters: Any = None) -> Window_Page[Any]:
        page: Window_Page[Any] = await super().page(window, filters)  # type: ignore[misc]
        return page

    def filtered(self, query: Select[Any], filters: Any) -> Select[Any]:
        return query.where(*filters) if filters else query

    async def every(self, conditions: Conditions) -> list[Any]:
        return (await self.page(EVERYTHING, conditions)).items

    async def some(self, keys: Sequence[int], conditions: Conditions) -> dict[int, Any]:
        """The rows of ``keys`` the caller may see and ``conditions`` keep, read, by id (for
        Tastypie's ``set/1;3/``), asked for a few hundred at a time."""
        found: dict[int, Any] = {}
        for start in range(0, len(keys), SOME_AT_ONCE):
            chosen = [*conditions, self.model.id.in_(keys[start : start + SOME_AT_ONCE])]
            query = self.filtered(self.query(), chosen)  # type: ignore[attr-defined]
            rows, _total = await self.rows(self.model).page(EVERYTHING, query)  # type: ignore[attr-defined]
            found.update((row.id, self.read(row)) for row in rows)  # type: ignore[attr-defined]
        return found

    async def hidden(self, key: int) -> bool:
        found = await self.session.scalar(  # type: ignore[attr-defined]
            select(self.model.id).where(self.model.id == key)
        )
        return found is not None


class PythonOrgOSes(PythonOrgList, OSService):
    """OSes as python.org keeps them: deleting one deletes its release files with it (its
    model's ``on_delete=CASCADE``), where the guide's own API refuses while it has files."""

    write_schema, verbose_name, object_name = OSWrite, "Operating System", "OS"
    required: ClassVar[tuple[str, ...]] = ("name", "slug")

    async def before_delete(self, os: OS) -> None:
        await self.session.execute(delete(ReleaseFile).where(ReleaseFile.os_id == os.id))

    def body(self, data: Any, *, partial: bool) -> Any:
        values = given(data, *(() if partial else self.required))
        return (self.update_schema if partial else self.create_schema)(**values)

    @by_role
    def query(self) -> Select[OS]:
        return select(OS).order_by(in_byte_order(OS.name), OS.id)


class PythonOrgReleases(PythonOrgList, ReleaseService):
    """Releases as python.org lists them. Every python.org release has a date, and its clients
    parse it as one (Renovate's schema fails on a null): a release without a date (none of
    the shipped records; the guide's API can make one) is not served here."""

    write_schema, verbose_name, object_name = ReleaseWrite, "Release", "Release"
    required: ClassVar[tuple[str, ...]] = ("name",)

    def body(self, data: Any, *, partial: bool) -> Any:
        return release_body(data, partial=partial, required=self.required)

    @by_role
    def query(self) -> Select[Release]:
        dated = ReleaseService.query(self).where(Release.release_date.is_not(None))
        return dated.order_by(None).order_by(*PYTHON_ORG_ORDER)


class PythonOrgFiles(PythonOrgList, ReleaseFileService):
    """Release files as python.org lists them (the files of the releases it serves)."""

    write_schema, verbose_name, object_name = ReleaseFileWrite, "Release File", "ReleaseFile"
    required: ClassVar[tuple[str, ...]] = ("name", "os", "release", "url")
    in_release_order = False  # python.org's order: by release name, OS name, file name

    def body(self, data: Any, *, partial: bool) -> Any:
        """``os`` and ``release`` are the version's URIs of them."""
        values = given(data, *(() if partial else self.required))
        if "os" in values:
            values["os"] = self.id_in(f"{self.stem}GetOS", values["os"], "os")
        if "release" in values:
            values["release"] = self.id_in(f"{self.stem}GetRelease", values["release"], "release")
        return file_body(values, partial=partial)

    @by_role
    def query(self) -> Any:
        return python_org_files().where(Release.release_date.is_not(None))


class PythonOrgPages(PythonOrgList, PageService):
    write_schema, verbose_name, object_name = PageWrite, "Page", "Page"

    def body(self, data: Any, *, partial: bool) -> Any:
        return page_body(data)

    @by_role
    def query(self) -> Select[Page]:
        return (
            PageService.query(self)
            .order_by(None)
            .order_by(in_byte_order(Page.title), in_byte_order(Page.path), Page.id)
        )
