"""What the services of content that users write and staff review share (community posts,
success stories): who may change a row, how its slug is chosen, and its body rendered.

A writer changes and deletes their own rows, and changes them only in the states
``owner_editable``; staff change any. Staff, who see every row, are told a slug that is taken
(422); anyone else gets the next free one (``-2``, ``-3``), so a writer never learns the slugs
of rows hidden from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydotorg.content.markup import render_off_loop
from pydotorg.core.exceptions import PermissionDeniedError
from pydotorg.core.queries import M, article, free_slug
from pydotorg.core.resources import CrudService, R
from pydotorg.core.text import slugify
from pydotorg.core.workflow import Workflow


class ReviewedContentService(CrudService[M, R]):
    """Rows with a ``creator_id``, a ``status`` moved by ``workflow``, a ``slug`` and a
    rendered ``content``."""

    workflow: ClassVar[Workflow]
    owner_editable: ClassVar[frozenset[str]]
    """The states in which a writer may still change their row."""
    editable_while: ClassVar[str]
    """Those states in words: ``"a draft or rejected"``."""
    writer: ClassVar[str]
    """The row's writer in messages: ``"author"``."""
    called: ClassVar[str]
    """The row in messages: ``"post"``."""
    staff_only: ClassVar[Mapping[str, str]] = {}
    """Fields only staff may set, and the refusal a writer who sets one is told."""
    slug_source: ClassVar[str]
    """The field a new row's slug is made from when it has none."""

    def owns(self, row: M) -> bool:
        return self.caller is not None and row.creator_id == self.caller.id  # type: ignore[attr-defined]

    def check_editable(self, values: dict[str, Any], current: M | None) -> None:
        """403 unless the caller is staff or the writer, 409 once the row left the states a
        writer may change it in."""
        if current is None or self.staff:
            return
        if not self.owns(current):
            raise PermissionDeniedError(
                f"Only the {self.writer} or staff can change this {self.called}."
            )
        for field, refusal in self.staff_only.items():
            if field in values:
                raise PermissionDeniedError(refusal)
        status: str = current.status  # type: ignore[attr-defined]
        if status not in self.owner_editable:
            raise self.workflow.conflict(
                f"{article(self.writer).capitalize()} can edit {article(self.called)} only "
                f"while it is {self.editable_while}.",
                status,
                staff=False,
                owner=True,
            )

    async def before_delete(self, row: M) -> None:
        if not (self.staff or self.owns(row)):
            raise PermissionDeniedError(
                f"Only the {self.writer} or staff can delete this {self.called}."
            )

    async def settle(self, values: dict[str, Any], current: M | None) -> None:
        """The slug (see the module), the body rendered, and a new row's writer."""
        column = self.model.slug
        wanted = values.get("slug")
        if wanted is not None and self.staff:
            await self.rows(self.model).check_unique(values, ("slug",), current=current)
        elif wanted is not None and (current is None or wanted != current.slug):  # type: ignore[attr-defined]
            values["slug"] = await free_slug(self.session, column, wanted)
        elif current is None:
            made = slugify(values[self.slug_source], fallback=self.called, max_length=150)
            values["slug"] = await free_slug(self.session, column, made)
        if "content" in values or "content_type" in values:
            content = values.get("content", current.content if current else "")  # type: ignore[attr-defined]
            content_type = values.get("content_type", current.content_type if current else "")  # type: ignore[attr-defined]
            values["content_html"] = await render_off_loop(content, content_type)
        if current is None:
            values["creator_id"] = self.user.id
