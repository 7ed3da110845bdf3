"""python.org's own error shapes, as the compatible endpoints answer them.

Real clients parse those answers: Django REST framework's ``{"detail": "..."}`` and
``{"field": ["message"]}`` under ``/api/v2/`` (:data:`DRF`), Tastypie's shapes on the v1
downloads and pages (:func:`tastypie`). Both of python.org's frameworks answer a failed
validation with 400 where the guide says 422. A controller names its dialect in its ``opt``
(``opt={DIALECT_KEY: DRF}``); the kernel applies it (``core.dialects``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from litestar.openapi.spec import OpenAPIType, Schema

from pydotorg.core.dialects import Dialect
from pydotorg.core.exceptions import NOT_AUTHENTICATED, PERMISSION_DENIED


def field_errors(
    extra: Mapping[str, Any], reword: Callable[[str], str] | None = None
) -> dict[str, list[str]]:
    """The guide's ``extra.errors`` as Django's ``{"field": ["message", ...]}``, each message
    in the family's words (``reword``) if it has its own; errors that name no field go under
    ``non_field_errors``, as Django REST framework puts them."""
    fields: dict[str, list[str]] = {}
    for error in extra.get("errors") or ():
        if not isinstance(error, Mapping):
            continue
        name = error.get("field") or "non_field_errors"
        message = str(error.get("message") or "Invalid value.")
        fields.setdefault(str(name), []).append(reword(message) if reword else message)
    return fields


def throttled_detail(seconds: int) -> str:
    """Django REST framework's words for a 429, which python.org's clients have quoted."""
    unit = "second" if seconds == 1 else "seconds"
    return f"Request was throttled. Expected available in {seconds} {unit}."


DRF_DATETIME = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"
PYTHON_TYPES = {"array": "list", "str": "str", "int": "int", "float": "float", "bool": "bool"}
DRF_FIELD_WORDS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"Expected `[^`]+`, got `null`"), lambda _: "This field may not be null."),
    (re.compile(r"Expected `str` of length >= 1"), lambda _: "This field may not be blank."),
    (
        re.compile(r"Expected `str` of length <= (\d+)"),
        lambda m: f"Ensure this field has no more than {m[1]} characters.",
    ),
    (re.compile(r"Expected `int`, got `\w+`"), lambda _: "A valid integer is required."),
    (re.compile(r"Expected `bool`, got `\w+`"), lambda _: "Must be a valid boolean."),
    (
        re.compile(r"Expected `int` >= (-?\d+)"),
        lambda m: f"Ensure this value is greater than or equal to {m[1]}.",
    ),
    (
        re.compile(r"Expected `int` <= (-?\d+)"),
        lambda m: f"Ensure this value is less than or equal to {m[1]}.",
    ),
    (
        re.compile(r"Expected `datetime`, got `\w+`|Invalid RFC3339 encoded datetime"),
        lambda _: f"Datetime has wrong format. Use one of these formats instead: {DRF_DATETIME}.",
    ),
    (
        re.compile(r"Expected `object`, got `(\w+)`"),
        lambda m: f"Invalid data. Expected a dictionary, but got {PYTHON_TYPES.get(m[1], m[1])}.",
    ),
)
"""Django REST framework's words for what the request decoder (msgspec) reports in its own:
a null, a blank, a too long text, a value of the wrong type, a number out of range."""


def drf_words(message: str) -> str:
    """A field's message as Django REST framework words it, where it has words of its own."""
    for pattern, words in DRF_FIELD_WORDS:
        found = pattern.fullmatch(message)
        if found is not None:
            return words(found)
    return message


def _drf_body(status: int, detail: str, extra: dict[str, Any]) -> Any:
    fields = field_errors(extra, drf_words)
    if fields and status == 400:
        return fields
    return {"detail": detail}


DRF = Dialect(
    name="DRFError",
    body=_drf_body,
    throttled=lambda seconds: {"detail": throttled_detail(seconds)},
    schema=Schema(
        type=OpenAPIType.OBJECT,
        title="DRFError",
        description="python.org's v2 error body, as Django REST framework writes it: "
        '`{"detail": "..."}`, or for invalid input each field\'s messages, '
        '`{"url": ["..."]}`.',
        additional_properties=True,
    ),
    challenge="Token",
    statuses={422: 400},
    words={
        NOT_AUTHENTICATED: "Authentication credentials were not provided.",
        PERMISSION_DENIED: "You do not have permission to perform this action.",
    },
)


def tastypie(resource: str) -> Dialect:
    """python.org's v1 error shape for one resource (``"downloads/release_file"``): invalid
    input is ``{resource: {"field": ["message"]}}``, anything else ``{"error_message": ...}``,
    the key python.org's release tooling prints when a request fails; a request Tastypie
    cannot serve (a filter it refuses, a bad ``limit``) is ``{"error": "..."}``. Tastypie
    refuses a write by someone who is not staff with 401, never 403."""

    def body(status: int, detail: str, extra: dict[str, Any]) -> Any:
        errors = extra.get("errors") or ()
        if status == 400 and any(
            isinstance(error, Mapping) and error.get("source") == "query" for error in errors
        ):
            return {"error": detail}
        fields = field_errors(extra)
        if fields and status == 400:
            return {resource: dict(sorted(fields.items()))}  # Tastypie sorts every object's keys
        return {"error_message": detail}

    return Dialect(
        name="TastypieError",
        body=body,
        throttled=lambda seconds: {"error_message": throttled_detail(seconds)},
        schema=Schema(
            type=OpenAPIType.OBJECT,
            title="TastypieError",
            description="python.org's v1 error body, as Tastypie writes it: "
            '`{"error_message": "..."}`, or for invalid input '
            '`{"downloads/release_file": {"url": ["..."]}}`.',
            additional_properties=True,
        ),
        challenge="ApiKey",
        statuses={422: 400, 403: 401},
    )
