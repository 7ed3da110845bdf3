"""Field types shared by every domain's request schemas.

Text that reaches the database is checked here once: no control characters (PostgreSQL cannot
even store NUL), bounded length, and URLs that are absolute http(s) addresses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Union, get_args

import msgspec
from msgspec import UNSET, UnsetType

_NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_SINGLE_LINE = r"^[^\x00-\x1f\x7f]*$"

Slug = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$",
        description="Letters, digits and single - _ . separators.",
    ),
]
Url = Annotated[
    str,
    msgspec.Meta(
        max_length=500,
        pattern=r"^https?://[^\s\x00-\x1f\x7f]+$",
        description="An absolute http(s) URL.",
    ),
]
OptionalUrl = Annotated[
    str,
    msgspec.Meta(
        max_length=500,
        pattern=r"^(?:https?://[^\s\x00-\x1f\x7f]+)?$",
        description="An absolute http(s) URL, or an empty string for none.",
    ),
]


Ref = Annotated[
    int,
    msgspec.Meta(ge=1, le=2**63 - 1, description="The id of another resource."),
]
Name = Annotated[
    str, msgspec.Meta(min_length=1, max_length=200, pattern=_SINGLE_LINE, description="One line.")
]
Description = Annotated[
    str, msgspec.Meta(max_length=10_000, pattern=_NO_CONTROL, description="Free text.")
]


class WriteSchema(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of request bodies: unknown fields are refused with 400, never stored."""


class Reason(WriteSchema):
    """Why staff refused something; its owner reads it."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=5000, pattern=_NO_CONTROL)]


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
