"""python.org's list filters, read from a query string into SQL conditions.

Both of python.org's frameworks filter with Django's lookups: ``name=...`` (``exact``),
``version__startswith=3``, ``release_date__gte=2020-01-01``, ``release__name=...`` across a
relation. A resource declares which of its fields filter, with which lookups
(:class:`Filtering`); :func:`drf_conditions` (v2) and ``compat.v1.filters`` (v1, Tastypie's
rules) turn the parameters into conditions on the same columns the domain's services query,
and answer a filter python.org refuses with the message python.org gives. Values are read as
Django reads them: booleans ``true``/``false``/``1``/``0``, dates and datetimes in ISO 8601
(naive ones in UTC; one UTC cannot hold is a 400, as in ``core.days``), integers in
decimal digits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, String, cast, extract

from pydotorg.core.days import OUTSIDE_UTC, in_utc
from pydotorg.core.exceptions import DomainError
from pydotorg.core.text import ascii_digits

SEPARATOR = "__"


class InvalidFilter(DomainError):
    """Filters python.org refuses: 400, each message under the name python.org uses
    (``error`` in v2, the parameter's name for a bad value)."""

    status_code = 400

    def __init__(self, errors: Iterable[tuple[str, str]], *, source: str = "query") -> None:
        pairs = list(errors)
        super().__init__(
            pairs[0][1],
            extra={"errors": [{"field": f, "message": m, "source": source} for f, m in pairs]},
        )
        self.pairs = pairs


BOOLEAN_WORDS = frozenset({"true", "True", "1", "false", "False", "0"})


def _boolean(raw: str) -> bool:
    if raw in ("true", "True", "1"):
        return True
    if raw in ("false", "False", "0"):
        return False
    raise ValueError("Enter true or false.")


def _integer(raw: str) -> int:
    if not ascii_digits(raw.removeprefix("-")):
        raise ValueError("Enter a whole number.")
    return int(raw)


def _datetime(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = datetime.combine(date.fromisoformat(raw), time())
        except ValueError:
            raise ValueError("Enter a valid date/time.") from None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return in_utc(value)
    except ValueError:
        raise ValueError(f"'{{name}}' {OUTSIDE_UTC} in UTC.") from None


def one_release(pairs: Iterable[tuple[str, str]], word: str) -> int:
    """The release whose files a bulk delete removes: the query string is exactly one
    ``release=<id>`` and nothing else (a filter it would ignore could make it delete more than
    its caller meant), else a 400 under ``release`` (``word``: "filter" in v1, "parameter" in
    v2)."""
    given = list(pairs)
    raw = given[0][1] if len(given) == 1 and given[0][0] == "release" else ""
    if not ascii_digits(raw):
        message = f"Deleting release files requires exactly one 'release' {word}."
        raise InvalidFilter([("release", message)])
    return int(raw)


def _text(raw: str) -> str:
    return raw


KINDS: dict[str, Callable[[str], Any]] = {
    "text": _text,
    "boolean": _boolean,
    "integer": _integer,
    "datetime": _datetime,
}


@dataclass(frozen=True)
class Field:
    """A filterable field: its column, how its values read, and the lookups it allows; a
    field with ``choices`` (its model field's, as text) takes only those (django-filter's
    ``ChoiceFilter``)."""

    column: Any
    kind: str = "text"
    lookups: frozenset[str] = frozenset({"exact"})
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Relation:
    """A relation filtered by the related row's id (``release=12``) or, in v1, by the related
    resource's own filters (``release__name=...``)."""

    column: Any
    target: Filtering | None = None


@dataclass(frozen=True)
class Filtering:
    """What a resource's list may be filtered on; ``fields`` are all of its fields (a field
    that exists but does not filter is refused, any other name ignored, as in Tastypie)."""

    filters: Mapping[str, Field | Relation]
    fields: frozenset[str] = field(default_factory=frozenset)


def condition(column: Any, lookup: str, value: Any) -> ColumnElement[bool]:
    result: ColumnElement[bool]
    if lookup == "exact":
        result = column == value
    elif lookup == "startswith":
        text = column if isinstance(column.type, String) else cast(column, String)
        result = text.startswith(str(value), autoescape=True)
    elif lookup == "contains":
        result = column.contains(value, autoescape=True)
    elif lookup == "icontains":
        result = column.icontains(value, autoescape=True)
    elif lookup in ("gt", "gte", "lt", "lte"):
        result = getattr(column, f"__{lookup.replace('gte', 'ge').replace('lte', 'le')}__")(value)
    elif lookup == "in":
        result = column.in_(value)
    elif lookup == "range":
        result = column.between(*value)
    elif lookup == "isnull":
        result = column.is_(None) if value else column.is_not(None)
    else:  # year, month, day
        result = extract(lookup, column) == value
    return result


def read_value(kind: str, lookup: str, raw: str) -> Any:
    """A parameter's value as its field's kind, for a lookup (``in`` and ``range`` take
    comma-separated values; ``year``, ``month``, ``day`` integers; ``isnull`` a boolean)."""
    if lookup in ("year", "month", "day"):
        return _integer(raw)
    if lookup == "isnull":
        return _boolean(raw)
    if lookup in ("startswith", "contains", "icontains"):
        return raw
    read = KINDS[kind]
    if lookup == "in":
        return [read(part) for part in raw.split(",")]
    if lookup == "range":
        parts = raw.split(",")
        if len(parts) != 2:
            raise ValueError("Enter two values separated by a comma.")
        return [read(part) for part in parts]
    return read(raw)


def _split(name: str) -> tuple[str, str]:
    if SEPARATOR not in name:
        return name, "exact"
    head, _, lookup = name.rpartition(SEPARATOR)
    return head, lookup


def _one(
    name: str, field_name: str, lookup: str, target: Field | Relation, raw: str
) -> ColumnElement[bool]:
    if isinstance(target, Relation):
        spec = Field(target.column, "integer", frozenset({"exact", "in"}))
    else:
        spec = target
    if lookup not in spec.lookups:
        raise InvalidFilter(
            [(name, f"'{lookup}' is not an allowed filter on the '{field_name}' field.")]
        )
    try:
        value = read_value(spec.kind, lookup, raw)
    except ValueError as exc:
        raise InvalidFilter([(name, str(exc).replace("{name}", name))]) from None
    return condition(spec.column, lookup, value)


INVALID_RELATION = "Select a valid choice. That choice is not one of the available choices."
"""Django's ``ModelChoiceField`` on a value that is no id."""


def drf_conditions(
    filtering: Filtering, params: Iterable[tuple[str, str]], *, strict: bool
) -> list[ColumnElement[bool]]:
    """django-filter's filters: each declared ``field`` or ``field__lookup`` parameter, every
    invalid value named in one 400 (as its form validates them all); then any other parameter
    is ignored, or with ``strict`` (python.org's ``BaseFilterSet``) a 400 under ``error``
    naming each. A boolean that is not one reads as no filter, as Django's
    ``NullBooleanField`` does."""
    values = dict(params)
    declared: dict[str, tuple[str, str, Field | Relation]] = {}
    for field_name, target in filtering.filters.items():
        lookups = target.lookups if isinstance(target, Field) else frozenset({"exact"})
        for lookup in lookups:
            key = field_name if lookup == "exact" else f"{field_name}{SEPARATOR}{lookup}"
            declared[key] = (field_name, lookup, target)
    found: list[ColumnElement[bool]] = []
    invalid: list[tuple[str, str]] = []
    for name, raw in values.items():
        if name not in declared:
            continue
        field_name, lookup, target = declared[name]
        if isinstance(target, Field) and target.kind == "boolean" and lookup == "exact":
            if raw in BOOLEAN_WORDS:
                found.append(target.column == _boolean(raw))
            continue
        if raw == "":
            continue  # django-filter skips an empty value
        message = _invalid_choice(target, raw)
        if message is not None:
            invalid.append((name, message))
            continue
        try:
            found.append(_one(field_name, field_name, lookup, target, raw))
        except InvalidFilter as exc:
            invalid += exc.pairs
    if invalid:
        order = list(declared)
        raise InvalidFilter(sorted(invalid, key=lambda pair: order.index(pair[0])))
    unknown = [name for name in values if name not in declared]
    if strict and unknown:
        messages = []
        for name in sorted(unknown):
            field_name, lookup = _split(name)
            messages.append(
                ("error", f"'{lookup}' is not an allowed filter on the '{field_name}' field.")
            )
        raise InvalidFilter(messages)
    return found


def _invalid_choice(target: Field | Relation, raw: str) -> str | None:
    """django-filter's message for a value its choice field refuses, or None."""
    if isinstance(target, Relation):
        return None if ascii_digits(raw) else INVALID_RELATION
    if target.choices and raw not in target.choices:
        return f"Select a valid choice. {raw} is not one of the available choices."
    return None
