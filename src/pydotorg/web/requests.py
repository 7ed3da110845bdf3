"""Request bodies decoded strictly, once, in one place.

Litestar decodes a JSON body to plain Python values and then converts them to the handler's type
leniently, the way query strings must be converted (``"5"`` becomes ``5``). A body is no query
string: :class:`ApiRequest` decodes it straight into the handler's declared type with msgspec's
strict rules, so a wrong JSON type is a 400 naming its field (``{"limit": "5"}``,
``{"limit": 1.5}``, ``{"remote": 0}``), as are duplicate keys, an unknown field (named), JSON
nested too deep, malformed JSON (with the byte where it breaks), and a datetime UTC cannot
hold (``core.days``). A body that is not UTF-8 (the
only encoding JSON may travel in) is said to be so, with the byte where it breaks. A body that is
not JSON (``Content-Type: text/plain``, a form) is a 415. A missing body is said to be missing.

A client that goes away before sending the whole body it announced is no error of the service:
:class:`ClientDisconnectedError`, which ``web.errors`` logs as one line at info level.

One leniency, the OpenAPI document's: a JSON number with a zero fraction or an exponent that
makes it whole (``2.0``, ``2e0``) is an integer to JSON Schema, so the document cannot refuse it
where it declares an integer, and neither does the service (:func:`_whole_numbers_as_integers`).

"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import HTTPException, InternalServerException, ValidationException
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

from pydotorg.core.days import OUTSIDE_UTC, outside_utc

_LOCATION = re.compile(r" - at `\$\.?([^`]*)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `([^`]+)`")
_MISSING = re.compile(r"^Object missing required field `([^`]+)`")
_JSON_TYPES = ("application/json", "+json")


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(key)
        found[key] = value
    return found


def body_error(field: str | None, message: str) -> ValidationException:
    return ValidationException(
        detail="Invalid request body",
        extra=[{"key": field, "message": message, "source": "body"}],
    )


def decode_body(body: bytes, target: Any) -> Any:
    """``body`` as ``target``, decoded strictly; a :class:`ValidationException` otherwise."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"the request body is not UTF-8 (invalid byte at position {exc.start})"
        raise body_error(None, message) from exc
    try:
        json.loads(text, object_pairs_hook=_refuse_duplicates)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            at = len(text[: exc.pos].encode("utf-8"))
            raise body_error(None, f"malformed JSON at byte {at}: {exc.msg}") from exc
        raise body_error(str(exc), "appears more than once in the object") from exc
    except RecursionError as exc:
        raise body_error(None, "JSON nested too deeply") from exc
    try:
        try:
            decoded = msgspec.json.decode(body, type=target, strict=True)
        except msgspec.ValidationError as exc:
            if not _FLOAT_FOR_INT.match(str(exc)):
                raise
            decoded = _whole_numbers_as_integers(body, target)
    except msgspec.ValidationError as exc:
        message = str(exc)
        unknown = _UNKNOWN.match(message)
        if unknown:
            raise body_error(unknown.group(1), "unknown field") from exc
        located = _LOCATION.search(message)
        field = (located.group(1) or None) if located else None
        missing = _MISSING.match(message)
        if missing:
            name = missing.group(1)
            raise body_error(f"{field}.{name}" if field else name, "required") from exc
        raise body_error(field, _LOCATION.sub("", message)) from exc
    except msgspec.DecodeError as exc:
        raise body_error(None, str(exc)) from exc
    field = outside_utc(decoded)
    if field is not None:
        raise body_error(field or None, OUTSIDE_UTC)
    return decoded


class ClientDisconnectedError(Exception):
    """The client closed the connection before its request body was complete."""


_FLOAT_FOR_INT = re.compile(r"Expected `int(?: \| null)?`, got `float`")


def _whole(text: str) -> int | float:
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(text)


_WHOLE_AS_INT = msgspec.json.Decoder(float_hook=_whole)


def _whole_numbers_as_integers(body: bytes, target: Any) -> Any:
    """``body`` as ``target`` with every whole JSON number (``2.0``) read as an integer, and
    otherwise the same strict rules (an integer still fits a float field)."""
    return msgspec.convert(_WHOLE_AS_INT.decode(body), type=target, strict=True)


class ApiRequest(Request[Any, Any, Any]):
    """The app's request class: a JSON body is decoded into the handler's ``data`` type."""

    async def stream(self) -> AsyncGenerator[bytes, None]:
        """The body's chunks; :class:`ClientDisconnectedError` when the client leaves before
        the last (Litestar says ``InternalServerException``, as if it were the service's fault)."""
        try:
            async for chunk in super().stream():
                yield chunk
        except InternalServerException:
            if not self.is_connected:  # the body was read before: a bug, not the client
                raise
            raise ClientDisconnectedError() from None

    async def json(self) -> Any:
        content_type = self.headers.get("content-type", "application/json").split(";")[0]
        if not content_type.strip().lower().endswith(_JSON_TYPES):
            raise HTTPException(
                status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                detail="Send the request body as JSON (Content-Type: application/json).",
            )
        field = self.route_handler.parsed_data_field
        if field is None:
            return await super().json()
        return decode_body(await self.body(), field.annotation)
