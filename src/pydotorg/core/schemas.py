"""Field types shared by every domain's request schemas.

Text that reaches the database is checked here once: no control characters (PostgreSQL cannot
even store NUL), bounded length, and URLs that are absolute http(s) addresses.
"""

from __future__ import annotations

from typing import Annotated, Any, Union

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


Name = Annotated[
    str, msgspec.Meta(min_length=1, max_length=200, pattern=_SINGLE_LINE, description="One line.")
]
Description = Annotated[
    str, msgspec.Meta(max_length=10_000, pattern=_NO_CONTROL, description="Free text.")
]


class WriteSchema(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of request bodies: unknown fields are refused with 400, never stored."""


def patch_of(schema: type[WriteSchema]) -> type[WriteSchema]:
    """The PATCH body of a resource: its create body with every field optional; a field left
    out stays as it is (``changed_fields`` leaves it out)."""
    fields = [
        (field.name, Union[field.type, UnsetType], UNSET)  # noqa: UP007 - a runtime type
        for field in msgspec.structs.fields(schema)
    ]
    name = schema.__name__.replace("Create", "") + "Update"
    patch: type[WriteSchema] = msgspec.defstruct(
        name, fields, bases=(WriteSchema,), module=schema.__module__
    )
    return patch


def changed_fields(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body actually set (those left ``UNSET`` are not changes)."""
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
