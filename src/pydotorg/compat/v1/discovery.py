"""Tastypie's discovery: each v1 resource's ``schema/`` and the API's top level, ``/api/v1/``.

A resource's schema is what Tastypie's ``build_schema`` writes from python.org's models: per
field its type, default, whether it may be null or blank, is unique or read-only, its help text
and verbose name (:class:`Described`, declared with each resource in ``compat.v1.downloads``
and ``compat.v1.pages``), then the resource's allowed methods, default format and limit, and
its ``filtering``. The top level lists every resource python.org registers (``urls_api.py``:
pages and the three downloads resources) with its list and schema paths, or with
``fullschema`` its whole schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from pydotorg.compat.lookups import Filtering
from pydotorg.compat.v1.filters import target_of
from pydotorg.compat.v1.schemas import FieldSchema, ResourceSchema
from pydotorg.core import clock

NO_DEFAULT = "No default provided."
"""What Tastypie writes for a field without a default."""
NOW = "the current time"
"""``default=timezone.now``: Tastypie writes the time the schema is asked for."""
HELP = {
    "string": 'Unicode string data. Ex: "Hello World"',
    "integer": "Integer data. Ex: 2673",
    "boolean": "Boolean data. Ex: True",
    "datetime": 'A date & time as a string. Ex: "2010-11-10T03:07:43"',
    "related": "A single related resource. Can be either a URI or set of nested resource data.",
}
"""Tastypie's help text of each field type, for a model field without one."""
DEFAULT_FORMAT = "application/json"
DEFAULT_LIMIT = 20
FULL_SCHEMA_OFF = frozenset({"", "false", "False", "nil", "none", "None"})
"""``fullschema`` values Tastypie reads as false (any other, ``0`` too, is true)."""


@dataclass(frozen=True)
class Described:
    """A field as python.org's model declares it, in Tastypie's terms: its ``type``
    (``string``, ``integer``, ``boolean``, ``datetime``, ``related``), default, the other
    facts its schema states, and for a relation the related resource's path."""

    type: str
    default: Any = NO_DEFAULT
    blank: bool = False
    nullable: bool = False
    unique: bool = False
    readonly: bool = False
    help_text: str = ""
    verbose_name: str = ""
    related: str = ""


def optional(**facts: Any) -> Described:
    """A text field the model lets be blank: Tastypie's default is ``""``."""
    return Described("string", default="", blank=True, **facts)


RESOURCE_URI = Described("string", readonly=True, verbose_name="resource uri")


def field_schema(name: str, field: Described) -> FieldSchema:
    default = field.default
    if default == NOW:
        default = clock.now().astimezone(UTC).replace(tzinfo=None).isoformat()
    return FieldSchema(
        blank=field.blank,
        default=default,
        help_text=field.help_text or HELP[field.type],
        nullable=field.nullable,
        primary_key=False,
        readonly=field.readonly,
        related_schema=f"{field.related}/schema/" if field.related else None,
        related_type="to_one" if field.related else None,
        type=field.type,
        unique=field.unique,
        verbose_name=field.verbose_name or name.replace("_", " "),
    )


def resource_schema(
    described: Mapping[str, Described], filtering: Filtering, list_methods: tuple[str, ...]
) -> ResourceSchema:
    """A resource's schema, its keys in Tastypie's (sorted) order."""
    return ResourceSchema(
        allowed_detail_http_methods=["get", "delete"],
        allowed_list_http_methods=list(list_methods),
        default_format=DEFAULT_FORMAT,
        default_limit=DEFAULT_LIMIT,
        fields={name: field_schema(name, described[name]) for name in sorted(described)},
        filtering={name: target_of(filtering.filters[name]) for name in sorted(filtering.filters)},
    )


def full_schema_asked(raw: str | None) -> bool:
    """Whether ``?fullschema=`` asks for every schema in the top level."""
    return raw is not None and raw not in FULL_SCHEMA_OFF
