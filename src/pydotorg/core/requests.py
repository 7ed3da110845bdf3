"""Request bodies decoded strictly, once, in one place.

Litestar decodes a JSON body to plain Python values and then converts them to the handler's type
leniently, the way query strings must be converted (``"5"`` becomes ``5``). A body is no query
string: :class:`ApiRequest` decodes it straight into the handler's declared type with msgspec's
strict rules, so a wrong JSON type is a 400 naming its field (``{"limit": "5"}``,
``{"limit": 1e2}``, ``{"remote": 0}``), as are duplicate keys, an unknown field (named), JSON
nested too deep, malformed JSON (with the byte where it breaks), and a datetime UTC cannot
hold (``core.instants``). A body that is not JSON
(``Content-Type: text/plain``, a form) is a 415. A missing body is said to be missing.

"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

from pydotorg.core.instants import OUTSIDE_UTC, outside_utc

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
        json.loads(body, object_pairs_hook=_refuse_duplicates)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise body_error(None, f"malformed JSON at byte {exc.pos}: {exc.msg}") from exc
        raise body_error(str(exc), "appears more than once in the object") from exc
    except RecursionError as exc:
        raise body_error(None, "JSON nested too deeply") from exc
    try:
        decoded = msgspec.json.decode(body, type=target, strict=True)
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


class ApiRequest(Request[Any, Any, Any]):
    """The app's request class: a JSON body is decoded into the handler's ``data`` type."""

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
