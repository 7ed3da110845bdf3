"""Field types shared by every domain's request schemas.

Text that reaches the database is checked here once: bounded length, and no character that
XML 1.0 forbids, so every feed and export built from it stays parseable. One-line text refuses
every control character (general category Cc: C0, DEL and the C1 controls U+0080 to U+009F,
NEL among them); free text keeps only tab, newline and carriage return of them; both refuse the
non-characters U+FFFE and U+FFFF (PostgreSQL cannot even store NUL). Unpaired surrogates never
reach Python: the JSON decoder refuses them with 400. URLs are absolute http(s) addresses.
Every domain builds its text fields from :func:`one_line` and :func:`free_text` (or the
``NOT_IN_TEXT`` character class), so the rule is written once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Union, get_args

import msgspec
from msgspec import UNSET, UnsetType

NOT_IN_TEXT = r"\x00-\x1f\x7f-\x9f\ufffe\uffff"
"""The characters no one-line text field may hold, as the inside of a regex character class."""
NOT_IN_FREE_TEXT = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff"
"""The characters no free text field may hold (tab, newline and carriage return may be)."""
# ``\Z``, not ``$``: in Python (msgspec checks patterns with ``re``) ``$`` also matches before a
# final newline, so a one-line field would take "title\n" that the OpenAPI pattern refuses.
_ONE_LINE = rf"^[^{NOT_IN_TEXT}]*\Z"
_FREE_TEXT = rf"^[^{NOT_IN_FREE_TEXT}]*\Z"


def one_line(max_length: int, *, min_length: int = 0, description: str | None = None) -> Any:
    """The constraints of a one-line text field (``Annotated[str, one_line(200)]``)."""
    return msgspec.Meta(
        min_length=min_length or None,
        max_length=max_length,
        pattern=_ONE_LINE,
        description=description,
    )


def free_text(max_length: int, *, min_length: int = 0, description: str | None = None) -> Any:
    """The constraints of a text field that may hold tabs and line breaks."""
    return msgspec.Meta(
        min_length=min_length or None,
        max_length=max_length,
        pattern=_FREE_TEXT,
        description=description,
    )


Slug = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*\Z",
        description="Letters, digits and single - _ . separators.",
    ),
]
Url = Annotated[
    str,
    msgspec.Meta(
        max_length=500,
        pattern=rf"^https?://[^\s{NOT_IN_TEXT}]+\Z",
        description="An absolute http(s) URL.",
    ),
]
OptionalUrl = Annotated[
    str,
    msgspec.Meta(
        max_length=500,
        pattern=rf"^(?:https?://[^\s{NOT_IN_TEXT}]+)?\Z",
        description="An absolute http(s) URL, or an empty string for none.",
    ),
]


Ref = Annotated[
    int,
    msgspec.Meta(ge=1, le=2**63 - 1, description="The id of another resource."),
]
Name = Annotated[str, one_line(200, min_length=1, description="One line.")]
Description = Annotated[str, free_text(10_000, description="Free text.")]


class WriteSchema(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of request bodies: unknown fields are refused with 400, never stored."""


class NamedRowRead(msgspec.Struct):
    """The start of what a named row reads as: its id, name and slug (the first columns of a
    ``db.base.NamedMixin`` row; a release and an event category have them too)."""

    id: int
    name: str
    slug: str


class NamedRowCreate(WriteSchema):
    """The start of the body that creates a named row (an OS, a calendar, a sponsorship
    package, ...): its name and its slug, both required."""

    name: Name
    slug: Slug


class LenientSchema(msgspec.Struct, kw_only=True):
    """Base of the request bodies that ignore fields they do not know, as python.org's do (its
    clients send fields it no longer reads): never stored, and never refused."""


class Reason(WriteSchema):
    """Why staff refused something; its owner reads it."""

    reason: Annotated[str, free_text(5000, min_length=1)]


def _not_null(annotation: Any) -> Any:
    options = [option for option in get_args(annotation) if option is not type(None)]
    return Union[tuple(options)] if options else annotation  # noqa: UP007 - a runtime type


def patch_of(
    schema: type[WriteSchema],
    *,
    not_null: Sequence[str] = (),
    extra: Mapping[str, Any] | None = None,
) -> type[WriteSchema]:
    """The PATCH body of a resource: its create body with every field optional (and ``extra``
    fields); a field left out stays as it is (``changed_fields`` leaves it out). The fields in
    ``not_null`` may be null in a create body (where null means "derive it") but not here."""
    types = {field.name: field.type for field in msgspec.structs.fields(schema)}
    types.update(extra or {})
    fields = [
        (name, Union[_not_null(kind) if name in not_null else kind, UnsetType], UNSET)  # noqa: UP007 - a runtime type
        for name, kind in types.items()
    ]
    name = schema.__name__.replace("Create", "") + "Update"
    patch: type[WriteSchema] = msgspec.defstruct(  # type: ignore[assignment]
        name, fields, bases=(WriteSchema,), module=schema.__module__
    )
    return patch


def changed_fields(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body actually set (those left ``UNSET`` are not changes)."""
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
