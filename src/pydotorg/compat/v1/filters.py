"""Tastypie's filters and ``order_by``, read from a query string into SQL conditions.

A v1 resource declares its fields and its ``filtering`` (``compat.lookups.Filtering``: a field
with the lookups it allows, Tastypie's ``ALL`` as :data:`ALL_SERVED`,
a relation as Tastypie's ``ALL_WITH_RELATIONS``). :func:`conditions` reads the parameters as
Tastypie's ``ModelResource.build_filters`` does:

- a parameter naming no field of the resource (``format``, ``limit``, a cache-buster) is
  ignored;
- ``field__lookup`` takes its last part as the lookup when Django's field has a lookup of that
  name, else the lookup is ``exact`` and the other parts name a path through relations:
  ``release__name``, ``release__version__startswith``, ``os__in``;
- each step is checked as Tastypie's ``check_filtering`` checks it, with its messages ("The
  'foo' field does not allow filtering.", "'startswith' is not an allowed filter on the 'name'
  field.", "The 'name' field does not support relations.");
- values are read as Tastypie reads them (``true``/``false``, ``none`` for null; ``in`` and
  ``range`` split on commas, over every repeat of the parameter; any other parameter repeated
  counts once, its last value), and a value the field cannot hold is Tastypie's "Invalid
  resource lookup data provided (mismatched type)."

``order_by`` (and the older ``sort_by``) is refused as Tastypie refuses it on a resource that
declares no ordering, which is every one of python.org's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, extract, false, func

from pydotorg.compat.lookups import (
    SEPARATOR,
    Field,
    Filtering,
    InvalidFilter,
    Relation,
    read_value,
)
from pydotorg.core.text import ascii_digits

DJANGO_LOOKUPS = frozenset(
    {
        "exact", "iexact", "gt", "gte", "lt", "lte", "in", "contains", "icontains",
        "startswith", "istartswith", "endswith", "iendswith", "range", "isnull", "regex",
        "iregex",
    }
)  # fmt: skip
"""The lookups Django registers on every field: what a parameter's last part may name."""
DATE_TRANSFORMS = frozenset(
    {
        "year", "iso_year", "month", "day", "week", "week_day", "iso_week_day", "quarter",
        "hour", "minute", "second", "date", "time",
    }
)  # fmt: skip
"""The lookups a datetime field adds."""
ALL_SERVED = frozenset(
    {
        "exact", "iexact", "gt", "gte", "lt", "lte", "in", "range", "isnull", "year", "month",
        "day", "hour", "minute", "second",
    }
)  # fmt: skip
"""What Tastypie's ``ALL`` takes on a datetime field here (its other lookups, ``week`` or
``regex``, are not served)."""
RELATION_LOOKUPS = frozenset(
    {
        "exact", "iexact", "gt", "gte", "lt", "lte", "in", "range", "isnull", "contains",
        "icontains", "startswith", "istartswith", "endswith", "iendswith",
    }
)  # fmt: skip
"""What ``ALL_WITH_RELATIONS`` takes on the related row's id here (Django's regular
expressions are not served)."""
TEXT_LOOKUPS = frozenset(
    {"contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"}
)
PARTS = frozenset({"year", "month", "day", "hour", "minute", "second"})
MISMATCHED = "Invalid resource lookup data provided (mismatched type)."
ALL, ALL_WITH_RELATIONS = 1, 2
"""Tastypie's constants, as its schemas write them."""


def python_value(raw: str) -> Any:
    """Tastypie's ``string_to_python``: ``true``/``false`` as booleans, ``none`` as null."""
    if raw in ("true", "True"):
        return True
    if raw in ("false", "False"):
        return False
    if raw in ("nil", "none", "None"):
        return None
    return raw


def conditions(
    filtering: Filtering, params: Iterable[tuple[str, str]]
) -> list[ColumnElement[bool]]:
    """The conditions of Tastypie's filters in ``params`` (see the module)."""
    pairs = list(params)
    every: dict[str, list[str]] = {}
    for name, raw in pairs:
        every.setdefault(name, []).append(raw)
    found = []
    for name, values in every.items():
        bits = name.split(SEPARATOR)
        field_name = bits.pop(0)
        if field_name not in filtering.fields and field_name not in filtering.filters:
            continue
        if field_name == "resource_uri":
            raise InvalidFilter([(name, f"The '{field_name}' field is not a valid field name")])
        target = filtering.filters.get(field_name)
        lookup = "exact"
        if bits and bits[-1] in terms(target):
            lookup = bits.pop()
        final = check(filtering, field_name, lookup, bits, name)
        found.append(_condition(name, final, lookup, values))
    return found


def terms(target: Field | Relation | None) -> frozenset[str]:
    """The lookups Django knows for a field (``None``: a field that does not filter)."""
    if isinstance(target, Field) and target.kind == "datetime":
        return DJANGO_LOOKUPS | DATE_TRANSFORMS
    return DJANGO_LOOKUPS


def check(filtering: Filtering, field_name: str, lookup: str, bits: list[str], name: str) -> Field:
    """Tastypie's ``check_filtering`` down the relations ``bits`` name: the field filtered,
    with the column and kind its value is read as."""
    target = filtering.filters.get(field_name)
    if target is None:
        raise InvalidFilter([(name, f"The '{field_name}' field does not allow filtering.")])
    allowed = RELATION_LOOKUPS if isinstance(target, Relation) else target.lookups
    if target_of(target) not in (ALL, ALL_WITH_RELATIONS) and lookup not in allowed:
        raise InvalidFilter(
            [(name, f"'{lookup}' is not an allowed filter on the '{field_name}' field.")]
        )
    if bits:
        if not isinstance(target, Relation) or target.target is None:
            raise InvalidFilter([(name, f"The '{field_name}' field does not support relations.")])
        return check(target.target, bits[0], lookup, bits[1:], name)
    if lookup not in allowed:
        raise InvalidFilter(
            [(name, f"'{lookup}' is not an allowed filter on the '{field_name}' field.")]
        )
    if isinstance(target, Relation):
        return Field(target.column, "integer", RELATION_LOOKUPS)
    return target


def target_of(target: Field | Relation) -> int | list[str]:
    """What Tastypie's ``filtering`` declares for a field: ``ALL`` (1), ``ALL_WITH_RELATIONS``
    (2) or its lookups."""
    if isinstance(target, Relation):
        return ALL_WITH_RELATIONS
    if target.lookups == ALL_SERVED:
        return ALL
    return sorted(target.lookups)


def _condition(name: str, field: Field, lookup: str, values: list[str]) -> ColumnElement[bool]:
    try:
        return _read(field, lookup, values)
    except ValueError as exc:
        message = str(exc).replace("{name}", name) if str(exc) else MISMATCHED
        raise InvalidFilter([(name, message)]) from None


def _read(field: Field, lookup: str, values: list[str]) -> ColumnElement[bool]:
    column: ColumnElement[Any] = field.column
    kind = field.kind
    value = python_value(values[-1])
    if lookup in ("in", "range"):
        if not isinstance(value, str):
            raise ValueError
        parts = [part for raw in values for part in raw.split(",")] if value else []
        if lookup == "in":
            return column.in_([_scalar(kind, part) for part in parts]) if parts else false()
        if len(parts) != 2:
            raise ValueError("Enter two values separated by a comma.")
        low, high = (_scalar(kind, part) for part in parts)
        return column.between(low, high)
    if lookup == "isnull":
        if not isinstance(value, bool):
            raise ValueError
        return column.is_(None) if value else column.is_not(None)
    if value is None:
        if lookup != "exact":
            raise ValueError
        return column.is_(None)
    if lookup in PARTS:
        return extract(lookup, column) == _integer(value)
    if lookup in TEXT_LOOKUPS:
        text = column if isinstance(column.type, String) else cast(column, String)
        matched: ColumnElement[bool] = getattr(text, lookup)(_text(value), autoescape=True)
        return matched
    scalar = _scalar(kind, value)
    if lookup == "iexact" and kind == "text":
        same: ColumnElement[bool] = func.lower(column) == func.lower(scalar)
        return same
    if lookup in ("exact", "iexact"):
        equal: ColumnElement[bool] = column == scalar
        return equal
    operators = {"gt": "__gt__", "gte": "__ge__", "lt": "__lt__", "lte": "__le__"}
    result: ColumnElement[bool] = getattr(column, operators[lookup])(scalar)
    return result


def _text(value: Any) -> str:
    """A value as Django writes it into a text comparison (``True`` -> ``"True"``)."""
    return str(value)


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if not ascii_digits(str(value).removeprefix("-")):
        raise ValueError
    return int(value)


def _scalar(kind: str, value: Any) -> Any:
    """One value as the field's kind holds it, as Django prepares it."""
    if kind == "integer":
        return _integer(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("t", "1"):
            return True
        if value in ("f", "0"):
            return False
        raise ValueError(f"“{value}” value must be either True or False.")
    if kind == "datetime":
        if isinstance(value, bool):
            raise ValueError
        moment: datetime = read_value("datetime", "exact", value)
        return moment
    return _text(value)


def refuse_ordering(fields: frozenset[str], params: Iterable[tuple[str, str]]) -> None:
    """Tastypie's answer to ``order_by`` (or ``sort_by``) on a resource that declares no
    ordering: a 400 naming the first field asked for."""
    pairs = list(params)
    names = [name for name, _ in pairs]
    parameter = "order_by" if "order_by" in names else "sort_by" if "sort_by" in names else None
    if parameter is None:
        return
    for name, raw in pairs:
        if name != parameter:
            continue
        field_name = raw.split(SEPARATOR)[0].removeprefix("-")
        if field_name not in fields:
            message = f"No matching '{field_name}' field for ordering on."
        else:
            message = f"The '{field_name}' field does not allow ordering."
        raise InvalidFilter([(parameter, message)])
