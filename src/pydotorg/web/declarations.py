"""Rules the service enforces that Litestar does not write into the OpenAPI document.

The document promises which requests are well formed: a request it calls valid must never get
a 400, or clients (and fuzzers checking that valid data is accepted) meet rules they could not
read. Litestar writes what a handler's signature says, but not:

- what the app's query guard refuses in any text query parameter (``core.query_strings``):
  control characters, U+FFFE, U+FFFF;
- the years a day filter may name (``core.days``): 1970 to 2100;
- constraints on the items of a list in a request body (``list[Ref]``: ids of at least 1; a
  search's index names), on the keys and values of a mapping (a benefit's quantities), and a
  lower bound of 0 (``ge=0``: Litestar drops a bound that is zero): these are taken from
  msgspec's own schema of the body, which is what checks it;
- that a struct nested in a body (a post's media items) refuses unknown fields, as the body
  itself does;
- a few rules checked by a service on a parameter whose handler cannot declare them itself
  (``QUERY_RULES``).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.openapi.spec import OpenAPI, OpenAPIType, Operation, Parameter, Schema

from pydotorg.core.days import FIRST_YEAR, LAST_YEAR
from pydotorg.core.schemas import NOT_IN_TEXT, WriteSchema

# ``not`` this pattern: what no query parameter may hold, on each free text one (an enum says
# more already). A ``not`` rather than an anchored pattern, so that it says the same to every
# regex dialect (Python's ``$`` matches before a final newline).
QUERY_FORBIDDEN = f"[{NOT_IN_TEXT}]"
DAY_PATTERN = r"^(?:19[7-9][0-9]|20[0-9][0-9]|2100)-"  # a day of FIRST_YEAR to LAST_YEAR
# Letters and digits as Python's ``re`` reads ``[^\W_]`` (``str.isalnum``), as the service
# splits words (``search.query.WORDS``): at least two of them.
TWO_LETTERS_OR_DIGITS = r"[^\W_][\s\S]*[^\W_]"
# Rules a service checks on a parameter of a handler that cannot say so itself (the search
# controllers are kept by the search rewrite; move these to their ``Parameter`` when they are
# open again): by operation id and parameter name.
QUERY_RULES: dict[tuple[str, str], dict[str, Any]] = {
    ("searchAutocomplete", "q"): {
        "pattern": TWO_LETTERS_OR_DIGITS,
        "description": "What was typed so far: at least 2 letters or digits.",
    },
}
assert (FIRST_YEAR, LAST_YEAR) == (1970, 2100), "DAY_PATTERN names other years"


def declare_query_rules(operation: Operation) -> None:
    """Write the app-wide and per-parameter rules into an operation's query parameters."""
    for parameter in operation.parameters or []:
        if not isinstance(parameter, Parameter) or parameter.param_in != "query":
            continue
        schema = parameter.schema
        if not isinstance(schema, Schema):
            continue
        for option in _options(schema):
            if option.type == OpenAPIType.STRING and not option.enum:
                option.schema_not = Schema(pattern=QUERY_FORBIDDEN)
        if _is_day(schema):
            schema.pattern = DAY_PATTERN
            schema.description = schema.description or f"A day of {FIRST_YEAR} to {LAST_YEAR}."
        for key, value in QUERY_RULES.get(
            (str(operation.operation_id), parameter.name), {}
        ).items():
            setattr(schema, key, value)


def _options(schema: Schema) -> list[Schema]:
    union = [*(schema.any_of or []), *(schema.one_of or [])]
    return [schema, *(s for s in union if isinstance(s, Schema))]


def _is_day(schema: Schema) -> bool:
    return any(option.format == "date" for option in _options(schema))


def declare_item_constraints(document: OpenAPI) -> None:
    """Give every request body's fields the constraints msgspec checks them against and
    Litestar leaves out (see the module's docstring)."""
    bodies: list[type[WriteSchema]] = []
    pending: list[type[WriteSchema]] = [WriteSchema]
    while pending:
        kind = pending.pop()
        bodies.append(kind)
        pending += kind.__subclasses__()
    components = document.components.schemas or {}
    for kind in bodies:  # one at a time: two bodies may share a name (a PATCH body made twice)
        _, definitions = msgspec.json.schema_components([kind])
        for name, definition in definitions.items():
            component = components.get(name)
            if not isinstance(component, Schema) or not component.properties:
                continue
            if definition.get("additionalProperties") is False:
                component.additional_properties = False
            declared = definition.get("properties", {})
            for field, prop in component.properties.items():
                _declare_field(prop, declared.get(field, {}))


def _declare_field(prop: Any, declared: dict[str, Any]) -> None:
    items = _array_items(declared)
    array = _option_of(prop, OpenAPIType.ARRAY)
    if items is not None and array is not None:
        array.items = items
    options = _declared_options(declared)
    lowest = [option["minimum"] for option in options if "minimum" in option]
    if lowest and isinstance(prop, Schema) and prop.minimum is None:
        prop.minimum = lowest[0]
    mapping = next(
        (o for o in options if o.get("type") == "object" and "properties" not in o), None
    )
    target = _option_of(prop, OpenAPIType.OBJECT)
    if mapping is not None and target is not None:
        if isinstance(mapping.get("propertyNames"), dict):
            target.property_names = _simple({"type": "string", **mapping["propertyNames"]})
        if isinstance(mapping.get("additionalProperties"), dict):
            values = _simple(mapping["additionalProperties"])
            if values is not None:
                target.additional_properties = values
        if "maxProperties" in mapping:
            target.max_properties = mapping["maxProperties"]


def _array_items(schema: dict[str, Any]) -> Schema | None:
    """The item schema of msgspec's ``schema`` of a field (an array, or an array or null), if
    it is simple enough to copy: a string or integer with constraints, or a union of them."""
    for option in _declared_options(schema):
        if option.get("type") == "array" and isinstance(option.get("items"), dict):
            return _simple(option["items"])
    return None


_KEYWORDS = {
    "minimum": "minimum",
    "maximum": "maximum",
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "enum": "enum",
    "description": "description",
}


def _simple(items: dict[str, Any]) -> Schema | None:
    """An item schema with constraints, or a union of such (an id as an integer or as a string
    of digits)."""
    if set(items) == {"anyOf"}:
        options = [_simple(option) for option in items["anyOf"]]
        if all(option is not None for option in options):
            return Schema(any_of=[option for option in options if option is not None])
        return None
    kind = items.get("type")
    if kind not in ("integer", "string") or set(items) - {"type", "examples", *_KEYWORDS}:
        return None
    values = {_KEYWORDS[key]: value for key, value in items.items() if key in _KEYWORDS}
    return Schema(type=OpenAPIType(kind), **values)


def _option_of(prop: Any, kind: OpenAPIType) -> Schema | None:
    """The schema of ``kind`` among Litestar's ``prop`` and its ``anyOf`` options."""
    for option in [prop, *(getattr(prop, "any_of", None) or [])]:
        if isinstance(option, Schema) and option.type == kind:
            return option
    return None


def _declared_options(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """msgspec's ``schema`` of a field and its ``anyOf`` options."""
    return [schema, *schema.get("anyOf", [])]
